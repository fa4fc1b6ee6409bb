//! The composer with canned responses, as rendered: `/` opens the list, typing filters it,
//! arrows/Enter/Tab/click insert the filled-in body, Escape closes it, and Enter still sends
//! when the list is closed.

import { create } from "@bufbuild/protobuf";
import { GetMeResponseSchema, ListCannedResponsesResponseSchema } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { conversationClient } from "../lib/api";
import { Composer } from "./Composer";
import { keys } from "./cache";

// Typing indicators would go to a server; nothing here needs one.
beforeEach(() => {
  vi.spyOn(conversationClient, "setAgentTyping").mockResolvedValue(
    {} as Awaited<ReturnType<typeof conversationClient.setAgentTyping>>,
  );
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderComposer(visitor = { name: "Grace", email: "grace@example.com" }) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, { user: { id: "usr_me", displayName: "Ann Agent" } }),
  );
  qc.setQueryData(
    keys.canned,
    create(ListCannedResponsesResponseSchema, {
      cannedResponses: [
        { id: "cnd_1", shortcut: "hello", title: "Greeting", body: "Hi {{visitor.name}}!" },
        { id: "cnd_2", shortcut: "refund", title: "Refund policy", body: "Refunds take 5 days." },
        {
          id: "cnd_3",
          shortcut: "sign",
          title: "Signature",
          body: "Best, {{agent.name}} ({{visitor.email}})",
        },
      ],
    }),
  );
  const onSend = vi.fn();
  render(
    <QueryClientProvider client={qc}>
      <Composer conversationId={`cnv_${Math.random()}`} visitor={visitor} onSend={onSend} />
    </QueryClientProvider>,
  );
  const box = screen.getByRole("textbox", { name: "Reply to the visitor" }) as HTMLTextAreaElement;
  box.focus();
  const type = (value: string) => {
    fireEvent.change(box, { target: { value } });
    box.setSelectionRange(value.length, value.length);
    fireEvent.select(box);
  };
  const options = () =>
    within(screen.getByRole("listbox", { name: "Canned responses" }))
      .getAllByRole("option")
      .map((o) => o.querySelector("span")?.textContent ?? "");
  return { box, type, options, onSend };
}

test("/ lists every canned response and typing filters by shortcut and title", () => {
  const { box, type, options } = renderComposer();
  expect(screen.queryByRole("listbox")).toBeNull();
  type("/");
  expect(options()).toEqual(["/hello", "/refund", "/sign"]);
  expect(box.getAttribute("aria-activedescendant")).toBe(screen.getAllByRole("option")[0]?.id);
  type("/re");
  expect(options()).toEqual(["/refund", "/hello", "/sign"]); // then by title: gREeting, signatuRE
  type("/ref");
  expect(options()).toEqual(["/refund"]);
  type("Sure: /greet");
  expect(options()).toEqual(["/hello"]);
  type("no/slash");
  expect(screen.queryByRole("listbox")).toBeNull();
});

test("arrows move, Enter inserts the filled-in body in place of /query, then Enter sends", () => {
  const { box, type, onSend } = renderComposer();
  type("Thanks! /");
  fireEvent.keyDown(box, { key: "ArrowDown" });
  fireEvent.keyDown(box, { key: "ArrowDown" });
  fireEvent.keyDown(box, { key: "ArrowUp" });
  const active = screen.getByRole("option", { selected: true });
  expect(active.textContent).toContain("/refund");
  fireEvent.keyDown(box, { key: "Enter" });
  expect(box.value).toBe("Thanks! Refunds take 5 days.");
  expect(onSend).not.toHaveBeenCalled();
  expect(screen.queryByRole("listbox")).toBeNull();
  fireEvent.keyDown(box, { key: "Enter" });
  expect(onSend).toHaveBeenCalledWith("Thanks! Refunds take 5 days.", false, []);
});

test("Tab and click insert too, with placeholders filled", () => {
  const { box, type } = renderComposer();
  type("/sig");
  fireEvent.keyDown(box, { key: "Tab" });
  expect(box.value).toBe("Best, Ann Agent (grace@example.com)");

  type("/hel");
  fireEvent.click(screen.getByRole("option", { name: /hello/ }));
  expect(box.value).toBe("Hi Grace!");
});

test("a visitor without a name is “there”", () => {
  const { box, type } = renderComposer({ name: "", email: "" });
  type("/hello");
  fireEvent.keyDown(box, { key: "Enter" });
  expect(box.value).toBe("Hi there!");
});

test("Escape closes the list and Enter then sends what was typed", () => {
  const { box, type, onSend } = renderComposer();
  type("/ref");
  fireEvent.keyDown(box, { key: "Escape" });
  expect(screen.queryByRole("listbox")).toBeNull();
  expect(document.activeElement).toBe(box);
  type("/refu");
  expect(screen.queryByRole("listbox")).toBeNull();
  fireEvent.keyDown(box, { key: "Enter" });
  expect(onSend).toHaveBeenCalledWith("/refu", false, []);
});

test("no match: the list stays closed and Enter sends", () => {
  const { box, type, onSend } = renderComposer();
  type("/zzz");
  expect(screen.queryByRole("listbox")).toBeNull();
  fireEvent.keyDown(box, { key: "Enter" });
  expect(onSend).toHaveBeenCalledWith("/zzz", false, []);
});
