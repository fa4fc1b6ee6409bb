//! What the empty inbox advises, from what the workspace has.

import { create } from "@bufbuild/protobuf";
import { Priority, type Widget, WidgetSchema } from "@porthole/client";
import { expect, test } from "vitest";
import { emptyInbox } from "./emptyInbox";
import { defaultFilter } from "./model";

const widget = (id: string, active = true): Widget =>
  create(WidgetSchema, { id, active, publicToken: `tok_${id}` });

test("a search that found nothing says so first", () => {
  expect(
    emptyInbox({
      filter: { ...defaultFilter, query: " zebra " },
      widgets: [],
      anyConversation: false,
    }).kind,
  ).toBe("no-match");
});

test("no widget: create one (before anything else is known)", () => {
  expect(emptyInbox({ filter: defaultFilter, widgets: [], anyConversation: undefined }).kind).toBe(
    "no-widget",
  );
  expect(
    emptyInbox({
      filter: { ...defaultFilter, status: "resolved" },
      widgets: [],
      anyConversation: true,
    }).kind,
  ).toBe("no-widget");
});

test("a widget but never a conversation: install it, the first active widget named", () => {
  const state = emptyInbox({
    filter: defaultFilter,
    widgets: [widget("off", false), widget("on"), widget("on2")],
    anyConversation: false,
  });
  expect(state).toEqual({ kind: "not-installed", widget: widget("on") });
  expect(
    emptyInbox({ filter: defaultFilter, widgets: [widget("off", false)], anyConversation: false }),
  ).toEqual({ kind: "not-installed", widget: widget("off", false) });
});

test("conversations exist, none open: caught up; with narrower filters: filtered", () => {
  const has = { widgets: [widget("w")], anyConversation: true } as const;
  expect(emptyInbox({ filter: defaultFilter, ...has }).kind).toBe("caught-up");
  expect(emptyInbox({ filter: { ...defaultFilter, status: "all" }, ...has }).kind).toBe(
    "caught-up",
  );
  for (const filter of [
    { ...defaultFilter, assignee: "mine" as const },
    { ...defaultFilter, status: "pending" as const },
    { ...defaultFilter, priority: Priority.URGENT },
    { ...defaultFilter, widgetId: "w" },
  ])
    expect(emptyInbox({ filter, ...has }).kind).toBe("filtered");
});

test("while loading, nothing is claimed; what could not be loaded is not guessed", () => {
  expect(
    emptyInbox({ filter: defaultFilter, widgets: undefined, anyConversation: false }).kind,
  ).toBe("loading");
  expect(
    emptyInbox({ filter: defaultFilter, widgets: [widget("w")], anyConversation: undefined }).kind,
  ).toBe("loading");
  expect(
    emptyInbox({ filter: defaultFilter, widgets: "unknown", anyConversation: false }).kind,
  ).toBe("caught-up");
  expect(
    emptyInbox({ filter: defaultFilter, widgets: [widget("w")], anyConversation: "unknown" }).kind,
  ).toBe("caught-up");
});
