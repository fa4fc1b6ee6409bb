//! The inbox list as rendered: feed events merged into the cache show up at once, with
//! unread counts, without duplicates, and leave when they stop matching the filter (except
//! the open conversation, which keeps its row while open); search matches are marked; a
//! conversation the AI bot answers says so, streams the answer and can be taken over.

import { create } from "@bufbuild/protobuf";
import {
  AssignConversationResponseSchema,
  CitationSchema,
  ConversationStatus,
  GetConversationResponseSchema,
  GetMeResponseSchema,
  ListCannedResponsesResponseSchema,
  ListMembersResponseSchema,
  ListVisitorPageViewsResponseSchema,
  ListWidgetsResponseSchema,
  Responder,
  SenderType,
  TypingEventSchema,
  type WatchWorkspaceResponse,
  WatchWorkspaceResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { conversationClient } from "../lib/api";
import { applyFeedEvent, keys } from "./cache";
import { InboxScreen } from "./InboxScreen";
import { defaultFilter, type ListData } from "./model";
import { conversation, message, messagesPage, page } from "./testing";
import { typingStore } from "./typing";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

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

/** The inbox at `entry` with `conversations` in the list of `filter`, open one cached. */
function renderAt(
  entry: string,
  filter: typeof defaultFilter,
  conversations: ReturnType<typeof conversation>[],
) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: me, displayName: "Me" } }));
  qc.setQueryData(
    keys.members,
    create(ListMembersResponseSchema, { members: [{ userId: me, displayName: "Me" }] }),
  );
  qc.setQueryData(keys.widgets, create(ListWidgetsResponseSchema, { widgets: [] }));
  qc.setQueryData(keys.canned, create(ListCannedResponsesResponseSchema, {}));
  qc.setQueryData<ListData>(keys.list(filter), { pages: [page(conversations)], pageParams: [""] });
  for (const c of conversations) {
    qc.setQueryData(
      keys.conversation(c.id),
      create(GetConversationResponseSchema, { conversation: c, visitor: { id: c.visitorId } }),
    );
    qc.setQueryData(keys.messages(c.id), { pages: [messagesPage([], false)], pageParams: [0n] });
    qc.setQueryData(keys.pageViews(c.visitorId), {
      pages: [create(ListVisitorPageViewsResponseSchema, {})],
      pageParams: [""],
    });
  }
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[entry]}>
        <Routes>
          <Route path="/inbox" element={<InboxScreen />} />
          <Route path="/inbox/:conversationId" element={<InboxScreen />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  const list = () => screen.getByRole("list", { name: "Conversations" });
  const row = (name: string) => within(list()).getByRole("link", { name: new RegExp(name) });
  return { qc, list, row };
}

test("the search's matches are marked in the rows", async () => {
  const filter = { ...defaultFilter, query: "norway" };
  const { row } = renderAt("/inbox?q=norway", filter, [
    conversation("c1", 2_000, {
      visitorName: "Ada Lovelace",
      lastMessagePreview: "Norway, or NORWAY?",
    }),
    conversation("c2", 1_000, {
      visitorName: "Grace Hopper",
      visitorEmail: "grace@norway.example",
      lastMessagePreview: "Parcel damaged",
    }),
    conversation("c3", 500, { visitorName: "Alan Turing", lastMessagePreview: "Thanks!" }),
  ]);
  const marks = (name: string) => [...row(name).querySelectorAll("mark")].map((m) => m.textContent);
  expect(marks("Ada Lovelace")).toEqual(["Norway", "NORWAY"]);
  // A match in the e-mail shows the e-mail; one in no shown text says where it is.
  expect(marks("Grace Hopper")).toEqual(["norway"]);
  expect(within(row("Grace Hopper")).getByText(/grace@/).textContent).toBe("grace@norway.example");
  expect(marks("Alan Turing")).toEqual([]);
  expect(
    within(row("Alan Turing")).getByText("Matches a message in this conversation"),
  ).toBeTruthy();
});

