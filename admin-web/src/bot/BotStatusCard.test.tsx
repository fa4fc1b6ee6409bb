//! The AI bot's card: the model and its host, the widgets it answers, the last 30 days'
//! totals and days, the last failure (in red while recent); without a model, the warning.
//! "Use your own model": the workspace's model (never its key) or the one it uses instead,
//! setting it (a stored key kept while its field is empty, or removed), stopping it after a
//! confirmation, and the server's field errors at their fields.

import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  BadRequestSchema,
  Code,
  ConnectError,
  GetBotStatusResponseSchema,
  GetMeResponseSchema,
  HandlerType,
  Role,
  SetWorkspaceModelResponseSchema,
  WidgetSchema,
} from "@porthole/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, expect, test, vi } from "vitest";
import { keys } from "../inbox/cache";
import { botClient } from "../lib/api";
import { BotStatusCard } from "./BotStatusCard";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

type StatusInit = Parameters<typeof create<typeof GetBotStatusResponseSchema>>[1];

function renderCard(status: StatusInit, role = Role.OWNER) {
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } },
  });
  qc.setQueryData(keys.me, create(GetMeResponseSchema, { role }));
  const response = create(GetBotStatusResponseSchema, status);
  qc.setQueryData(keys.botStatus, response);
  // The card reads the status afresh when it opens.
  const getStatus = vi.spyOn(botClient, "getBotStatus").mockResolvedValue(response);
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
  return Object.assign(screen.getByTestId("bot-status"), { getStatus });
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
    "No AI model is configured: conversations go to your agents until you use your own model or the operator sets PORTHOLE_LLM_BASE_URL",
  );
  expect(within(card).getByTestId("no-model").textContent).toContain(
    "Give this workspace its own model below",
  );
  expect(within(card).queryByText("Model")).toBeNull();
});

// "Use your own model".

const ownModel = () => within(screen.getByTestId("own-model"));
const OPENAI = {
  baseUrl: "https://api.openai.com/v1",
  model: "gpt-4o-mini",
  apiKeySet: true,
  updateTime: timestampFromMs(Date.now() - 2 * 3_600_000),
};
/** The status while the workspace uses its own model: model and host describe it. */
const withOwn = (own: typeof OPENAI | undefined): StatusInit => ({
  configured: true,
  model: own?.model ?? "test-model",
  providerHost: own ? (new URL(own.baseUrl).hostname ?? "") : "127.0.0.1",
  ...(own ? { workspaceModel: own } : {}),
});

/** The error text a field shows, read through its accessible description. */
function errorOf(field: HTMLElement): string {
  const ids = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  return ids
    .filter((id) => id.endsWith("-error"))
    .map((id) => document.getElementById(id)?.textContent)
    .join(" ");
}

function invalid(...violations: Array<[string, string]>) {
  return new ConnectError("invalid request", Code.InvalidArgument, undefined, [
    {
      desc: BadRequestSchema,
      value: create(BadRequestSchema, {
        fieldViolations: violations.map(([field, description]) => ({ field, description })),
      }),
    },
  ]);
}

function spySet() {
  return vi
    .spyOn(botClient, "setWorkspaceModel")
    .mockResolvedValue(create(SetWorkspaceModelResponseSchema, {}));
}

test("the workspace's own model: URL, model and that a key is stored, never a key", () => {
  const card = renderCard(withOwn(OPENAI));
  expect(within(card).getByText("Your own model")).toBeTruthy();
  const section = ownModel();
  const shown = section.getByTestId("own-model-stored");
  expect(shown?.textContent).toContain("https://api.openai.com/v1");
  expect(shown?.textContent).toContain("gpt-4o-mini");
  expect(shown?.textContent).toContain("API key stored");
  expect(shown?.textContent).toContain("2h ago");
  expect(section.getByRole("button", { name: "Change" })).toBeTruthy();
  expect(section.getByRole("button", { name: "Stop using own model" })).toBeTruthy();
  // Opening the form fills the URL and model; the key's field stays empty.
  fireEvent.click(section.getByRole("button", { name: "Change" }));
  expect(section.getByLabelText<HTMLInputElement>("Base URL").value).toBe(OPENAI.baseUrl);
  expect(section.getByLabelText<HTMLInputElement>("Model").value).toBe("gpt-4o-mini");
  const key = section.getByLabelText<HTMLInputElement>("API key");
  expect(key.type).toBe("password");
  expect(key.value).toBe("");
  expect(key.placeholder).toBe("Stored — leave empty to keep");
});

