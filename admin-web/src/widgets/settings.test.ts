//! Widget settings rules: the colour scheme the preview shows, which handlers can be
//! chosen (agents, AI bot, hybrid, guided flow), the bot's defaults, the allowed-website match the editor's hint mirrors from the server, and the
//! quiet period after a resolve (default, presets, limits, words).

import { create } from "@bufbuild/protobuf";
import { ColorScheme, HandlerType, WidgetSettingsSchema } from "@porthole/client";
import { expect, test } from "vitest";
import {
  COLOR_SCHEMES,
  colorSchemeLabel,
  completeSettings,
  durationLabel,
  handlerLabel,
  originAllowed,
  parseReopenMinutes,
  REOPEN_PRESETS,
  reopenMinutes,
  reopenRule,
  SELECTABLE_HANDLERS,
  schemeFor,
} from "./settings";

test("auto follows the visitor's system; light and dark are fixed", () => {
  expect(schemeFor(ColorScheme.AUTO, "dark")).toBe(ColorScheme.DARK);
  expect(schemeFor(ColorScheme.AUTO, "light")).toBe(ColorScheme.LIGHT);
  // Unset is stored as auto.
  expect(schemeFor(ColorScheme.UNSPECIFIED, "dark")).toBe(ColorScheme.DARK);
  expect(schemeFor(ColorScheme.LIGHT, "dark")).toBe(ColorScheme.LIGHT);
  expect(schemeFor(ColorScheme.DARK, "light")).toBe(ColorScheme.DARK);
});

test("the editor offers Auto, Light and Dark; new settings start on auto", () => {
  expect(COLOR_SCHEMES.map((s) => colorSchemeLabel[s])).toEqual(["Auto", "Light", "Dark"]);
  expect(colorSchemeLabel[ColorScheme.UNSPECIFIED]).toBe("Auto");
  expect(completeSettings(undefined).appearance?.colorScheme).toBe(ColorScheme.AUTO);
  const stored = create(WidgetSettingsSchema, {
    appearance: { primaryColor: "#000000", colorScheme: ColorScheme.DARK },
  });
  expect(completeSettings(stored).appearance?.colorScheme).toBe(ColorScheme.DARK);
});

test("agents, the AI bot, hybrid and a guided flow can be chosen", () => {
  expect(SELECTABLE_HANDLERS).toEqual([
    HandlerType.AGENT,
    HandlerType.AI_BOT,
    HandlerType.HYBRID,
    HandlerType.WORKFLOW,
  ]);
  expect(SELECTABLE_HANDLERS.map((h) => handlerLabel[h].label)).toEqual([
    "Agents",
    "AI bot",
    "Hybrid (agents first, bot when nobody is available)",
    "Guided flow",
  ]);
  // An unset handler is stored as agent, and the form shows it so.
  expect(completeSettings(create(WidgetSettingsSchema)).handlerType).toBe(HandlerType.AGENT);
});

test("the bot's persona is always complete: the server's defaults fill what is missing", () => {
  expect(completeSettings(undefined).bot).toMatchObject({
    name: "Assistant",
    avatarUrl: "",
    instructions: "",
    maxTurns: 5,
  });
  const stored = create(WidgetSettingsSchema, {
    handlerType: HandlerType.AI_BOT,
    bot: { name: "Penny", instructions: "Be brief.", maxTurns: 12 },
  });
  expect(completeSettings(stored).bot).toMatchObject({
    name: "Penny",
    instructions: "Be brief.",
    maxTurns: 12,
  });
});

test("allowed websites match as the server's origin_allowed does", () => {
  // The server's own cases (domain/widget.rs).
  expect(originAllowed("https://anything.test", [])).toBe(true);
  expect(originAllowed("https://example.com", ["example.com"])).toBe(true);
  expect(originAllowed("http://example.com:8080", ["example.com"])).toBe(true);
  expect(originAllowed("https://evil-example.com", ["example.com"])).toBe(false);
  expect(originAllowed("https://a.b.example.com", ["*.example.com"])).toBe(true);
  expect(originAllowed("https://example.com", ["*.example.com"])).toBe(false);
  expect(originAllowed("http://localhost:3000", ["localhost:3000"])).toBe(true);
  expect(originAllowed("http://localhost:3001", ["localhost:3000"])).toBe(false);
  expect(originAllowed("null", ["example.com"])).toBe(false);
  // Default ports count as the port.
  expect(originAllowed("https://example.com", ["example.com:443"])).toBe(true);
  expect(originAllowed("http://127.0.0.1:8080", ["acme.test", "127.0.0.1"])).toBe(true);
});

test("the quiet period after a resolve is 60 minutes unless the widget names one", () => {
  expect(reopenMinutes(undefined)).toBe(60);
  expect(completeSettings(undefined).behavior?.reopenWithinMinutes).toBe(60);
  // Behaviour stored before the setting existed: the default, the rest kept.
  const older = create(WidgetSettingsSchema, { behavior: { soundEnabled: false } });
  expect(completeSettings(older).behavior).toMatchObject({
    soundEnabled: false,
    reopenWithinMinutes: 60,
  });
  // 0 (always a new conversation) is a value, not "unset".
  const never = create(WidgetSettingsSchema, { behavior: { reopenWithinMinutes: 0 } });
  expect(completeSettings(never).behavior?.reopenWithinMinutes).toBe(0);
  const week = create(WidgetSettingsSchema, { behavior: { reopenWithinMinutes: 10_080 } });
  expect(completeSettings(week).behavior?.reopenWithinMinutes).toBe(10_080);
});

test("the presets: never, 15 minutes, an hour, a day, a week", () => {
  expect(REOPEN_PRESETS.map((p) => [p.minutes, p.label])).toEqual([
    [0, "Never"],
    [15, "15 minutes"],
    [60, "1 hour"],
    [1_440, "1 day"],
    [10_080, "7 days"],
  ]);
});

test("custom minutes are whole, from 0 to 43,200, as the server checks", () => {
  expect(parseReopenMinutes("0")).toEqual({ minutes: 0 });
  expect(parseReopenMinutes(" 90 ")).toEqual({ minutes: 90 });
  expect(parseReopenMinutes("43200")).toEqual({ minutes: 43_200 });
  for (const bad of ["43201", "100000", "-1", "1.5", "", "  ", "abc", "1e3"]) {
    expect(parseReopenMinutes(bad), bad).toEqual({
      error: "Enter whole minutes from 0 to 43,200 (30 days).",
    });
  }
});

test("durations and the rule read as sentences", () => {
  expect(durationLabel(1)).toBe("1 minute");
  expect(durationLabel(90)).toBe("90 minutes");
  expect(durationLabel(60)).toBe("1 hour");
  expect(durationLabel(120)).toBe("2 hours");
  expect(durationLabel(1_440)).toBe("1 day");
  expect(durationLabel(43_200)).toBe("30 days");
  expect(durationLabel(1_500)).toBe("25 hours");
  expect(durationLabel(1_501)).toBe("1,501 minutes");
  expect(reopenRule(60)).toBe(
    "A visitor who writes within 1 hour of their conversation being resolved reopens it; after that, their next message starts a new one, so a rating stays with the conversation it rated.",
  );
  expect(reopenRule(0)).toBe(
    "A visitor who writes after their conversation is resolved always starts a new one, so a rating stays with the conversation it rated.",
  );
});