test("a conversation resolved while open keeps its row until another is opened", async () => {
  const { qc, list, row } = renderAt("/inbox/c2", defaultFilter, [
    conversation("c1", 3_000, { visitorName: "Ada Lovelace" }),
    conversation("c2", 2_000, { visitorName: "Grace Hopper" }),
    conversation("c3", 1_000, { visitorName: "Alan Turing" }),
  ]);
  expect(row("Grace Hopper").getAttribute("aria-current")).toBe("page");
  await act(async () => {
    applyFeedEvent(
      qc,
      event({
        case: "conversationUpdated",
        value: conversation("c2", 2_000, {
          visitorName: "Grace Hopper",
          status: ConversationStatus.RESOLVED,
        }),
      }),
      me,
    );
  });
  // Gone from the cached "open" list, still shown, in its place, as resolved.
  const cached = qc.getQueryData<ListData>(keys.list(defaultFilter));
  expect(cached?.pages[0]?.conversations.map((c) => c.id)).toEqual(["c1", "c3"]);
  const names = () =>
    within(list())
      .getAllByRole("link")
      .map((a) => a.textContent ?? "");
  await waitFor(() => expect(names()[1]).toContain("Resolved"));
  expect(names()).toEqual([
    expect.stringContaining("Ada Lovelace"),
    expect.stringContaining("Grace Hopper"),
    expect.stringContaining("Alan Turing"),
  ]);
  expect(row("Grace Hopper").getAttribute("aria-current")).toBe("page");

  // Another conversation opened: the resolved one leaves.
  await act(async () => {
    row("Alan Turing").click();
  });
  await waitFor(() => expect(within(list()).queryByText("Grace Hopper")).toBeNull());
  expect(row("Alan Turing").getAttribute("aria-current")).toBe("page");
});

test("a conversation left offline says so in its row and in the open header", async () => {
  const { row } = renderAt("/inbox/c1", defaultFilter, [
    conversation("c1", 3_000, {
      visitorName: "Ada Lovelace",
      visitorEmail: "ada@example.com",
      leftOffline: true,
    }),
    conversation("c2", 2_000, { visitorName: "Grace Hopper", leftOffline: true }),
    conversation("c3", 1_000, { visitorName: "Alan Turing" }),
  ]);
  // In words (not colour alone), part of the row's name; why, in its title.
  const ada = within(row("Ada Lovelace")).getByText("Left offline");
  expect(row("Ada Lovelace").textContent).toContain("Left offline");
  expect(ada.getAttribute("title")).toBe(
    "Left through the offline form; the visitor expects the answer by e-mail.",
  );
  expect(within(row("Grace Hopper")).getByText("Left offline").getAttribute("title")).toBe(
    "Left through the offline form; the visitor expects the answer here on their return.",
  );
  expect(within(row("Alan Turing")).queryByText("Left offline")).toBeNull();

  // The open conversation's header: a button described by the explanation, which a click
  // (or tap) shows and a second one hides.
  const header = screen.getByRole("region", { name: "Conversation" }).querySelector("header");
  const badge = within(header as HTMLElement).getByRole("button", { name: "Left offline" });
  const describedBy = badge.getAttribute("aria-describedby") ?? "";
  expect(document.getElementById(describedBy)?.textContent).toBe(
    "Left through the offline form; the visitor expects the answer by e-mail.",
  );
  expect(screen.queryByRole("tooltip")).toBeNull();
  await act(async () => badge.click());
  await waitFor(() =>
    expect(screen.getByRole("tooltip").textContent).toContain("expects the answer by e-mail"),
  );
  await act(async () => badge.click());
  await waitFor(() => expect(screen.queryByRole("tooltip")).toBeNull());
});

test("a conversation not left offline has no such badge in its header", () => {
  renderAt("/inbox/c1", defaultFilter, [conversation("c1", 1_000, { visitorName: "Alan" })]);
  const header = screen.getByRole("region", { name: "Conversation" }).querySelector("header");
  expect(within(header as HTMLElement).queryByText("Left offline")).toBeNull();
});

