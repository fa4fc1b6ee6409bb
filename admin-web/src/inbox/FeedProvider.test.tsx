//! The feed provider and visitor erasures: an open conversation of an erased visitor
//! closes (with a word to the agent, unless this tab erased them); others stay open.

import { create } from "@bufbuild/protobuf";
import {
  type GetConversationResponse,
  GetConversationResponseSchema,
  VisitorErasedSchema,
  type WatchWorkspaceResponse,
  WatchWorkspaceResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { Toaster } from "../components/ui/Toast";
import { conversationClient } from "../lib/api";
import { keys } from "./cache";
import { erasingHere, FeedProvider, viewing } from "./FeedProvider";
import { defaultFilter, flattenList, type ListData } from "./model";
import { conversation, page } from "./testing";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  erasingHere.clear();
  viewing.conversationId = undefined;
});

function Where() {
  return <output aria-label="Location">{useLocation().pathname}</output>;
}

/** The dashboard with `c1` (of `vis_c1`) open and a feed that sends `item`, then waits. */
function renderWithFeed(item: WatchWorkspaceResponse) {
  let send: () => void = () => {};
  const sent = new Promise<void>((resolve) => {
    send = resolve;
  });
  vi.spyOn(conversationClient, "watchWorkspace").mockImplementation((_req, options) =>
    (async function* () {
      await sent;
      yield item;
      await new Promise((_, reject) =>
        options?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    })(),
  );
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  const c1 = conversation("c1", 100);
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [page([c1, conversation("c0", 50)])],
    pageParams: [""],
  });
  qc.setQueryData(
    keys.conversation("c1"),
    create(GetConversationResponseSchema, { conversation: c1, visitor: { id: c1.visitorId } }),
  );
  viewing.conversationId = "c1";
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/inbox/c1"]}>
        <FeedProvider meId="usr_me">
          <Routes>
            <Route path="*" element={<Where />} />
          </Routes>
        </FeedProvider>
      </MemoryRouter>
      <Toaster />
    </QueryClientProvider>,
  );
  const location = () => screen.getByRole("status", { name: "Location" }).textContent;
  const listed = () =>
    flattenList(qc.getQueryData<ListData>(keys.list(defaultFilter))).map((c) => c.id);
  return { qc, send: () => act(async () => send()), location, listed };
}

function erasure(visitorId: string, conversationIds: string[]): WatchWorkspaceResponse {
  return create(WatchWorkspaceResponseSchema, {
    cursor: "9",
    event: {
      case: "visitorErased",
      value: create(VisitorErasedSchema, { visitorId, conversationIds }),
    },
  });
}

test("a teammate's erasure closes the open conversation and says why", async () => {
  const { qc, send, location, listed } = renderWithFeed(erasure("vis_c1", ["c1"]));
  expect(location()).toBe("/inbox/c1");
  await send();
  await waitFor(() => expect(location()).toBe("/inbox"));
  await screen.findByText("This visitor was erased");
  expect(listed()).toEqual(["c0"]);
  expect(qc.getQueryData<GetConversationResponse>(keys.conversation("c1"))).toBeUndefined();
});

test("the tab that erased the visitor closes the view without a second toast", async () => {
  erasingHere.add("vis_c1");
  const { send, location } = renderWithFeed(erasure("vis_c1", []));
  // Toasts outlive a test (they are module state): count the ones already shown.
  const toasts = () => screen.queryAllByText("This visitor was erased").length;
  const before = toasts();
  await send();
  await waitFor(() => expect(location()).toBe("/inbox"));
  expect(toasts()).toBe(before);
  expect(erasingHere.has("vis_c1")).toBe(false);
});

test("another visitor's erasure leaves the open conversation alone", async () => {
  const { send, location, listed } = renderWithFeed(erasure("vis_c0", ["c0"]));
  await send();
  await waitFor(() => expect(listed()).toEqual(["c1"]));
  expect(location()).toBe("/inbox/c1");
});
