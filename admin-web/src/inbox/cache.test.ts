//! Feed events applied to a real TanStack QueryClient: lists, details and histories
//! change in place, unread counts follow, duplicates are ignored, visitor changes merge and
//! refetch the live list only for arrivals, once per burst.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ConversationStatus,
  type GetConversationResponse,
  GetConversationResponseSchema,
  GetSetupProgressResponseSchema,
  type ListLiveVisitorsResponse,
  ListLiveVisitorsResponseSchema,
  SenderType,
  TypingEventSchema,
  VisitorChangeSchema,
  VisitorErasedSchema,
  type VisitorProfile,
  VisitorProfileSchema,
  type WatchWorkspaceResponse,
  WatchWorkspaceResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, test, vi } from "vitest";
import { applyFeedEvent, fetchListPage, isErasedConversation, keys, removeVisitor } from "./cache";
import {
  defaultFilter,
  flattenList,
  flattenMessages,
  type ListData,
  type MessagesData,
} from "./model";
import { conversation, message, messagesPage, page } from "./testing";

const me = "usr_me";

function event(e: WatchWorkspaceResponse["event"], cursor = "1"): WatchWorkspaceResponse {
  return create(WatchWorkspaceResponseSchema, { cursor, event: e });
}

function setup() {
  const qc = new QueryClient();
  const open = keys.list(defaultFilter);
  const mine = keys.list({ ...defaultFilter, assignee: "mine" });
  const resolved = keys.list({ ...defaultFilter, status: "resolved" });
  qc.setQueryData<ListData>(open, {
    pages: [page([conversation("c1", 100, { lastSeq: 1n, unreadCount: 1n })])],
    pageParams: [""],
  });
  qc.setQueryData<ListData>(mine, { pages: [page([])], pageParams: [""] });
  qc.setQueryData<ListData>(resolved, { pages: [page([])], pageParams: [""] });
  const list = (key: readonly unknown[]) => flattenList(qc.getQueryData<ListData>(key));
  return { qc, open, mine, resolved, list };
}

