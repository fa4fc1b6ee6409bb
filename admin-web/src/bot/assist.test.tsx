//! The composer's AI help, rendered: "Suggest a reply" puts the draft (with its sources) into
//! the reply box and never sends; "Summarise" shows its summary in a panel above the thread
//! until dismissed; refusals read as sentences; without a model both are hidden — for owners
//! and admins from GetBotStatus, for agents once the server said so.

import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  GetBotStatusResponseSchema,
  GetMeResponseSchema,
  ListCannedResponsesResponseSchema,
  Role,
  SuggestReplyResponseSchema,
  SummarizeConversationResponseSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { Composer } from "../inbox/Composer";
import { keys } from "../inbox/cache";
import { botClient, conversationClient } from "../lib/api";
import { SummaryPanel, useSummary } from "./assist";

beforeEach(() => {
  vi.spyOn(conversationClient, "setAgentTyping").mockResolvedValue(
    {} as Awaited<ReturnType<typeof conversationClient.setAgentTyping>>,
  );
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** The conversation's parts that take part: the summary panel and the composer. */
function Pane({ onSend }: { onSend: () => void }) {
  // Unsent replies are kept per conversation: a fresh one per test.
  const [id] = useState(() => `cnv_${Math.random()}`);
  const summary = useSummary(id);
  return (
    <>
      <SummaryPanel state={summary} />
      <Composer conversationId={id} onSend={onSend} summarise={summary} />
    </>
  );
}

function renderPane(
  role: Role = Role.AGENT,
  status?: { configured: boolean },
): { onSend: ReturnType<typeof vi.fn>; box: HTMLTextAreaElement } {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(
    keys.me,
    create(GetMeResponseSchema, { user: { id: "usr_me", displayName: "Ann" }, role }),
  );
  qc.setQueryData(keys.canned, create(ListCannedResponsesResponseSchema, {}));
  if (status) qc.setQueryData(keys.botStatus, create(GetBotStatusResponseSchema, status));
  const onSend = vi.fn();
  render(
    <QueryClientProvider client={qc}>
      <Pane onSend={onSend} />
    </QueryClientProvider>,
  );
  const box = screen.getByRole("textbox", { name: "Reply to the visitor" }) as HTMLTextAreaElement;
  return { onSend, box };
}

test("a suggested reply goes into the reply box with its sources, and is not sent", async () => {
  let answer: (value: unknown) => void = () => {};
  const suggest = vi.spyOn(botClient, "suggestReply").mockImplementation(
    () =>
      new Promise((done) => {
        answer = done as (value: unknown) => void;
      }),
  );
  const { onSend, box } = renderPane();
  fireEvent.change(box, { target: { value: "Hi Nina!" } });
  box.setSelectionRange(8, 8);
  fireEvent.click(screen.getByRole("button", { name: "Suggest a reply" }));
  expect(await screen.findByText("Writing a suggestion from your articles…")).toBeTruthy();
  expect(suggest.mock.calls[0]?.[0]).toEqual({ conversationId: expect.stringMatching(/^cnv_/) });
  expect(screen.getByRole("button", { name: "Suggest a reply" })).toHaveProperty("disabled", true);
  await act(async () =>
    answer(
      create(SuggestReplyResponseSchema, {
        text: "Refunds take 5 working days [1].",
        citations: [
          { articleId: "art_1", title: "Refund policy", url: "https://shop.example/refunds" },
        ],
      }),
    ),
  );
  await waitFor(() =>
    expect(box.value).toBe(
      "Hi Nina!\n\nRefunds take 5 working days [1].\n\n[1] Refund policy: https://shop.example/refunds",
    ),
  );
  expect(screen.queryByText("Writing a suggestion from your articles…")).toBeNull();
  expect(onSend).not.toHaveBeenCalled();
});

test("Summarise shows its progress, then the summary above the thread until dismissed", async () => {
  let answer: (value: unknown) => void = () => {};
  vi.spyOn(botClient, "summarizeConversation").mockImplementation(
    () =>
      new Promise((done) => {
        answer = done as (value: unknown) => void;
      }),
  );
  renderPane();
  expect(screen.queryByRole("region", { name: "Summary" })).toBeNull();
  fireEvent.click(screen.getByRole("button", { name: "Summarise" }));
  const panel = await screen.findByRole("region", { name: "Summary" });
  expect(panel.textContent).toContain("Summarising the conversation…");
  await act(async () =>
    answer(
      create(SummarizeConversationResponseSchema, {
        summary: "Nina wants a refund for a damaged parcel. Nothing promised yet.",
      }),
    ),
  );
  await waitFor(() =>
    expect(screen.getByRole("region", { name: "Summary" }).textContent).toContain(
      "Nina wants a refund for a damaged parcel.",
    ),
  );
  fireEvent.click(screen.getByRole("button", { name: "Dismiss the summary" }));
  expect(screen.queryByRole("region", { name: "Summary" })).toBeNull();
});

test("refusals read as sentences; a missing model hides both actions for an agent", async () => {
  vi.spyOn(botClient, "summarizeConversation").mockRejectedValue(
    new ConnectError("the AI model failed: connection refused", Code.Unavailable),
  );
  const suggest = vi
    .spyOn(botClient, "suggestReply")
    .mockRejectedValueOnce(
      new ConnectError(
        "too many suggestions and summaries",
        Code.ResourceExhausted,
        new Headers({ "retry-after": "7" }),
      ),
    )
    .mockRejectedValueOnce(
      new ConnectError(
        "no AI model is configured on this server (the operator sets PORTHOLE_LLM_BASE_URL)",
        Code.FailedPrecondition,
      ),
    );
  renderPane();
  fireEvent.click(screen.getByRole("button", { name: "Summarise" }));
  expect((await screen.findByRole("region", { name: "Summary" })).textContent).toContain(
    "The AI model failed: connection refused. Try again in a moment.",
  );

  fireEvent.click(screen.getByRole("button", { name: "Suggest a reply" }));
  expect(
    await screen.findByText("Too many suggestions and summaries — try again in 7 s."),
  ).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: "Suggest a reply" }));
  await screen.findByText(/No AI model is configured, so it cannot suggest or summarise/);
  expect(suggest).toHaveBeenCalledTimes(2);
  // Not offered again this session; the sentence stays until dismissed.
  expect(screen.queryByRole("button", { name: "Suggest a reply" })).toBeNull();
  expect(screen.queryByRole("button", { name: "Summarise" })).toBeNull();
  fireEvent.click(screen.getByRole("button", { name: "Dismiss the message" }));
  expect(screen.queryByText(/No AI model is configured/)).toBeNull();
});

test("owners and admins are offered the actions only when GetBotStatus says there is a model", () => {
  renderPane(Role.ADMIN, { configured: false });
  expect(screen.queryByRole("button", { name: "Suggest a reply" })).toBeNull();
  expect(screen.queryByRole("button", { name: "Summarise" })).toBeNull();
  cleanup();
  renderPane(Role.OWNER, { configured: true });
  expect(screen.getByRole("button", { name: "Suggest a reply" })).toBeTruthy();
  expect(screen.getByRole("button", { name: "Summarise" })).toBeTruthy();
});
