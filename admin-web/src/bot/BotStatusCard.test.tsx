//! The AI bot's card: the model and its host, the widgets it answers, the last 30 days'
//! totals and days, the last failure (in red while recent); without a model, the warning.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { GetBotStatusResponseSchema, HandlerType, WidgetSchema } from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { botClient } from "../lib/api";
import { BotStatusCard } from "./BotStatusCard";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderCard(status: Parameters<typeof create<typeof GetBotStatusResponseSchema>>[1]) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  const response = create(GetBotStatusResponseSchema, status);
  qc.setQueryData(keys.botStatus, response);
  // The card reads the status afresh when it opens.
  vi.spyOn(botClient, "getBotStatus").mockResolvedValue(response);
  const widgets = [
    create(WidgetSchema, {
      id: "wgt_1",
      name: "Shop",
      settings: { handlerType: HandlerType.AI_BOT },
    }),
    create(WidgetSchema, {
      id: "wgt_2",
      name: "Blog",
      settings: { handlerType: HandlerType.AGENT },
    }),
    create(WidgetSchema, {
      id: "wgt_3",
      name: "Help",
      settings: { handlerType: HandlerType.HYBRID },
    }),
  ];
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter>
        <BotStatusCard widgets={widgets} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return screen.getByTestId("bot-status");
}

const tile = (card: HTMLElement, label: string) =>
  within(within(card).getByTestId("bot-usage-totals")).getByText(label).nextElementSibling
    ?.textContent;

test("a configured bot: model, host, widgets, totals and a table per day", () => {
  const card = renderCard({
    configured: true,
    model: "gpt-4o-mini",
    providerHost: "api.openai.com",
    days: [
      {
        date: "2025-03-07",
        requests: 12n,
        promptTokens: 1_200n,
        completionTokens: 300n,
        answers: 9n,
        handOffs: 2n,
        failures: 1n,
      },
      { date: "2025-03-05", requests: 1n, answers: 1n },
    ],
  });
  expect(screen.getByText("Ready")).toBeTruthy();
  expect(within(card).getByText("gpt-4o-mini")).toBeTruthy();
  expect(within(card).getByText("api.openai.com")).toBeTruthy();
  expect(within(card).queryByTestId("no-model")).toBeNull();
  expect(card.textContent).toContain("Answers on Shop (AI bot), Help (hybrid).");
  expect(tile(card, "Answers")).toBe("10");
  expect(tile(card, "Hand-offs")).toBe("2");
  expect(tile(card, "Requests")).toBe("13");
  expect(tile(card, "Tokens")).toBe("1,500");
  expect(tile(card, "Failures")).toBe("1");
  const rows = within(within(card).getByRole("table")).getAllByRole("row");
  expect(rows.map((r) => [...r.children].map((c) => c.textContent))).toEqual([
    ["Day", "Requests", "Tokens", "Answers", "Hand-offs", "Failures"],
    ["7 Mar", "12", "1,500", "9", "2", "1"],
    ["5 Mar", "1", "0", "1", "0", "0"],
  ]);
  expect(within(card).queryByRole("alert")).toBeNull();
});

test("a recent failure is an alert; an old one a quiet line", () => {
  let card = renderCard({
    configured: true,
    model: "llama3.2",
    providerHost: "127.0.0.1",
    lastError: "the model did not answer within 30 s",
    lastErrorTime: timestampFromMs(Date.now() - 5 * 60_000),
  });
  const alert = within(card).getByRole("alert");
  expect(alert.textContent).toContain("The model failed 5m ago");
  expect(alert.textContent).toContain("The model did not answer within 30 s.");
  expect(card.textContent).toContain("Nothing yet");
  cleanup();
  card = renderCard({
    configured: true,
    model: "llama3.2",
    lastError: "connection refused",
    lastErrorTime: timestampFromMs(Date.now() - 3 * 86_400_000),
  });
  expect(within(card).queryByRole("alert")).toBeNull();
  expect(card.textContent).toContain("Last failure 3d ago");
  expect(card.textContent).toContain("Connection refused.");
});

test("without a model: the warning, and where to read how to set one", () => {
  const card = renderCard({ configured: false });
  expect(screen.getByText("No model")).toBeTruthy();
  expect(within(card).getByTestId("no-model").textContent).toContain(
    "No AI model is configured on this server: conversations go to your agents until the operator sets PORTHOLE_LLM_BASE_URL",
  );
  expect(within(card).queryByText("Model")).toBeNull();
});
