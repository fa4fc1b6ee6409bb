//! The Settings card: owners and admins get the editing controls, agents a read-only list.

import { create } from "@bufbuild/protobuf";
import { GetMeResponseSchema, ListCannedResponsesResponseSchema, Role } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, expect, test } from "vitest";
import { keys } from "../inbox/cache";
import { CannedResponsesCard } from "./CannedResponsesCard";

afterEach(cleanup);

function renderCard(role: Role) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_1" }, role }));
  qc.setQueryData(
    keys.canned,
    create(ListCannedResponsesResponseSchema, {
      cannedResponses: [
        { id: "cnd_1", shortcut: "hello", title: "Greeting", body: "Hi {{visitor.name}}!" },
      ],
    }),
  );
  render(
    <QueryClientProvider client={qc}>
      <CannedResponsesCard />
    </QueryClientProvider>,
  );
  return within(screen.getByRole("list", { name: "Canned responses" }));
}

test("agents see the list without editing controls", () => {
  const list = renderCard(Role.AGENT);
  expect(list.getByText("/hello")).toBeTruthy();
  expect(list.getByText("Hi {{visitor.name}}!")).toBeTruthy();
  expect(screen.queryByRole("button")).toBeNull();
  expect(screen.getByText(/Owners and admins manage them/)).toBeTruthy();
});

test("admins can add, edit and delete; the editor documents the placeholders", () => {
  const list = renderCard(Role.ADMIN);
  expect(list.getByRole("button", { name: "Edit /hello" })).toBeTruthy();
  expect(list.getByRole("button", { name: "Delete /hello" })).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "New" }));
  const dialog = screen.getByRole("dialog", { name: "New canned response" });
  for (const token of ["{{visitor.name}}", "{{visitor.email}}", "{{agent.name}}"]) {
    expect(within(dialog).getByText(token)).toBeTruthy();
  }
  // Shortcuts are lowercase: capitals typed are lowered, not refused.
  const shortcut = within(dialog).getByLabelText("Shortcut") as HTMLInputElement;
  fireEvent.change(shortcut, { target: { value: "Refund" } });
  expect(shortcut.value).toBe("refund");
});
