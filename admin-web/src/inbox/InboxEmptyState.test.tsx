//! The empty inbox as drawn: what to do next, for owners and admins and for agents.

import { create } from "@bufbuild/protobuf";
import {
  GetMeResponseSchema,
  ListConversationsResponseSchema,
  ListWidgetsResponseSchema,
  Role,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { conversationClient } from "../lib/api";
import { keys } from "./cache";
import { InboxEmptyState } from "./InboxEmptyState";
import { defaultFilter } from "./model";

vi.mock("../lib/api", () => ({ conversationClient: { listConversations: vi.fn() } }));

afterEach(cleanup);

function renderEmpty(role: Role, widgets: { id: string; publicToken: string }[], any = false) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" }, role }));
  qc.setQueryData(
    keys.widgets,
    create(ListWidgetsResponseSchema, { widgets: widgets.map((w) => ({ ...w, active: true })) }),
  );
  // Whether the workspace has had a conversation: one of them, asked for on mount.
  vi.mocked(conversationClient.listConversations).mockResolvedValue(
    create(ListConversationsResponseSchema, { conversations: any ? [{ id: "cnv_1" }] : [] }),
  );
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <InboxEmptyState filter={defaultFilter} onFilter={vi.fn()} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const link = (name: string) => screen.getByRole("link", { name });

test("no widget: owners and admins are led to create one; agents are told who does", () => {
  renderEmpty(Role.OWNER, []);
  expect(screen.getByText("Set up your chat widget")).toBeTruthy();
  expect(link("Create your widget").getAttribute("href")).toBe("/widgets?new=1");
  cleanup();
  renderEmpty(Role.AGENT, []);
  expect(screen.getByText("Set up your chat widget")).toBeTruthy();
  expect(screen.queryByRole("link")).toBeNull();
  expect(screen.getByText(/An owner or admin of this workspace creates/)).toBeTruthy();
});

test("a widget, never a conversation: install the snippet, try a test chat", async () => {
  renderEmpty(Role.ADMIN, [{ id: "wgt_1", publicToken: "tok1" }], false);
  await screen.findByText("No conversations yet");
  expect(link("Install the snippet on your site").getAttribute("href")).toBe(
    "/widgets/wgt_1?section=install",
  );
  expect(link("Try a test chat").getAttribute("href")).toMatch(/try-widget\.html\?token=tok1$/);
  cleanup();
  renderEmpty(Role.AGENT, [{ id: "wgt_1", publicToken: "tok1" }], false);
  await screen.findByText("No conversations yet");
  expect(screen.queryByRole("link", { name: "Install the snippet on your site" })).toBeNull();
  expect(screen.getByText(/Ask an owner or admin to install/)).toBeTruthy();
  expect(link("Try a test chat")).toBeTruthy();
});

test("conversations before, none open now: where to look meanwhile", async () => {
  renderEmpty(Role.AGENT, [{ id: "wgt_1", publicToken: "tok1" }], true);
  await screen.findByText("No open conversations");
  expect(link("See who is on your site").getAttribute("href")).toBe("/visitors");
  expect(link("Look through resolved conversations").getAttribute("href")).toBe(
    "/inbox?status=resolved",
  );
});