test("without its own model: the server's model, or none; agents see no section", () => {
  renderCard(withOwn(undefined));
  expect(screen.queryByText("Your own model")).toBeNull();
  expect(ownModel().getByRole("heading").textContent).toContain("Use your own model");
  expect(screen.getByTestId("own-model").textContent).toContain(
    "This workspace uses the server's model (above).",
  );
  expect(ownModel().queryByRole("button", { name: "Stop using own model" })).toBeNull();
  // The form's placeholders and help name the usual endpoints.
  fireEvent.click(ownModel().getByRole("button", { name: "Use your own model" }));
  expect(ownModel().getByLabelText<HTMLInputElement>("Base URL").placeholder).toBe(
    "https://api.openai.com/v1",
  );
  expect(ownModel().getByLabelText<HTMLInputElement>("Model").placeholder).toBe("gpt-4o-mini");
  const help = screen.getByTestId("own-model").textContent;
  expect(help).toContain("https://generativelanguage.googleapis.com/v1beta/openai");
  expect(help).toContain("http://your-host:11434/v1");
  expect(help).toContain("operator allows private addresses");
  expect(ownModel().queryByRole("checkbox", { name: "Remove key" })).toBeNull();
  cleanup();
  renderCard({ configured: false });
  expect(screen.getByTestId("own-model").textContent).toContain("The server has no model");
  cleanup();
  renderCard(withOwn(OPENAI), Role.AGENT);
  expect(screen.queryByTestId("own-model")).toBeNull();
});

test("saving a new model sends URL, model and key, then reads the status again", async () => {
  const card = renderCard(withOwn(undefined));
  await waitFor(() => expect(card.getStatus).toHaveBeenCalledTimes(1));
  const set = spySet();
  fireEvent.click(ownModel().getByRole("button", { name: "Use your own model" }));
  fireEvent.change(ownModel().getByLabelText("Base URL"), {
    target: { value: " https://generativelanguage.googleapis.com/v1beta/openai " },
  });
  fireEvent.change(ownModel().getByLabelText("Model"), { target: { value: "gemini-flash" } });
  fireEvent.change(ownModel().getByLabelText("API key"), { target: { value: "AIza-secret" } });
  // The status now describes the workspace's model.
  card.getStatus.mockResolvedValue(
    create(GetBotStatusResponseSchema, {
      configured: true,
      model: "gemini-flash",
      providerHost: "generativelanguage.googleapis.com",
      workspaceModel: {
        baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai",
        model: "gemini-flash",
        apiKeySet: true,
      },
    }),
  );
  fireEvent.click(ownModel().getByRole("button", { name: "Save" }));
  await waitFor(() => expect(card.getStatus).toHaveBeenCalledTimes(2));
  expect(set).toHaveBeenCalledTimes(1);
  expect(set.mock.calls[0]?.[0]).toEqual({
    baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai",
    model: "gemini-flash",
    apiKey: "AIza-secret",
    keepApiKey: false,
  });
  await within(card).findByText("Your own model");
  expect(ownModel().queryByRole("form")).toBeNull();
  expect(card.textContent).toContain("generativelanguage.googleapis.com");
  expect(ownModel().getByText("API key stored")).toBeTruthy();
  // The key went out once and is nowhere on the page.
  expect(document.body.innerHTML).not.toContain("AIza-secret");
});

test("changing the model with the key's field left empty keeps the stored key", async () => {
  const card = renderCard(withOwn(OPENAI));
  const set = spySet();
  fireEvent.click(ownModel().getByRole("button", { name: "Change" }));
  fireEvent.change(ownModel().getByLabelText("Model"), { target: { value: "gpt-4.1-mini" } });
  fireEvent.click(ownModel().getByRole("button", { name: "Save" }));
  await waitFor(() => expect(set).toHaveBeenCalledTimes(1));
  expect(set.mock.calls[0]?.[0]).toEqual({
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4.1-mini",
    apiKey: "",
    keepApiKey: true,
  });
  await waitFor(() => expect(card.getStatus).toHaveBeenCalledTimes(2));
  // Pointing the kept key at another host says where it will go.
  fireEvent.click(ownModel().getByRole("button", { name: "Change" }));
  fireEvent.change(ownModel().getByLabelText("Base URL"), {
    target: { value: "https://llm.example.net/v1" },
  });
  expect(errorOf(ownModel().getByLabelText("API key"))).toBe("");
  expect(screen.getByTestId("own-model").textContent).toContain(
    "Left empty, the stored key is kept and sent to llm.example.net.",
  );
  // A new key replaces it.
  fireEvent.change(ownModel().getByLabelText("API key"), { target: { value: "sk-other" } });
  fireEvent.click(ownModel().getByRole("button", { name: "Save" }));
  await waitFor(() => expect(set).toHaveBeenCalledTimes(2));
  expect(set.mock.calls[1]?.[0]).toEqual({
    baseUrl: "https://llm.example.net/v1",
    model: "gpt-4o-mini",
    apiKey: "sk-other",
    keepApiKey: false,
  });
});

