//! The feed provider and visitor erasures: an open conversation of an erased visitor
//! closes (with a word to the agent, unless this tab erased them); others stay open. And
//! the chime and desktop notification for feed events, as the member's notification
//! settings say per event (this browser's switches alone when there are none).

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type GetConversationResponse,
  GetConversationResponseSchema,
  GetNotificationSettingsResponseSchema,
  SenderType,
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
import { notify, playChime } from "../lib/attention";
import { keys } from "./cache";
import { erasingHere, FeedProvider, viewing } from "./FeedProvider";
import { defaultFilter, flattenList, type ListData } from "./model";
import { conversation, message, page } from "./testing";

vi.mock("../lib/attention", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../lib/attention")>()),
  playChime: vi.fn(),
  notify: vi.fn(),
}));

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.mocked(playChime).mockClear();
  vi.mocked(notify).mockClear();
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

/** The member's settings: sound and desktop per event (e-mail and push do not matter here). */
function withSettings(
  qc: import("@tanstack/react-query").QueryClient,
  rules: { event: string; sound: boolean; desktop: boolean }[],
) {
  qc.setQueryData(
    keys.notificationSettings,
    create(GetNotificationSettingsResponseSchema, { settings: { rules } }),
  );
}

const created = (id: string, init: Parameters<typeof conversation>[2] = {}) =>
  create(WatchWorkspaceResponseSchema, {
    cursor: "9",
    event: { case: "conversationCreated", value: conversation(id, Date.now(), init) },
  });

const visitorWrote = (conversationId: string, seq: number) =>
  create(WatchWorkspaceResponseSchema, {
    cursor: "9",
    event: {
      case: "messageCreated",
      value: message(conversationId, seq, { createTime: timestampFromMs(Date.now()) }),
    },
  });

test("a new conversation: sound and desktop notification as the member's settings say", async () => {
  const { qc, send } = renderWithFeed(created("c2"));
  withSettings(qc, [{ event: "new_conversation", sound: false, desktop: true }]);
  await send();
  await waitFor(() => expect(notify).toHaveBeenCalledTimes(1));
  expect(vi.mocked(notify).mock.calls[0]?.slice(0, 3)).toEqual([
    "New conversation",
    "Visitor c2",
    "c2",
  ]);
  expect(playChime).not.toHaveBeenCalled();
});

test("without settings (not loaded, or the call failed) this browser's switches decide", async () => {
  const { send } = renderWithFeed(created("c2"));
  await send();
  await waitFor(() => expect(notify).toHaveBeenCalledTimes(1));
  expect(playChime).toHaveBeenCalledTimes(1);
});

test("a visitor's message in my conversation follows visitor_message; a colleague's none", async () => {
  const { qc, send } = renderWithFeed(visitorWrote("c3", 4));
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [
      page([
        conversation("c3", 200, {
          assigneeUserId: "usr_me",
          lastSeq: 3n,
          lastMessagePreview: "earlier",
        }),
      ]),
    ],
    pageParams: [""],
  });
  withSettings(qc, [
    { event: "visitor_message", sound: true, desktop: false },
    { event: "new_conversation", sound: false, desktop: false },
  ]);
  await send();
  await waitFor(() => expect(playChime).toHaveBeenCalledTimes(1));
  expect(notify).not.toHaveBeenCalled();
});

test("a visitor's message in a colleague's conversation raises nothing", async () => {
  const { qc, send } = renderWithFeed(visitorWrote("c4", 3));
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [
      page([
        conversation("c4", 200, {
          assigneeUserId: "usr_colleague",
          lastSeq: 2n,
          lastMessagePreview: "earlier",
        }),
      ]),
    ],
    pageParams: [""],
  });
  const lastSeq = () =>
    flattenList(qc.getQueryData<ListData>(keys.list(defaultFilter))).find((c) => c.id === "c4")
      ?.lastSeq;
  await send();
  // The message arrived (the list has it) and raised nothing.
  await waitFor(() => expect(lastSeq()).toBe(3n));
  expect(playChime).not.toHaveBeenCalled();
  expect(notify).not.toHaveBeenCalled();
});

test("the first visitor message after routing's line is a new conversation for everyone", async () => {
  // Routing assigned it to a colleague (their line is seq 1); the visitor's first words, seq 2.
  const { qc, send } = renderWithFeed(visitorWrote("c5", 2));
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [page([conversation("c5", 200, { assigneeUserId: "usr_colleague", lastSeq: 1n })])],
    pageParams: [""],
  });
  withSettings(qc, [
    { event: "new_conversation", sound: true, desktop: false },
    { event: "visitor_message", sound: false, desktop: false },
  ]);
  await send();
  await waitFor(() => expect(playChime).toHaveBeenCalledTimes(1));
});

const systemLine = (conversationId: string, seq: number) =>
  create(WatchWorkspaceResponseSchema, {
    cursor: "9",
    event: {
      case: "messageCreated",
      value: message(conversationId, seq, {
        senderType: SenderType.SYSTEM,
        senderId: "",
        internal: true,
        body: "Resolved by Sam Agent",
        createTime: timestampFromMs(Date.now()),
      }),
    },
  });

test("a system line raises nothing, not even in my own conversation", async () => {
  const { qc, send } = renderWithFeed(systemLine("c6", 5));
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [page([conversation("c6", 200, { assigneeUserId: "usr_me", lastSeq: 4n })])],
    pageParams: [""],
  });
  const listed = () =>
    flattenList(qc.getQueryData<ListData>(keys.list(defaultFilter))).find((c) => c.id === "c6");
  await send();
  await waitFor(() => expect(listed()?.lastSeq).toBe(5n));
  expect(listed()?.unreadCount).toBe(0n);
  expect(listed()?.lastMessagePreview).toBe("");
  expect(playChime).not.toHaveBeenCalled();
  expect(notify).not.toHaveBeenCalled();
});
