//! The bot's rules: which handlers use it, the persona's defaults and limits as the server
//! checks them, citation links, usage totals, and the assist actions' answers and refusals
//! in words.

import { create } from "@bufbuild/protobuf";
import {
  BotSettingsSchema,
  BotUsageDaySchema,
  CitationSchema,
  Code,
  ConnectError,
  HandlerType,
} from "@porthole/client";
import { expect, test } from "vitest";
import {
  assistProblem,
  botProblems,
  charCount,
  citationHref,
  completeBot,
  dayOf,
  isRecent,
  parseMaxTurns,
  suggestionText,
  usageTotals,
  usesBot,
} from "./bot";

test("the bot answers AI bot and hybrid widgets only", () => {
  expect(usesBot(HandlerType.AI_BOT)).toBe(true);
  expect(usesBot(HandlerType.HYBRID)).toBe(true);
  expect(usesBot(HandlerType.AGENT)).toBe(false);
  expect(usesBot(HandlerType.WORKFLOW)).toBe(false);
  expect(usesBot(HandlerType.UNSPECIFIED)).toBe(false);
});

test("a persona is completed with the server's defaults", () => {
  expect(completeBot(undefined)).toMatchObject({
    name: "Assistant",
    avatarUrl: "",
    instructions: "",
    maxTurns: 5,
  });
  expect(completeBot(create(BotSettingsSchema, { name: "Penny", maxTurns: 9 }))).toMatchObject({
    name: "Penny",
    maxTurns: 9,
  });
});

test("characters are counted as the server counts them", () => {
  expect(charCount("Penny")).toBe(5);
  // One character each, two UTF-16 units.
  expect(charCount("🙂🙂")).toBe(2);
});

test("answers per conversation: whole numbers from 1 to 50", () => {
  expect(parseMaxTurns("5")).toEqual({ turns: 5 });
  expect(parseMaxTurns(" 50 ")).toEqual({ turns: 50 });
  for (const bad of ["", "0", "51", "2.5", "-1", "five"]) {
    expect(parseMaxTurns(bad)).toEqual({ error: "Enter a whole number from 1 to 50." });
  }
});

test("the editor refuses a persona the server would refuse, by request path", () => {
  const ok = completeBot(create(BotSettingsSchema, { name: "Penny" }));
  expect(botProblems(ok, "5")).toEqual({});
  const bad = create(BotSettingsSchema, {
    name: "x".repeat(61),
    instructions: "y".repeat(4_002),
  });
  expect(botProblems(bad, "60")).toEqual({
    "settings.bot.name": "At most 60 characters.",
    "settings.bot.instructions": "At most 4,000 characters: remove 2.",
    "settings.bot.max_turns": "Enter a whole number from 1 to 50.",
  });
  // Exactly at the limits, and surrounding spaces of the name (the server trims them).
  const edge = create(BotSettingsSchema, {
    name: ` ${"x".repeat(60)} `,
    instructions: "🙂".repeat(4_000),
  });
  expect(botProblems(edge, "1")).toEqual({});
});

test("citations link only to http and https addresses", () => {
  expect(citationHref("https://shop.example/help/refunds")).toBe(
    "https://shop.example/help/refunds",
  );
  expect(citationHref("http://shop.example/a")).toBe("http://shop.example/a");
  expect(citationHref("javascript:alert(1)")).toBeUndefined();
  expect(citationHref("data:text/html,hi")).toBeUndefined();
  expect(citationHref("/help/refunds")).toBeUndefined();
  expect(citationHref("")).toBeUndefined();
});

test("usage adds up over the days; days read as dates", () => {
  const days = [
    create(BotUsageDaySchema, {
      date: "2025-03-07",
      requests: 3n,
      promptTokens: 300n,
      completionTokens: 30n,
      answers: 2n,
      handOffs: 1n,
    }),
    create(BotUsageDaySchema, { date: "2025-03-06", requests: 1n, failures: 1n, handOffs: 1n }),
  ];
  expect(usageTotals(days)).toEqual({
    requests: 4n,
    tokens: 330n,
    answers: 2n,
    handOffs: 2n,
    failures: 1n,
  });
  expect(usageTotals([])).toEqual({
    requests: 0n,
    tokens: 0n,
    answers: 0n,
    handOffs: 0n,
    failures: 0n,
  });
  expect(dayOf("2025-03-07")).toBe("7 Mar");
  expect(dayOf("garbled")).toBe("garbled");
});