describe("applyFeedEvent", () => {
  test("a new conversation lands in every list whose filter it matches", () => {
    const { qc, open, mine, list } = setup();
    const created = vi.fn();
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me, {
      created,
    });
    expect(list(open).map((c) => c.id)).toEqual(["c2", "c1"]);
    expect(list(mine)).toEqual([]);
    expect(created).toHaveBeenCalledOnce();
  });

  test("a new conversation tells the empty inbox that the workspace has had one", () => {
    const { qc } = setup();
    qc.setQueryData(keys.anyConversation, false);
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me);
    expect(qc.getQueryData(keys.anyConversation)).toBe(true);
  });

  test("an update moves a conversation between lists", () => {
    const { qc, open, mine, resolved, list } = setup();
    const assigned = conversation("c1", 100, {
      assigneeUserId: me,
      status: ConversationStatus.ACTIVE,
    });
    applyFeedEvent(qc, event({ case: "conversationUpdated", value: assigned }), me);
    expect(list(mine).map((c) => c.id)).toEqual(["c1"]);
    applyFeedEvent(
      qc,
      event({
        case: "conversationUpdated",
        value: { ...assigned, status: ConversationStatus.RESOLVED },
      }),
      me,
    );
    expect(list(open)).toEqual([]);
    expect(list(mine)).toEqual([]);
    expect(list(resolved).map((c) => c.id)).toEqual(["c1"]);
  });

  test("a visitor message raises the unread count once and moves the conversation up", () => {
    const { qc, open, list } = setup();
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me);
    const m = message("c1", 2, { body: "anyone there?" });
    m.createTime = conversation("x", 300).lastMessageTime;
    applyFeedEvent(qc, event({ case: "messageCreated", value: m }), me);
    applyFeedEvent(qc, event({ case: "messageCreated", value: m }), me);
    const [first] = list(open);
    expect(first?.id).toBe("c1");
    expect(first?.unreadCount).toBe(2n);
    expect(first?.lastMessagePreview).toBe("anyone there?");
  });

  test("the server's conversation state wins over local counting", () => {
    const { qc, open, list } = setup();
    applyFeedEvent(qc, event({ case: "messageCreated", value: message("c1", 2) }), me);
    applyFeedEvent(
      qc,
      event({
        case: "conversationUpdated",
        value: conversation("c1", 100, { lastSeq: 2n, unreadCount: 0n, agentReadSeq: 2n }),
      }),
      me,
    );
    expect(list(open)[0]?.unreadCount).toBe(0n);
  });

  test("messages reach an open history once; notes are kept for agents", () => {
    const { qc } = setup();
    qc.setQueryData<MessagesData>(keys.messages("c1"), {
      pages: [messagesPage([message("c1", 1)], false)],
      pageParams: [0n],
    });
    const note = message("c1", 2, { internal: true, senderType: SenderType.AGENT, body: "vip" });
    applyFeedEvent(qc, event({ case: "messageCreated", value: note }), me);
    applyFeedEvent(qc, event({ case: "messageCreated", value: note }), me);
    const history = flattenMessages(qc.getQueryData<MessagesData>(keys.messages("c1")));
    expect(history.map((m) => m.body)).toEqual(["message 1", "vip"]);
  });

  test("a message for a conversation nobody has loaded refetches the lists", async () => {
    const { qc, open } = setup();
    const spy = vi.spyOn(qc, "invalidateQueries");
    applyFeedEvent(qc, event({ case: "messageCreated", value: message("c99", 4) }), me);
    expect(spy).toHaveBeenCalledWith({ queryKey: keys.allLists });
    expect(qc.getQueryState(open)?.isInvalidated).toBe(true);
  });

  test("visitor updates reach the open conversation's profile", () => {
    const { qc } = setup();
    const c = conversation("c1", 100);
    qc.setQueryData(
      keys.conversation("c1"),
      create(GetConversationResponseSchema, {
        conversation: c,
        visitor: { id: c.visitorId, currentUrl: "https://a.test/" },
      }),
    );
    const moved = create(VisitorProfileSchema, {
      id: c.visitorId,
      currentUrl: "https://a.test/pricing",
      online: true,
    });
    applyFeedEvent(qc, event({ case: "visitorUpdated", value: moved }), me);
    const detail = qc.getQueryData<GetConversationResponse>(keys.conversation("c1"));
    expect(detail?.visitor?.currentUrl).toBe("https://a.test/pricing");
  });

  test("a new page view marks the visitor's page history stale; presence does not", () => {
    const { qc } = setup();
    const c = conversation("c1", 100);
    const profile = (pageViews: bigint, online = true) =>
      create(VisitorProfileSchema, { id: c.visitorId, pageViews, online });
    qc.setQueryData(
      keys.conversation("c1"),
      create(GetConversationResponseSchema, { conversation: c, visitor: profile(1n) }),
    );
    qc.setQueryData(keys.pageViews(c.visitorId), { pages: [], pageParams: [] });
    const stale = () => qc.getQueryState(keys.pageViews(c.visitorId))?.isInvalidated;
    applyFeedEvent(qc, event({ case: "visitorUpdated", value: profile(1n, false) }), me);
    expect(stale()).toBe(false);
    applyFeedEvent(qc, event({ case: "visitorUpdated", value: profile(2n) }), me);
    expect(stale()).toBe(true);
  });

  test("visitor updates keep the live visitors list current", () => {
    const { qc } = setup();
    const here = (id: string, title: string, online = true) =>
      create(VisitorProfileSchema, { id, currentTitle: title, online });
    qc.setQueryData(
      keys.liveVisitors,
      create(ListLiveVisitorsResponseSchema, { visitors: [here("v1", "Home")] }),
    );
    const live = () =>
      qc
        .getQueryData<ListLiveVisitorsResponse>(keys.liveVisitors)
        ?.visitors.map((v) => `${v.id}:${v.currentTitle}`);
    applyFeedEvent(qc, event({ case: "visitorUpdated", value: here("v2", "Pricing") }), me);
    expect(live()).toEqual(["v2:Pricing", "v1:Home"]);
    applyFeedEvent(qc, event({ case: "visitorUpdated", value: here("v1", "Docs") }), me);
    expect(live()).toEqual(["v1:Docs", "v2:Pricing"]);
    applyFeedEvent(qc, event({ case: "visitorUpdated", value: here("v2", "", false) }), me);
    expect(live()).toEqual(["v1:Docs"]);
  });

  test("an erased visitor's conversations leave every list and the cache", () => {
    const { qc, open, mine, list } = setup();
    const theirs = (id: string, at: number) =>
      conversation(id, at, { visitorId: "vis_gone", assigneeUserId: me });
    applyFeedEvent(qc, event({ case: "conversationCreated", value: theirs("c2", 200) }), me);
    applyFeedEvent(qc, event({ case: "conversationCreated", value: theirs("c3", 300) }), me);
    expect(list(open).map((c) => c.id)).toEqual(["c3", "c2", "c1"]);
    expect(list(mine).map((c) => c.id)).toEqual(["c3", "c2"]);
    // The open conversation, its history, the visitor's pages and past conversations.
    qc.setQueryData(
      keys.conversation("c2"),
      create(GetConversationResponseSchema, {
        conversation: theirs("c2", 200),
        visitor: { id: "vis_gone" },
      }),
    );
    qc.setQueryData<MessagesData>(keys.messages("c2"), {
      pages: [messagesPage([message("c2", 1)], false)],
      pageParams: [0n],
    });
    qc.setQueryData(keys.pageViews("vis_gone"), { pages: [], pageParams: [] });
    qc.setQueryData(keys.visitorHistory("vis_gone"), { conversations: [] });
    qc.setQueryData(
      keys.liveVisitors,
      create(ListLiveVisitorsResponseSchema, {
        visitors: [
          { id: "vis_gone", online: true },
          { id: "vis_c1", online: true },
        ],
      }),
    );
    const erased = vi.fn();
    applyFeedEvent(
      qc,
      event({
        case: "visitorErased",
        value: create(VisitorErasedSchema, {
          visitorId: "vis_gone",
          conversationIds: ["c2", "c3"],
        }),
      }),
      me,
      {
        // Called while the cache still knows the visitor, so an open view can be found.
        erased: () => erased(qc.getQueryData(keys.conversation("c2")) !== undefined),
      },
    );
    expect(erased).toHaveBeenCalledWith(true);
    expect(list(open).map((c) => c.id)).toEqual(["c1"]);
    expect(list(mine)).toEqual([]);
    for (const key of [
      keys.conversation("c2"),
      keys.messages("c2"),
      keys.pageViews("vis_gone"),
      keys.visitorHistory("vis_gone"),
    ]) {
      expect(qc.getQueryData(key)).toBeUndefined();
    }
    expect(
      qc.getQueryData<ListLiveVisitorsResponse>(keys.liveVisitors)?.visitors.map((v) => v.id),
    ).toEqual(["vis_c1"]);
  });

  test("an erasure also drops cached conversations of the visitor the event did not name", () => {
    const { qc, open, list } = setup();
    // Another tab's answer names no ids: the visitor id is enough.
    removeVisitor(qc, "vis_c1");
    expect(list(open)).toEqual([]);
    // Replays and unknown visitors change nothing.
    const before = qc.getQueryData<ListData>(open);
    applyFeedEvent(
      qc,
      event({
        case: "visitorErased",
        value: create(VisitorErasedSchema, { visitorId: "vis_other", conversationIds: ["c9"] }),
      }),
      me,
    );
    expect(qc.getQueryData<ListData>(open)).toBe(before);
  });

  test("isErasedConversation finds the visitor's conversation by id or through the cache", () => {
    const { qc } = setup();
    const erased = create(VisitorErasedSchema, { visitorId: "vis_c1", conversationIds: [] });
    expect(isErasedConversation(qc, erased, "c1")).toBe(true);
    expect(isErasedConversation(qc, erased, "c7")).toBe(false);
    expect(isErasedConversation(qc, { ...erased, conversationIds: ["c7"] }, "c7")).toBe(true);
  });

  test("typing goes to its handler only", () => {
    const { qc } = setup();
    const typing = vi.fn();
    applyFeedEvent(
      qc,
      event({
        case: "typing",
        value: create(TypingEventSchema, {
          conversationId: "c1",
          senderType: SenderType.VISITOR,
          senderId: "v",
          name: "Ada",
          typing: true,
        }),
      }),
      me,
      { typing },
    );
    expect(typing).toHaveBeenCalledOnce();
  });
});

