//! Sending a reply the server throttles: it stays pending with a note, goes again once
//! after `retry-after` with the same client key, and a second refusal shows Retry instead of
//! losing it.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, GetMeResponseSchema, SenderType } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, render, renderHook, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { conversationClient } from "../lib/api";
import { keys } from "./cache";
import { MessageItem } from "./MessageItem";
import { flattenMessages, isPending, type MessagesData, PENDING_PREFIX } from "./model";
import { useSender } from "./sender";
import { message } from "./testing";

type SendResponse = Awaited<ReturnType<typeof conversationClient.sendConversationMessage>>;

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const throttled = (retryAfter: string) =>
  new ConnectError("too many messages; try again in 3 s", Code.ResourceExhausted, {
    "retry-after": retryAfter,
  });

function renderSender() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { user: { id: "usr_me" } }));
  qc.setQueryData<MessagesData>(keys.messages("c1"), { pages: [], pageParams: [] });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>{children}</QueryClientProvider>
  );
  const { result } = renderHook(() => useSender("c1"), { wrapper });
  const shown = () =>
    flattenMessages(qc.getQueryData<MessagesData>(keys.messages("c1"))).map((m) => ({
      body: m.body,
      pending: isPending(m),
    }));
  return { result, shown };
}

const advance = (ms: number) =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });

test("a throttled reply stays pending, says when it goes again, and is sent after retry-after", async () => {
  const send = vi
    .spyOn(conversationClient, "sendConversationMessage")
    .mockRejectedValueOnce(throttled("3"))
    .mockImplementationOnce(
      async (request) =>
        ({
          message: message("c1", 7, { body: "On it!", clientKey: request.clientKey ?? "" }),
        }) as SendResponse,
    );
  const { result, shown } = renderSender();

  act(() => result.current.send("On it!", false, []));
  await advance(0);
  const key = send.mock.calls[0]?.[0].clientKey ?? "";
  expect(shown()).toEqual([{ body: "On it!", pending: true }]);
  expect([...result.current.waiting]).toEqual([[key, 3]]);
  expect(result.current.failed.size).toBe(0);

  await advance(2_900);
  expect(send).toHaveBeenCalledTimes(1);
  await advance(100);
  expect(send).toHaveBeenCalledTimes(2);
  expect(send.mock.calls[1]?.[0].clientKey).toBe(key);
  expect(shown()).toEqual([{ body: "On it!", pending: false }]);
  expect(result.current.waiting.size).toBe(0);
  expect(result.current.failed.size).toBe(0);
});

test("a second refusal keeps the reply, marked failed for Retry", async () => {
  const send = vi
    .spyOn(conversationClient, "sendConversationMessage")
    .mockRejectedValueOnce(throttled("2"))
    .mockRejectedValueOnce(throttled("2"));
  const { result, shown } = renderSender();

  act(() => result.current.send("On it!", false, []));
  await advance(2_000);
  expect(send).toHaveBeenCalledTimes(2);
  const key = send.mock.calls[0]?.[0].clientKey ?? "";
  expect(shown()).toEqual([{ body: "On it!", pending: true }]);
  expect([...result.current.failed]).toEqual([key]);
  expect(result.current.waiting.size).toBe(0);
});

test("a reply discarded while it waits is not sent again", async () => {
  const send = vi
    .spyOn(conversationClient, "sendConversationMessage")
    .mockRejectedValueOnce(throttled("2"));
  const { result, shown } = renderSender();

  act(() => result.current.send("On it!", false, []));
  await advance(0);
  const key = send.mock.calls[0]?.[0].clientKey ?? "";
  act(() => result.current.discard(key));
  await advance(2_000);
  expect(send).toHaveBeenCalledTimes(1);
  expect(shown()).toEqual([]);
  expect(result.current.waiting.size).toBe(0);
});

test("a waiting reply says when it goes again", () => {
  const pending = message("c1", 0, {
    id: `${PENDING_PREFIX}k1`,
    senderType: SenderType.AGENT,
    body: "On it!",
    clientKey: "k1",
  });
  render(<MessageItem message={pending} grouped={false} waitSeconds={3} />);
  expect(screen.getByRole("status").textContent).toBe("Too many requests — sending again in 3 s");
});