test("a conversation the bot answers: its row and banner say so, the answer streams in, Take over assigns", async () => {
  const assign = vi
    .spyOn(conversationClient, "assignConversation")
    .mockImplementation(async (req) =>
      create(AssignConversationResponseSchema, {
        conversation: conversation("cb1", 3_000, {
          visitorName: "Nina",
          assigneeUserId: req.assigneeUserId,
          status: ConversationStatus.ACTIVE,
          responder: Responder.AGENTS,
          widgetId: "wgt_1",
        }),
      }),
    );
  const { qc, row } = renderAt("/inbox/cb1", defaultFilter, [
    conversation("cb1", 3_000, {
      visitorName: "Nina",
      responder: Responder.BOT,
      status: ConversationStatus.ACTIVE,
      widgetId: "wgt_1",
    }),
  ]);
  qc.setQueryData(
    keys.widgets,
    create(ListWidgetsResponseSchema, {
      widgets: [{ id: "wgt_1", name: "Shop", settings: { bot: { name: "Penny" } } }],
    }),
  );
  await waitFor(() => expect(row("Nina").textContent).toContain("Penny (AI) answering"));
  const banner = screen.getByTestId("bot-answering");
  expect(banner.textContent).toContain("Penny");
  expect(banner.textContent).toContain("is answering this conversation");
  // The banner's Take over replaces the header's "Take it".
  expect(screen.queryByRole("button", { name: "Take it" })).toBeNull();

  // The feed's typing events carry the answer so far: one bubble, growing, then replaced by
  // the stored message.
  const feed = (item: WatchWorkspaceResponse) =>
    applyFeedEvent(qc, item, me, {
      typing: (t) => typingStore.apply(t),
      message: (m) => typingStore.stopped(m.conversationId, m),
    });
  const typing = (draft: string, on = true) =>
    event({
      case: "typing",
      value: create(TypingEventSchema, {
        conversationId: "cb1",
        senderType: SenderType.BOT,
        name: "Penny",
        typing: on,
        draft,
      }),
    });
  await act(async () => feed(typing("")));
  await screen.findByText("Penny (AI) is writing an answer");
  await act(async () => feed(typing("Refunds take")));
  expect((await screen.findByTestId("bot-draft")).textContent).toContain("Refunds take");
  expect(screen.queryByText("Penny (AI) is writing an answer")).toBeNull();
  expect(row("Nina").textContent).toContain("Penny is answering…");
  await act(async () => feed(typing("Refunds take 5 working days [1].")));
  expect(screen.getAllByTestId("bot-draft")).toHaveLength(1);
  expect(screen.getByTestId("bot-draft").textContent).toContain("5 working days [1].");
  await act(async () =>
    feed(
      event({
        case: "messageCreated",
        value: message("cb1", 2, {
          senderType: SenderType.BOT,
          senderId: "",
          senderName: "Penny",
          body: "Refunds take 5 working days [1].",
          citations: [
            create(CitationSchema, {
              articleId: "art_1",
              title: "Refund policy",
              url: "https://x.example/r",
            }),
          ],
        }),
      }),
    ),
  );
  await waitFor(() => expect(screen.queryByTestId("bot-draft")).toBeNull());
  expect(screen.getByTestId("bot-message").textContent).toBe("Refunds take 5 working days [1].");
  expect(screen.getByRole("link", { name: "Refund policy" }).getAttribute("href")).toBe(
    "https://x.example/r",
  );

  // Take over: the conversation is assigned to me, which hands it to the agents.
  await act(async () => screen.getByRole("button", { name: "Take over" }).click());
  await waitFor(() => expect(assign).toHaveBeenCalledTimes(1));
  expect(assign.mock.calls[0]?.[0]).toMatchObject({ conversationId: "cb1", assigneeUserId: me });
  await waitFor(() => expect(screen.queryByTestId("bot-answering")).toBeNull());
  expect(row("Nina").textContent).not.toContain("answering");
});