describe("visitorChanged", () => {
  const changed = (id: string, init: MessageInitShape<typeof VisitorChangeSchema>) =>
    event({ case: "visitorChanged", value: create(VisitorChangeSchema, { id, ...init }) });
  const here = (id: string, title: string, init: Partial<Omit<VisitorProfile, "$typeName">> = {}) =>
    create(VisitorProfileSchema, { id, currentTitle: title, online: true, ...init });

  /** A conversation open on screen with its visitor's profile and page views. */
  function openConversation(qc: QueryClient) {
    const c = conversation("c1", 100);
    qc.setQueryData(
      keys.conversation("c1"),
      create(GetConversationResponseSchema, {
        conversation: c,
        visitor: here(c.visitorId, "Home", {
          name: "Ada",
          currentUrl: "https://a.test/",
          attributes: { plan: "free" },
          pageViews: 1n,
          lastSeenTime: timestampFromMs(1_000),
        }),
      }),
    );
    qc.setQueryData(keys.pageViews(c.visitorId), { pages: [], pageParams: [] });
    return {
      visitorId: c.visitorId,
      profile: () => qc.getQueryData<GetConversationResponse>(keys.conversation("c1"))?.visitor,
      pagesStale: () => qc.getQueryState(keys.pageViews(c.visitorId))?.isInvalidated,
    };
  }

  /**
   * The live visitors list on screen, answered by the test: `answer` settles the oldest
   * ListLiveVisitors call still open.
   */
  function liveScreen(qc: QueryClient, visitors: VisitorProfile[]) {
    qc.setQueryData(keys.liveVisitors, create(ListLiveVisitorsResponseSchema, { visitors }));
    const open: ((r: ListLiveVisitorsResponse) => void)[] = [];
    let fetches = 0;
    const observer = new QueryObserver(qc, {
      queryKey: keys.liveVisitors,
      queryFn: () => {
        fetches++;
        return new Promise<ListLiveVisitorsResponse>((resolve) => open.push(resolve));
      },
      staleTime: Number.POSITIVE_INFINITY,
    });
    const stop = observer.subscribe(() => {});
    const settle = () => new Promise((done) => setTimeout(done, 0));
    return {
      fetches: () => fetches,
      stop,
      settle,
      answer: async (answer: VisitorProfile[]) => {
        open.shift()?.(create(ListLiveVisitorsResponseSchema, { visitors: answer }));
        await settle();
      },
      rows: () =>
        qc
          .getQueryData<ListLiveVisitorsResponse>(keys.liveVisitors)
          ?.visitors.map((v) => `${v.id}:${v.currentTitle}`),
    };
  }

  test("a change merges into the open conversation's visitor", () => {
    const { qc } = setup();
    const open = openConversation(qc);
    applyFeedEvent(
      qc,
      changed(open.visitorId, {
        currentUrl: "https://a.test/pricing",
        currentTitle: "Pricing",
        attributes: { values: { plan: "pro" } },
        lastSeenTime: timestampFromMs(2_000),
      }),
      me,
    );
    const profile = open.profile();
    expect(profile?.currentUrl).toBe("https://a.test/pricing");
    expect(profile?.currentTitle).toBe("Pricing");
    expect(profile?.attributes).toEqual({ plan: "pro" });
    expect(profile?.lastSeenTime).toEqual(timestampFromMs(2_000));
    // Not in the change: kept.
    expect(profile?.name).toBe("Ada");
    expect(profile?.online).toBe(true);
    expect(profile?.pageViews).toBe(1n);
    // Another visitor's change leaves the profile alone.
    applyFeedEvent(qc, changed("vis_other", { name: "Bo" }), me);
    expect(open.profile()).toBe(profile);
  });

  test("page views are refetched only when the change carries their count", () => {
    const { qc } = setup();
    const open = openConversation(qc);
    applyFeedEvent(qc, changed(open.visitorId, { online: false }), me);
    applyFeedEvent(
      qc,
      changed(open.visitorId, { name: "Ada L.", lastSeenTime: timestampFromMs(3) }),
      me,
    );
    expect(open.pagesStale()).toBe(false);
    applyFeedEvent(qc, changed(open.visitorId, { currentTitle: "Docs", pageViews: 2n }), me);
    expect(open.pagesStale()).toBe(true);
    expect(open.profile()?.pageViews).toBe(2n);
  });

  test("the live list: activity moves up, a profile edit stays put, a departure leaves", async () => {
    const { qc } = setup();
    const live = liveScreen(qc, [here("v1", "Home"), here("v2", "Docs")]);
    applyFeedEvent(qc, changed("v2", { currentTitle: "Pricing", pageViews: 2n }), me);
    expect(live.rows()).toEqual(["v2:Pricing", "v1:Home"]);
    applyFeedEvent(qc, changed("v1", { name: "Ada" }), me);
    expect(live.rows()).toEqual(["v2:Pricing", "v1:Home"]);
    applyFeedEvent(qc, changed("v1", { lastSeenTime: timestampFromMs(9) }), me);
    expect(live.rows()).toEqual(["v1:Home", "v2:Pricing"]);
    const [v1] = qc.getQueryData<ListLiveVisitorsResponse>(keys.liveVisitors)?.visitors ?? [];
    expect(v1?.name).toBe("Ada");
    applyFeedEvent(qc, changed("v2", { online: false }), me);
    expect(live.rows()).toEqual(["v1:Home"]);
    await live.settle();
    expect(live.fetches()).toBe(0);
    live.stop();
  });

  test("a visitor the list lacks coming online refetches it; going offline does not", async () => {
    const { qc } = setup();
    const live = liveScreen(qc, [here("v1", "Home")]);
    applyFeedEvent(qc, changed("v9", { online: false }), me);
    applyFeedEvent(qc, changed("v9", { currentTitle: "Docs" }), me);
    await live.settle();
    expect(live.fetches()).toBe(0);
    expect(live.rows()).toEqual(["v1:Home"]);
    applyFeedEvent(qc, changed("v2", { online: true, currentTitle: "Pricing" }), me);
    await live.settle();
    expect(live.fetches()).toBe(1);
    await live.answer([here("v2", "Pricing"), here("v1", "Home")]);
    expect(live.rows()).toEqual(["v2:Pricing", "v1:Home"]);
    expect(live.fetches()).toBe(1);
    live.stop();
  });

  test("a burst of arrivals is one fetch, and one more for those its answer may predate", async () => {
    const { qc } = setup();
    const live = liveScreen(qc, []);
    for (const id of ["v1", "v2", "v3", "v4", "v5"]) {
      applyFeedEvent(qc, changed(id, { online: true }), me);
    }
    await live.settle();
    expect(live.fetches()).toBe(1);
    // The answer left out the last arrivals: the second fetch brings them.
    await live.answer([here("v1", "A"), here("v2", "B")]);
    expect(live.fetches()).toBe(2);
    await live.answer([here("v1", "A"), here("v2", "B"), here("v3", "C"), here("v4", "D")]);
    expect(live.rows()).toHaveLength(4);
    expect(live.fetches()).toBe(2);
    // Quiet again: the next arrival fetches at once.
    applyFeedEvent(qc, changed("v6", { online: true }), me);
    await live.settle();
    expect(live.fetches()).toBe(3);
    await live.answer([]);
    live.stop();
  });

  test("an arrival during a fetch started elsewhere joins it and fetches once more", async () => {
    const { qc } = setup();
    const live = liveScreen(qc, []);
    // The screen opening, or a feed reset.
    void qc.refetchQueries({ queryKey: keys.liveVisitors });
    applyFeedEvent(qc, changed("v1", { online: true }), me);
    await live.settle();
    expect(live.fetches()).toBe(1);
    await live.answer([]);
    expect(live.fetches()).toBe(2);
    await live.answer([here("v1", "Home")]);
    expect(live.rows()).toEqual(["v1:Home"]);
    live.stop();
  });

  test("a departure while the list is being fetched fetches once more after it", async () => {
    const { qc } = setup();
    const live = liveScreen(qc, [here("v1", "Home")]);
    applyFeedEvent(qc, changed("v2", { online: true }), me);
    await live.settle();
    expect(live.fetches()).toBe(1);
    applyFeedEvent(qc, changed("v1", { online: false }), me);
    expect(live.rows()).toEqual([]);
    // The answer was read before v1 left.
    await live.answer([here("v2", "Docs"), here("v1", "Home")]);
    expect(live.fetches()).toBe(2);
    await live.answer([here("v2", "Docs")]);
    expect(live.rows()).toEqual(["v2:Docs"]);
    live.stop();
  });

  test("no cached live list: nothing to keep current, nothing fetched", () => {
    const { qc } = setup();
    const spy = vi.spyOn(qc, "invalidateQueries");
    applyFeedEvent(qc, changed("v2", { online: true }), me);
    expect(spy).not.toHaveBeenCalled();
    expect(qc.getQueryData(keys.liveVisitors)).toBeUndefined();
  });
});

