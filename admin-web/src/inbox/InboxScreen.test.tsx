//! The inbox list as rendered: feed events merged into the cache show up at once, with
//! unread counts, without duplicates, and leave when they stop matching the filter.

import { create } from "@bufbuild/protobuf";
import {
  ConversationStatus,
  GetMeResponseSchema,
  ListMembersResponseSchema,
  ListWidgetsResponseSchema,
  type WatchWorkspaceResponse,
  WatchWorkspaceResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test } from "vitest";
import { applyFeedEvent, keys } from "./cache";
import { InboxScreen } from "./InboxScreen";
import { defaultFilter, type ListData } from "./model";
import { conversation, message, page } from "./testing";

afterEach(cleanup);

const me = "usr_me";

function event(e: WatchWorkspaceResponse["event"]): WatchWorkspaceResponse {
  return create(WatchWorkspaceResponseSchema, { cursor: "1", event: e });
}

function renderInbox() {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: me, displayName: "Me" } }));
  qc.setQueryData(
    keys.members,
    create(ListMembersResponseSchema, { members: [{ userId: me, displayName: "Me" }] }),
  );
  // Everything the screen reads is in the cache: no request leaves the test.
  qc.setQueryData(keys.widgets, create(ListWidgetsResponseSchema, { widgets: [] }));
  qc.setQueryData<ListData>(keys.list(defaultFilter), {
    pages: [
      page([
        conversation("c1", 1_000, {
          visitorName: "Grace Hopper",
          lastMessagePreview: "Parcel damaged",
          lastSeq: 1n,
        }),
      ]),
    ],
    pageParams: [""],
  });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={["/inbox"]}>
        <Routes>
          <Route path="/inbox" element={<InboxScreen />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const rows = () =>
    within(screen.getByRole("list", { name: "Conversations" })).getAllByRole("link");
  return { qc, rows };
}

test("live events change the rendered list", async () => {
  const { qc, rows } = renderInbox();
  expect(rows().map((r) => r.textContent)).toEqual([expect.stringContaining("Grace Hopper")]);

  // A new conversation appears on top.
  await act(async () => {
    applyFeedEvent(
      qc,
      event({
        case: "conversationCreated",
        value: conversation("c2", 2_000, { visitorName: "Ada Lovelace" }),
      }),
      me,
    );
  });
  await waitFor(() => expect(rows()[0]?.textContent).toContain("Ada Lovelace"));

  // Its first message shows as preview with an unread count, once even if delivered twice.
  const hello = message("c2", 1, { body: "Do you ship to Norway?" });
  await act(async () => {
    applyFeedEvent(qc, event({ case: "messageCreated", value: hello }), me);
    applyFeedEvent(qc, event({ case: "messageCreated", value: hello }), me);
  });
  await waitFor(() => expect(rows()[0]?.textContent).toContain("Do you ship to Norway?"));
  const ada = rows()[0];
  expect(within(ada as HTMLElement).getByTitle("1 unread")).toBeTruthy();

  // A message in the older conversation moves it back to the top.
  await act(async () => {
    const later = message("c1", 2, { body: "Any news?" });
    later.createTime = conversation("x", 3_000_000).lastMessageTime;
    applyFeedEvent(qc, event({ case: "messageCreated", value: later }), me);
  });
  await waitFor(() =>
    expect(rows().map((r) => r.textContent?.includes("Grace Hopper"))).toEqual([true, false]),
  );

  // Resolved conversations leave the "Open" list.
  await act(async () => {
    applyFeedEvent(
      qc,
      event({
        case: "conversationUpdated",
        value: conversation("c2", 2_000, {
          visitorName: "Ada Lovelace",
          status: ConversationStatus.RESOLVED,
        }),
      }),
      me,
    );
  });
  await waitFor(() => expect(rows()).toHaveLength(1));
  expect(screen.getByRole("status").textContent).toContain("Connecting");
});