test("“Remove key” sends an empty key without keeping the stored one", async () => {
  renderCard(withOwn(OPENAI));
  const set = spySet();
  fireEvent.click(ownModel().getByRole("button", { name: "Change" }));
  fireEvent.change(ownModel().getByLabelText("API key"), { target: { value: "typed first" } });
  fireEvent.click(ownModel().getByRole("checkbox", { name: "Remove key" }));
  const key = ownModel().getByLabelText<HTMLInputElement>("API key");
  expect(key.disabled).toBe(true);
  expect(key.value).toBe("");
  expect(screen.getByTestId("own-model").textContent).toContain(
    "The stored key is removed when you save.",
  );
  fireEvent.click(ownModel().getByRole("button", { name: "Save" }));
  await waitFor(() => expect(set).toHaveBeenCalledTimes(1));
  expect(set.mock.calls[0]?.[0]).toEqual({
    baseUrl: "https://api.openai.com/v1",
    model: "gpt-4o-mini",
    apiKey: "",
    keepApiKey: false,
  });
});

test("“Stop using own model” asks first, then sends an empty base URL", async () => {
  const card = renderCard(withOwn(OPENAI));
  await waitFor(() => expect(card.getStatus).toHaveBeenCalledTimes(1));
  const set = spySet();
  fireEvent.click(ownModel().getByRole("button", { name: "Stop using own model" }));
  const sure = await screen.findByRole("alertdialog", { name: "Stop using your own model?" });
  expect(sure.textContent).toContain("go back to the server's model");
  expect(set).not.toHaveBeenCalled();
  card.getStatus.mockResolvedValue(create(GetBotStatusResponseSchema, withOwn(undefined)));
  fireEvent.click(within(sure).getByRole("button", { name: "Stop using own model" }));
  await waitFor(() => expect(set).toHaveBeenCalledTimes(1));
  expect(set.mock.calls[0]?.[0]).toEqual({ baseUrl: "" });
  await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
  expect(card.getStatus).toHaveBeenCalledTimes(2);
  expect(screen.getByTestId("own-model").textContent).toContain(
    "This workspace uses the server's model (above).",
  );
  expect(screen.queryByText("Your own model")).toBeNull();
});

test("the form's own checks and the server's field errors show at their fields", async () => {
  renderCard(withOwn(undefined));
  const set = spySet();
  fireEvent.click(ownModel().getByRole("button", { name: "Use your own model" }));
  const save = () => fireEvent.click(ownModel().getByRole("button", { name: "Save" }));
  const field = (label: string) => ownModel().getByLabelText(label);
  // Nothing typed: refused here, nothing sent.
  save();
  expect(errorOf(field("Base URL"))).toBe("Enter the API's base URL.");
  expect(errorOf(field("Model"))).toBe("Enter the model's name, as the provider knows it.");
  fireEvent.change(field("Base URL"), { target: { value: "api.openai.com/v1" } });
  fireEvent.change(field("Model"), { target: { value: "gpt-4o-mini" } });
  save();
  expect(errorOf(field("Base URL"))).toBe(
    "Enter an http:// or https:// address, e.g. https://api.openai.com/v1.",
  );
  expect(field("Base URL").getAttribute("aria-invalid")).toBe("true");
  expect(errorOf(field("Model"))).toBe("");
  expect(set).not.toHaveBeenCalled();
  // The server refuses the address, the model and the key: each says so at its field.
  set.mockRejectedValueOnce(
    invalid(
      ["base_url", "refers to a private address (10.0.0.5); the operator can allow it"],
      ["model", "at most 200 characters"],
      ["api_key", "at most 500 characters"],
    ),
  );
  fireEvent.change(field("Base URL"), { target: { value: "http://10.0.0.5:11434/v1" } });
  fireEvent.change(field("API key"), { target: { value: "sk-x" } });
  save();
  await waitFor(() =>
    expect(errorOf(field("Base URL"))).toBe(
      "Refers to a private address (10.0.0.5); the operator can allow it.",
    ),
  );
  expect(errorOf(field("Model"))).toBe("At most 200 characters.");
  expect(errorOf(field("API key"))).toBe("At most 500 characters.");
  expect(ownModel().queryByRole("alert")).toBeNull();
  // The form stays open with what was typed.
  expect(ownModel().getByLabelText<HTMLInputElement>("Base URL").value).toBe(
    "http://10.0.0.5:11434/v1",
  );
  // Any other refusal is a sentence under the form.
  set.mockRejectedValueOnce(new ConnectError("only owners and admins", Code.PermissionDenied));
  save();
  expect((await ownModel().findByRole("alert")).textContent).toBe("only owners and admins");
});
