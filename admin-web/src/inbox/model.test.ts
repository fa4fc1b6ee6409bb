//! The inbox state rules: filters, live merges into lists, unread counts, dedupe, the note
//! of a conversation left offline. (The preview text is a shared rule, tested in
//! client-sdk/ts/src/rules.)

import { ConversationStatus, Priority, Responder, SenderType } from "@porthole/client";
import { describe, expect, test } from "vitest";
import {
  applyMessage,
  applyRead,
  botAnswers,
  defaultFilter,
  dropPending,
  flattenList,
  flattenMessages,
  flowAnswers,
  type InboxFilter,
  isFirstVisibleMessage,
  keepOpenConversation,
  type ListData,
  leftOfflineNote,
  matchesFilter,
  mergeMessage,
  PENDING_PREFIX,
  removeFromList,
  unreadConversations,
  upsertIntoList,
} from "./model";
import { conversation, message, messagesPage, page } from "./testing";

const me = "usr_me";
const ids = (data: ListData) => flattenList(data).map((c) => c.id);

describe("matchesFilter", () => {
  test("status, assignee, priority and widget", () => {
    const c = conversation("a", 1, { assigneeUserId: me, priority: Priority.HIGH, widgetId: "w1" });
    expect(matchesFilter(c, defaultFilter, me)).toBe(true);
    expect(matchesFilter(c, { ...defaultFilter, status: "resolved" }, me)).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, assignee: "mine" }, me)).toBe(true);
    expect(matchesFilter(c, { ...defaultFilter, assignee: "unassigned" }, me)).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, assignee: "mine" }, "usr_other")).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, priority: Priority.URGENT }, me)).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, widgetId: "w2" }, me)).toBe(false);
    expect(
      matchesFilter(
        { ...c, status: ConversationStatus.CLOSED },
        { ...defaultFilter, status: "all" },
        me,
      ),
    ).toBe(true);
  });

  test("a search only the server can answer is unknown", () => {
    const c = conversation("a", 1, { visitorName: "Ada Lovelace", lastMessagePreview: "hello" });
    expect(matchesFilter(c, { ...defaultFilter, query: "ada" }, me)).toBe(true);
    expect(matchesFilter(c, { ...defaultFilter, query: "norway" }, me)).toBe("unknown");
  });
});

describe("matchesFilter with teams", () => {
  const sales = conversation("s", 1, { teamId: "tem_sales" });
  const everyone = conversation("e", 2);

  test("no team filter shows every team and none", () => {
    expect(matchesFilter(sales, defaultFilter, me)).toBe(true);
    expect(matchesFilter(everyone, defaultFilter, me)).toBe(true);
  });

  test("a team filter shows that team's conversations only", () => {
    const filter = { ...defaultFilter, teamId: "tem_sales" };
    expect(matchesFilter(sales, filter, me)).toBe(true);
    expect(matchesFilter(everyone, filter, me)).toBe(false);
    expect(matchesFilter({ ...sales, teamId: "tem_support" }, filter, me)).toBe(false);
  });

  test("the team filter combines with the others", () => {
    const filter = { ...defaultFilter, teamId: "tem_sales", assignee: "unassigned" as const };
    expect(matchesFilter(sales, filter, me)).toBe(true);
    expect(matchesFilter({ ...sales, assigneeUserId: me }, filter, me)).toBe(false);
  });

  test("a live update moving a conversation to another team moves it between lists", () => {
    const salesList: ListData = { pages: [page([sales])], pageParams: [""] };
    const filter = { ...defaultFilter, teamId: "tem_sales" };
    const movedAway = upsertIntoList(salesList, { ...sales, teamId: "" }, filter, me);
    expect(ids(movedAway)).toEqual([]);
    const movedIn = upsertIntoList(movedAway, { ...everyone, teamId: "tem_sales" }, filter, me);
    expect(ids(movedIn)).toEqual(["e"]);
  });
});