describe("a list fetched while the feed runs", () => {
  /** A list fetch whose answer (read by the server before now) the test releases. */
  function fetching(qc: QueryClient, filter = defaultFilter) {
    let answer: (p: ReturnType<typeof page>) => void = () => {};
    const done = qc.fetchInfiniteQuery({
      queryKey: keys.list(filter),
      queryFn: ({ pageParam }) =>
        fetchListPage(
          qc,
          filter,
          pageParam === "",
          () => new Promise<ReturnType<typeof page>>((resolve) => (answer = resolve)),
        ),
      initialPageParam: "",
    });
    return { answer: (p: ReturnType<typeof page>) => answer(p), done };
  }
  const listOf = (qc: QueryClient, filter = defaultFilter) =>
    flattenList(qc.getQueryData<ListData>(keys.list(filter))).map((c) => c.id);

  test("a conversation created while the list was on its way stays in it", async () => {
    const qc = new QueryClient();
    qc.setQueryData<ListData>(keys.list(defaultFilter), { pages: [page([])], pageParams: [""] });
    const { answer, done } = fetching(qc);
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me);
    expect(listOf(qc)).toEqual(["c2"]);
    // The server read the list before c2 was created.
    answer(page([conversation("c1", 100)]));
    await done;
    expect(listOf(qc)).toEqual(["c2", "c1"]);
  });

  test("the feed's newer copy wins over the answer's, and what left the filter stays out", async () => {
    const qc = new QueryClient();
    const { answer, done } = fetching(qc);
    applyFeedEvent(
      qc,
      event({
        case: "conversationUpdated",
        value: conversation("c1", 300, { status: ConversationStatus.RESOLVED }),
      }),
      me,
    );
    applyFeedEvent(
      qc,
      event({ case: "conversationUpdated", value: conversation("c2", 250, { unreadCount: 2n }) }),
      me,
    );
    answer(page([conversation("c1", 100), conversation("c2", 90), conversation("c3", 80)]));
    await done;
    expect(listOf(qc)).toEqual(["c2", "c3"]);
    const c2 = flattenList(qc.getQueryData<ListData>(keys.list(defaultFilter)))[0];
    expect(c2?.unreadCount).toBe(2n);
  });

  test("an erasure while the list was on its way keeps the visitor out of the answer", async () => {
    const qc = new QueryClient();
    const { answer, done } = fetching(qc);
    applyFeedEvent(
      qc,
      event({
        case: "visitorErased",
        value: create(VisitorErasedSchema, { visitorId: "vis_c1", conversationIds: [] }),
      }),
      me,
    );
    answer(page([conversation("c1", 100), conversation("c2", 90)]));
    await done;
    expect(listOf(qc)).toEqual(["c2"]);
  });

  test("a change between the answer and the cache storing it is applied after", async () => {
    const qc = new QueryClient();
    const answered = await fetchListPage(qc, defaultFilter, true, async () =>
      page([conversation("c1", 100)]),
    );
    // The answer is on its way through TanStack's promises when the event comes.
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me);
    qc.setQueryData<ListData>(keys.list(defaultFilter), { pages: [answered], pageParams: [""] });
    expect(listOf(qc)).toEqual(["c1"]);
    await new Promise((r) => setTimeout(r, 0));
    expect(listOf(qc)).toEqual(["c2", "c1"]);
  });

  test("a change after the fetch is over is the cache's ordinary business", async () => {
    const qc = new QueryClient();
    const { answer, done } = fetching(qc);
    answer(page([conversation("c1", 100)]));
    await done;
    await new Promise((r) => setTimeout(r, 0));
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me);
    expect(listOf(qc)).toEqual(["c2", "c1"]);
  });
});