test("a failure is recent for a day", () => {
  const now = Date.parse("2025-03-07T12:00:00Z");
  expect(isRecent(now - 60_000, now)).toBe(true);
  expect(isRecent(now - 25 * 3_600_000, now)).toBe(false);
  expect(isRecent(0, now)).toBe(false);
  expect(isRecent(undefined, now)).toBe(false);
});

test("assist refusals in words: no model, nothing to work from, the model failed, too many", () => {
  const noModel = new ConnectError(
    "no AI model is configured on this server (the operator sets PORTHOLE_LLM_BASE_URL)",
    Code.FailedPrecondition,
  );
  expect(assistProblem(noModel, "suggest")).toEqual({
    text: "No AI model is configured, so it cannot suggest or summarise. An owner or admin can set the workspace's own on the Widgets page, or the operator the server's with PORTHOLE_LLM_BASE_URL.",
    noModel: true,
  });
  // As servers that know workspaces' own models say it.
  expect(
    assistProblem(
      new ConnectError(
        "no AI model is configured for this workspace (an admin sets one on the Widgets page, or the operator sets PORTHOLE_LLM_BASE_URL)",
        Code.FailedPrecondition,
      ),
      "summarise",
    ).noModel,
  ).toBe(true);
  // The workspace's own model cannot be used: the server's words, and it may work later.
  expect(
    assistProblem(
      new ConnectError(
        "the workspace's API key can no longer be read (the server's secret changed); set it again",
        Code.FailedPrecondition,
      ),
      "suggest",
    ),
  ).toEqual({
    text: "The workspace's API key can no longer be read (the server's secret changed); set it again.",
    noModel: false,
  });
  const nothing = new ConnectError(
    "the visitor has not written anything to answer yet",
    Code.FailedPrecondition,
  );
  expect(assistProblem(nothing, "suggest")).toEqual({
    text: "There is no visitor message to answer yet.",
    noModel: false,
  });
  expect(
    assistProblem(
      new ConnectError("the conversation has no messages yet", Code.FailedPrecondition),
      "summarise",
    ).text,
  ).toBe("There is nothing to summarise yet: the conversation has no messages.");

  // UNAVAILABLE with retry-after is the model failing, not a throttle.
  const failed = new ConnectError(
    "the AI model failed: the model did not answer within 30 s",
    Code.Unavailable,
    new Headers({ "retry-after": "5" }),
  );
  expect(assistProblem(failed, "summarise")).toEqual({
    text: "The AI model failed: the model did not answer within 30 s. Try again in 5 s.",
    noModel: false,
  });
  // When the server already says when, that is not said twice.
  expect(
    assistProblem(
      new ConnectError(
        "the AI model failed: the model's server answered 503: overloaded; try again in 5 s",
        Code.Unavailable,
        new Headers({ "retry-after": "5" }),
      ),
      "suggest",
    ).text,
  ).toBe("The AI model failed: the model's server answered 503: overloaded; try again in 5 s.");
  // Our own connection failing is not the model's fault.
  expect(assistProblem(new ConnectError("Failed to fetch", Code.Unavailable), "suggest").text).toBe(
    "The server cannot be reached. Try again in a moment.",
  );

  const throttled = new ConnectError(
    "too many suggestions and summaries",
    Code.ResourceExhausted,
    new Headers({ "retry-after": "12" }),
  );
  expect(assistProblem(throttled, "suggest").text).toBe(
    "Too many suggestions and summaries — try again in 12 s.",
  );
  expect(
    assistProblem(new ConnectError("conversation not found", Code.NotFound), "suggest").text,
  ).toBe("This conversation no longer exists.");
});

test("a suggestion keeps the sources a visitor can open, and drops markers of the others", () => {
  const citations = [
    create(CitationSchema, {
      articleId: "art_1",
      title: "Refund policy",
      url: "https://shop.example/help/refunds",
    }),
    create(CitationSchema, { articleId: "art_2", title: "Internal notes", url: "" }),
  ];
  expect(
    suggestionText("Refunds take 5 working days [1]. Keep your receipt [2].\n", citations),
  ).toBe(
    "Refunds take 5 working days [1]. Keep your receipt.\n\n[1] Refund policy: https://shop.example/help/refunds",
  );
  expect(suggestionText("  Hello!  ", [])).toBe("Hello!");
});