describe("upsertIntoList", () => {
  const list = (): ListData => ({
    pages: [
      page([conversation("c3", 300), conversation("c2", 200)], "next"),
      page([conversation("c1", 100)]),
    ],
    pageParams: ["", "next"],
  });

  test("a new conversation goes on top, page sizes and tokens are kept", () => {
    const next = upsertIntoList(list(), conversation("c4", 400), defaultFilter, me);
    expect(ids(next)).toEqual(["c4", "c3", "c2", "c1"]);
    expect(next.pages[0]?.conversations).toHaveLength(2);
    expect(next.pages[0]?.nextPageToken).toBe("next");
    expect(next.pageParams).toEqual(["", "next"]);
  });

  test("new activity moves a conversation up, across pages", () => {
    const next = upsertIntoList(list(), conversation("c1", 500), defaultFilter, me);
    expect(ids(next)).toEqual(["c1", "c3", "c2"]);
  });

  test("a conversation that stops matching leaves the list", () => {
    const resolved = conversation("c2", 200, { status: ConversationStatus.RESOLVED });
    expect(ids(upsertIntoList(list(), resolved, defaultFilter, me))).toEqual(["c3", "c1"]);
  });

  test("an unknown search match is updated in place but never added", () => {
    const filter: InboxFilter = { ...defaultFilter, query: "norway" };
    const data = list();
    expect(upsertIntoList(data, conversation("c9", 900), filter, me)).toBe(data);
    const updated = upsertIntoList(data, conversation("c2", 250, { tags: ["vip"] }), filter, me);
    expect(flattenList(updated).find((c) => c.id === "c2")?.tags).toEqual(["vip"]);
  });

  test("the same event twice changes nothing more (dedupe by id)", () => {
    const once = upsertIntoList(list(), conversation("c4", 400), defaultFilter, me);
    const twice = upsertIntoList(once, conversation("c4", 400), defaultFilter, me);
    expect(ids(twice)).toEqual(["c4", "c3", "c2", "c1"]);
  });

  test("an old conversation below a page not fetched yet waits for that page", () => {
    const data: ListData = { pages: [page([conversation("c3", 300)], "more")], pageParams: [""] };
    expect(upsertIntoList(data, conversation("c0", 50), defaultFilter, me)).toBe(data);
  });
});

describe("removeFromList", () => {
  test("drops the picked conversations across pages, keeping tokens", () => {
    const data: ListData = {
      pages: [
        page([conversation("c3", 300), conversation("c2", 200, { visitorId: "vis_x" })], "next"),
        page([conversation("c1", 100, { visitorId: "vis_x" }), conversation("c0", 50)]),
      ],
      pageParams: ["", "next"],
    };
    const next = removeFromList(data, (c) => c.visitorId === "vis_x");
    expect(ids(next)).toEqual(["c3", "c0"]);
    expect(next.pages[0]?.nextPageToken).toBe("next");
    expect(next.pageParams).toEqual(["", "next"]);
  });

  test("a list without them is returned as it was", () => {
    const data: ListData = { pages: [page([conversation("c1", 100)])], pageParams: [""] };
    expect(removeFromList(data, (c) => c.visitorId === "vis_x")).toBe(data);
  });
});