describe("the setup checklist", () => {
  const progress = (init: MessageInitShape<typeof GetSetupProgressResponseSchema>) =>
    create(GetSetupProgressResponseSchema, init);
  const arrived = (id: string) =>
    event({ case: "visitorChanged", value: create(VisitorChangeSchema, { id, online: true }) });

  test("a new conversation ticks the test chat without asking the server", () => {
    const { qc } = setup();
    qc.setQueryData(keys.setupProgress, progress({ widgetCreated: true }));
    const spy = vi.spyOn(qc, "invalidateQueries");
    applyFeedEvent(qc, event({ case: "conversationCreated", value: conversation("c2", 200) }), me);
    expect(qc.getQueryData(keys.setupProgress)).toMatchObject({
      widgetCreated: true,
      chatTried: true,
    });
    expect(spy).not.toHaveBeenCalledWith({ queryKey: keys.setupProgress, exact: true });
  });

  test("a visitor arriving asks again while no widget was seen, at most every few seconds", () => {
    const { qc } = setup();
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      qc.setQueryData(keys.setupProgress, progress({ widgetCreated: true }));
      const stale = () => qc.getQueryState(keys.setupProgress)?.isInvalidated;
      applyFeedEvent(qc, arrived("v1"), me);
      expect(stale()).toBe(true);
      // The answer came; arrivals right after ask once, when the wait is over.
      qc.setQueryData(keys.setupProgress, progress({ widgetCreated: true }));
      vi.advanceTimersByTime(2_000);
      applyFeedEvent(qc, arrived("v2"), me);
      applyFeedEvent(qc, arrived("v3"), me);
      expect(stale()).toBe(false);
      vi.advanceTimersByTime(3_000);
      expect(stale()).toBe(true);
      // Once seen, arrivals cost nothing.
      qc.setQueryData(keys.setupProgress, progress({ widgetCreated: true, widgetSeen: true }));
      vi.advanceTimersByTime(20_000);
      applyFeedEvent(qc, arrived("v4"), me);
      expect(stale()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
