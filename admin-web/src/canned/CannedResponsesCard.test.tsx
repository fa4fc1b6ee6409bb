//! The Settings card: owners and admins get the editing controls, agents a read-only list;
//! responses marked as bot knowledge carry a badge, and the editor's switch saves the mark.

import { create } from "@bufbuild/protobuf";
import {
  CannedResponseSchema,
  CreateCannedResponseResponseSchema,
  GetMeResponseSchema,
  ListCannedResponsesResponseSchema,
  Role,
  UpdateCannedResponseResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { cannedClient } from "../lib/api";
import { CannedResponsesCard, KNOWLEDGE_NOTE } from "./CannedResponsesCard";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** After a save the card refetches the list; answer it without a server. */
function answerRefetch() {
  vi.spyOn(cannedClient, "listCannedResponses").mockResolvedValue(
    create(ListCannedResponsesResponseSchema, {}),
  );
}

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
        { id: "cnd_2", shortcut: "hours", body: "9 to 5.", knowledge: true },
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

test("responses marked as bot knowledge carry a badge, and the card says what that means", () => {
  const list = renderCard(Role.AGENT);
  const badges = list.getAllByText("Bot knowledge");
  expect(badges).toHaveLength(1);
  expect(badges[0]?.closest("li")?.textContent).toContain("/hours");
  expect(screen.getByText(KNOWLEDGE_NOTE)).toBeTruthy();
});

test("the editor's switch marks a new response as knowledge", async () => {
  const createCall = vi
    .spyOn(cannedClient, "createCannedResponse")
    .mockResolvedValue(create(CreateCannedResponseResponseSchema, {}));
  answerRefetch();
  renderCard(Role.OWNER);
  fireEvent.click(screen.getByRole("button", { name: "New" }));
  const dialog = within(screen.getByRole("dialog", { name: "New canned response" }));
  const knowledge = dialog.getByRole("switch", { name: /The AI bot may answer from this/ });
  expect(knowledge.getAttribute("aria-checked")).toBe("false");
  expect(dialog.getByText(KNOWLEDGE_NOTE)).toBeTruthy();
  fireEvent.change(dialog.getByLabelText("Shortcut"), { target: { value: "returns" } });
  fireEvent.change(dialog.getByLabelText("Message"), { target: { value: "30 days." } });
  fireEvent.click(knowledge);
  expect(knowledge.getAttribute("aria-checked")).toBe("true");
  fireEvent.click(dialog.getByRole("button", { name: "Add canned response" }));
  await waitFor(() => expect(createCall).toHaveBeenCalled());
  expect(createCall.mock.calls[0]?.[0]).toMatchObject({
    shortcut: "returns",
    body: "30 days.",
    knowledge: true,
  });
});

test("editing starts from the response's mark and can clear it", async () => {
  const updateCall = vi.spyOn(cannedClient, "updateCannedResponse").mockResolvedValue(
    create(UpdateCannedResponseResponseSchema, {
      cannedResponse: create(CannedResponseSchema, { id: "cnd_2", shortcut: "hours" }),
    }),
  );
  answerRefetch();
  const list = renderCard(Role.ADMIN);
  fireEvent.click(list.getByRole("button", { name: "Edit /hours" }));
  const dialog = within(screen.getByRole("dialog", { name: "Edit /hours" }));
  const knowledge = dialog.getByRole("switch", { name: /The AI bot may answer from this/ });
  expect(knowledge.getAttribute("aria-checked")).toBe("true");
  fireEvent.click(knowledge);
  fireEvent.click(dialog.getByRole("button", { name: "Save" }));
  await waitFor(() => expect(updateCall).toHaveBeenCalled());
  expect(updateCall.mock.calls[0]?.[0]).toMatchObject({
    cannedResponseId: "cnd_2",
    knowledge: false,
  });
});