describe("applyMessage", () => {
  test("a visitor message updates preview, time, last seq and unread count", () => {
    const c = conversation("c1", 100, { lastSeq: 2n, unreadCount: 1n });
    const next = applyMessage(c, message("c1", 3, { body: "\n  Hi there \nmore" }));
    expect(next.lastSeq).toBe(3n);
    expect(next.unreadCount).toBe(2n);
    expect(next.lastMessagePreview).toBe("Hi there");
    expect(next.lastMessageTime).toEqual(message("c1", 3).createTime);
  });

  test("replayed or already counted messages change nothing", () => {
    const c = conversation("c1", 100, { lastSeq: 5n, unreadCount: 1n });
    expect(applyMessage(c, message("c1", 5))).toBe(c);
    expect(applyMessage(c, message("c1", 4))).toBe(c);
  });

  test("agent replies are not unread; notes do not touch preview or time", () => {
    const c = conversation("c1", 100, { lastSeq: 1n, lastMessagePreview: "old" });
    const reply = applyMessage(
      c,
      message("c1", 2, { senderType: SenderType.AGENT, body: "answer" }),
    );
    expect(reply.unreadCount).toBe(0n);
    expect(reply.lastMessagePreview).toBe("answer");
    const note = applyMessage(
      c,
      message("c1", 2, { internal: true, senderType: SenderType.AGENT, body: "secret" }),
    );
    expect(note.lastMessagePreview).toBe("old");
    expect(note.lastMessageTime).toEqual(c.lastMessageTime);
    expect(note.lastSeq).toBe(2n);
  });

  test("system lines are like notes: no preview, time or unread; a visible one previews", () => {
    const c = conversation("c1", 100, { lastSeq: 1n, lastMessagePreview: "old", unreadCount: 1n });
    const system = { senderType: SenderType.SYSTEM, senderId: "" } as const;
    const line = applyMessage(
      c,
      message("c1", 2, { ...system, internal: true, body: "Resolved by Sam Agent" }),
    );
    expect(line.lastMessagePreview).toBe("old");
    expect(line.lastMessageTime).toEqual(c.lastMessageTime);
    expect(line.unreadCount).toBe(1n);
    expect(line.lastSeq).toBe(2n);
    // Sent visible through the API (an integration's): the visitor sees it, so does the list.
    const visible = applyMessage(c, message("c1", 2, { ...system, body: "Order shipped" }));
    expect(visible.lastMessagePreview).toBe("Order shipped");
    expect(visible.unreadCount).toBe(1n);
  });

  test("the first visible message: lines and notes before it do not count", () => {
    const empty = conversation("c1", 100, { lastSeq: 1n });
    expect(isFirstVisibleMessage(empty, message("c1", 2))).toBe(true);
    const talking = conversation("c1", 100, { lastSeq: 2n, lastMessagePreview: "hello" });
    expect(isFirstVisibleMessage(talking, message("c1", 3))).toBe(false);
    const line = message("c1", 2, { senderType: SenderType.SYSTEM, internal: true });
    expect(isFirstVisibleMessage(empty, line)).toBe(false);
    // Nothing held, or a copy that already has it: only seq 1 tells.
    expect(isFirstVisibleMessage(undefined, message("c1", 1))).toBe(true);
    expect(isFirstVisibleMessage(undefined, message("c1", 2))).toBe(false);
    expect(isFirstVisibleMessage(talking, message("c1", 2))).toBe(false);
  });

  test("reading clears the count", () => {
    const c = conversation("c1", 100, { lastSeq: 4n, unreadCount: 3n });
    expect(applyRead(c, 4n).unreadCount).toBe(0n);
    expect(applyRead(applyRead(c, 4n), 2n).agentReadSeq).toBe(4n);
  });
});

describe("messages", () => {
  const history = () => ({
    pages: [
      messagesPage([message("c", 3), message("c", 4)], true),
      messagesPage([message("c", 1), message("c", 2)], false),
    ],
    pageParams: [0n, 3n],
  });

  test("flatten is ascending across pages", () => {
    expect(flattenMessages(history()).map((m) => m.seq)).toEqual([1n, 2n, 3n, 4n]);
  });

  test("live messages append in seq order and duplicates are dropped", () => {
    let data = mergeMessage(history(), message("c", 6));
    data = mergeMessage(data, message("c", 5));
    data = mergeMessage(data, message("c", 5));
    data = mergeMessage(data, message("c", 2));
    expect(flattenMessages(data).map((m) => m.seq)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
  });

  test("a confirmed message replaces its pending copy by client key", () => {
    const pending = message("c", 0, {
      id: `${PENDING_PREFIX}k1`,
      clientKey: "k1",
      senderType: SenderType.AGENT,
    });
    let data = mergeMessage(history(), pending);
    expect(flattenMessages(data).at(-1)?.id).toBe(`${PENDING_PREFIX}k1`);
    // A live message arriving while the send is pending stays before it.
    data = mergeMessage(data, message("c", 5));
    expect(
      flattenMessages(data)
        .map((m) => m.id)
        .slice(-2),
    ).toEqual(["msg_c_5", `${PENDING_PREFIX}k1`]);
    data = mergeMessage(data, message("c", 6, { clientKey: "k1", senderType: SenderType.AGENT }));
    expect(
      flattenMessages(data)
        .map((m) => m.id)
        .slice(-2),
    ).toEqual(["msg_c_5", "msg_c_6"]);
    // The send answer arriving after the feed event is a duplicate.
    expect(mergeMessage(data, message("c", 6, { clientKey: "k1" }))).toBe(data);
  });

  test("a failed send can be dropped", () => {
    const pending = message("c", 0, { id: `${PENDING_PREFIX}k9`, clientKey: "k9" });
    const data = dropPending(mergeMessage(history(), pending), "k9");
    expect(flattenMessages(data).map((m) => m.seq)).toEqual([1n, 2n, 3n, 4n]);
  });
});

test("unread conversations count open ones that are mine or nobody's", () => {
  const list = [
    conversation("a", 1, { unreadCount: 2n }),
    conversation("b", 1, {
      unreadCount: 1n,
      assigneeUserId: me,
      status: ConversationStatus.ACTIVE,
    }),
    conversation("c", 1, { unreadCount: 1n, assigneeUserId: "usr_other" }),
    conversation("d", 1, { unreadCount: 1n, status: ConversationStatus.RESOLVED }),
    conversation("e", 1, { unreadCount: 0n }),
  ];
  expect(unreadConversations(list, me)).toBe(2);
});

describe("keepOpenConversation", () => {
  const a = conversation("a", 3);
  const b = conversation("b", 2);
  const c = conversation("c", 1);
  const shown = [a, b, c];
  const resolved = { ...b, status: ConversationStatus.RESOLVED };

  test("the open conversation keeps its row, in its place, with its latest state", () => {
    const kept = keepOpenConversation([a, c], shown, "b", resolved);
    expect(kept.map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(kept[1]?.status).toBe(ConversationStatus.RESOLVED);
  });

  test("without a fresher copy the row shown before stays", () => {
    expect(keepOpenConversation([a, c], shown, "b")[1]).toBe(b);
    expect(keepOpenConversation([a, c], shown, "b", conversation("x", 9))[1]).toBe(b);
  });

  test("it follows the row that preceded it, even when new ones arrive above", () => {
    const d = conversation("d", 4);
    expect(keepOpenConversation([d, a, c], shown, "b").map((x) => x.id)).toEqual([
      "d",
      "a",
      "b",
      "c",
    ]);
    // Its predecessor gone too: after the nearest earlier one still listed, else first.
    expect(keepOpenConversation([c], shown, "b").map((x) => x.id)).toEqual(["b", "c"]);
    expect(keepOpenConversation([b, c], [a, b, c], "a").map((x) => x.id)).toEqual(["a", "b", "c"]);
  });

  test("nothing is added that was not shown, nor with nothing open, nor twice", () => {
    expect(keepOpenConversation([a, c], [], "b")).toEqual([a, c]);
    expect(keepOpenConversation([a, c], shown, undefined)).toEqual([a, c]);
    const list = [a, b, c];
    expect(keepOpenConversation(list, shown, "b", resolved)).toBe(list);
  });
});

test("a conversation left offline says how the visitor expects the answer", () => {
  expect(leftOfflineNote("ada@example.com")).toBe(
    "Left through the offline form; the visitor expects the answer by e-mail.",
  );
  expect(leftOfflineNote("")).toBe(
    "Left through the offline form; the visitor expects the answer here on their return.",
  );
  expect(leftOfflineNote("  ")).toContain("on their return");
});

test("the bot answers a conversation while it is its responder and not over", () => {
  const bot = { responder: Responder.BOT, status: ConversationStatus.ACTIVE };
  expect(botAnswers(bot)).toBe(true);
  expect(botAnswers({ ...bot, status: ConversationStatus.PENDING })).toBe(true);
  expect(botAnswers({ ...bot, status: ConversationStatus.RESOLVED })).toBe(false);
  expect(botAnswers({ ...bot, status: ConversationStatus.CLOSED })).toBe(false);
  expect(botAnswers({ ...bot, responder: Responder.AGENTS })).toBe(false);
});

test("a guided flow answers while its responder is the workflow and it is not over", () => {
  const flow = { responder: Responder.WORKFLOW, status: ConversationStatus.ACTIVE };
  expect(flowAnswers(flow)).toBe(true);
  expect(flowAnswers({ ...flow, status: ConversationStatus.RESOLVED })).toBe(false);
  expect(flowAnswers({ ...flow, status: ConversationStatus.CLOSED })).toBe(false);
  expect(flowAnswers({ ...flow, responder: Responder.AGENTS })).toBe(false);
  // The AI bot's conversations are not the flow's, nor the other way round.
  expect(flowAnswers({ ...flow, responder: Responder.BOT })).toBe(false);
  expect(botAnswers(flow)).toBe(false);
});
