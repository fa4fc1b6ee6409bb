//! Widget settings as the editor holds them: a complete WidgetSettings (the server fills in
//! defaults, and UpdateWidget replaces settings whole), with helpers to fill gaps; the
//! words for their values; which handlers can be chosen (agents, the AI bot, both: hybrid,
//! or a guided flow); the colour scheme the preview
//! shows for a visitor whose system is light or dark; and the quiet period after which a
//! resolved conversation is no longer continued (its presets, words and limits).

import { create } from "@bufbuild/protobuf";
import {
  type BusinessHours,
  BusinessHoursSchema,
  ColorScheme,
  type DayHours,
  DayHoursSchema,
  HandlerType,
  PreChatField,
  WidgetAppearanceSchema,
  type WidgetBehavior,
  WidgetBehaviorSchema,
  WidgetPosition,
  type WidgetSettings,
  WidgetSettingsSchema,
  WidgetTextsSchema,
} from "@porthole/client";
import { completeBot } from "../bot/bot";

export const DAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type Day = (typeof DAYS)[number];

export const DEFAULT_TEXTS = {
  welcomeTitle: "Hi there!",
  welcomeMessage: "How can we help you today?",
  inputPlaceholder: "Type a message…",
  offlineMessage: "We're away right now. Leave a message and we'll get back to you.",
};

function day(enabled: boolean): DayHours {
  return create(DayHoursSchema, { enabled, start: "09:00", end: "17:00" });
}

/** Settings with every sub-message present, so the form can bind to each field. */
export function completeSettings(settings: WidgetSettings | undefined): WidgetSettings {
  const s = settings ?? create(WidgetSettingsSchema);
  const hours = s.businessHours ?? create(BusinessHoursSchema, { enabled: false, timeZone: "" });
  const filledHours: BusinessHours = { ...hours };
  for (const d of DAYS) {
    filledHours[d] = hours[d] ?? day(d !== "saturday" && d !== "sunday");
  }
  // Fields this file does not complete are kept as stored, so a save never drops them.
  const { $typeName: _type, $unknown: _unknown, ...stored } = s;
  return create(WidgetSettingsSchema, {
    ...stored,
    appearance:
      s.appearance ??
      create(WidgetAppearanceSchema, {
        primaryColor: "#1f6feb",
        textColor: "#ffffff",
        position: WidgetPosition.BOTTOM_RIGHT,
        borderRadius: 12,
        launcherSize: 60,
        showBranding: true,
        colorScheme: ColorScheme.AUTO,
      }),
    texts: s.texts ?? create(WidgetTextsSchema),
    behavior: s.behavior
      ? { ...s.behavior, reopenWithinMinutes: reopenMinutes(s.behavior) }
      : create(WidgetBehaviorSchema, {
          preChatName: PreChatField.HIDDEN,
          preChatEmail: PreChatField.HIDDEN,
          soundEnabled: true,
          reopenWithinMinutes: REOPEN_DEFAULT_MINUTES,
        }),
    businessHours: filledHours,
    allowedDomains: [...s.allowedDomains],
    handlerType: s.handlerType || HandlerType.AGENT,
    bot: completeBot(s.bot),
  });
}

/** The quiet period the server uses when a widget's settings name none, in minutes. */
export const REOPEN_DEFAULT_MINUTES = 60;
/** The longest quiet period the server accepts: 30 days, in minutes. */
export const REOPEN_MAX_MINUTES = 43_200;

/** The quiet periods the editor offers by name; any other is entered as minutes. */
export const REOPEN_PRESETS: ReadonlyArray<{ minutes: number; label: string }> = [
  { minutes: 0, label: "Never" },
  { minutes: 15, label: "15 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 1_440, label: "1 day" },
  { minutes: 10_080, label: "7 days" },
];

/** A widget's quiet period after a resolve, in minutes: the stored one, else the default. */
export function reopenMinutes(behavior: WidgetBehavior | undefined): number {
  return behavior?.reopenWithinMinutes ?? REOPEN_DEFAULT_MINUTES;
}

/**
 * The minutes typed into the custom quiet period, or why they cannot be saved: whole
 * minutes from 0 to 43,200, as the server checks (`settings.behavior.reopen_within_minutes`).
 */
export function parseReopenMinutes(text: string): { minutes: number } | { error: string } {
  const trimmed = text.trim();
  const minutes = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || minutes > REOPEN_MAX_MINUTES) {
    return { error: "Enter whole minutes from 0 to 43,200 (30 days)." };
  }
  return { minutes };
}

/**
 * The text of the custom minutes the editor starts with for a stored period: none when a
 * preset names it (the choice shows the preset), else the minutes.
 */
export function customReopenText(minutes: number): string | undefined {
  return REOPEN_PRESETS.some((p) => p.minutes === minutes) ? undefined : String(minutes);
}

/** A duration in minutes as words: "1 minute", "90 minutes", "2 hours", "7 days". */
export function durationLabel(minutes: number): string {
  const plural = (n: number, unit: string) =>
    `${n.toLocaleString("en")} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes > 0 && minutes % 1_440 === 0) return plural(minutes / 1_440, "day");
  if (minutes > 0 && minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

/** The rule a quiet period makes, in one sentence, for the editor's hint. */
export function reopenRule(minutes: number): string {
  if (minutes <= 0) {
    return "A visitor who writes after their conversation is resolved always starts a new one, so a rating stays with the conversation it rated.";
  }
  return `A visitor who writes within ${durationLabel(minutes)} of their conversation being resolved reopens it; after that, their next message starts a new one, so a rating stays with the conversation it rated.`;
}

/** The browser's time zones, or a short list where Intl cannot enumerate them. */
export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  try {
    const zones = intl.supportedValuesOf?.("timeZone");
    if (zones && zones.length > 0) return zones.includes("UTC") ? zones : ["UTC", ...zones];
  } catch {
    // Fall through.
  }
  return [
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
  ];
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export const positionLabel: Record<WidgetPosition, string> = {
  [WidgetPosition.UNSPECIFIED]: "Bottom right",
  [WidgetPosition.BOTTOM_RIGHT]: "Bottom right",
  [WidgetPosition.BOTTOM_LEFT]: "Bottom left",
  [WidgetPosition.TOP_RIGHT]: "Top right",
  [WidgetPosition.TOP_LEFT]: "Top left",
};

export const colorSchemeLabel: Record<ColorScheme, string> = {
  [ColorScheme.UNSPECIFIED]: "Auto",
  [ColorScheme.AUTO]: "Auto",
  [ColorScheme.LIGHT]: "Light",
  [ColorScheme.DARK]: "Dark",
};

/** The colour scheme choices, in the order the editor offers them. */
export const COLOR_SCHEMES = [ColorScheme.AUTO, ColorScheme.LIGHT, ColorScheme.DARK] as const;

/** The look of the visitor's system (or the host page) the preview pretends. */
export type PreviewTheme = "light" | "dark";

/**
 * The colour scheme the widget shows a visitor whose system is `theme`: auto follows it,
 * light and dark are fixed. The preview sends this resolved value, so it shows the same
 * whichever scheme the dashboard's own browser prefers.
 */
export function schemeFor(
  scheme: ColorScheme,
  theme: PreviewTheme,
): ColorScheme.LIGHT | ColorScheme.DARK {
  if (scheme === ColorScheme.LIGHT || scheme === ColorScheme.DARK) return scheme;
  return theme === "dark" ? ColorScheme.DARK : ColorScheme.LIGHT;
}

/** Handlers the editor offers, in order. */
export const SELECTABLE_HANDLERS: readonly HandlerType[] = [
  HandlerType.AGENT,
  HandlerType.AI_BOT,
  HandlerType.HYBRID,
  HandlerType.WORKFLOW,
];

export const handlerLabel: Record<HandlerType, { label: string; description: string }> = {
  [HandlerType.UNSPECIFIED]: { label: "Agents", description: "" },
  [HandlerType.AGENT]: { label: "Agents", description: "Your team answers every conversation." },
  [HandlerType.AI_BOT]: {
    label: "AI bot",
    description:
      "The bot answers every conversation from your published articles and hands over to your team when the visitor asks or it cannot help.",
  },
  [HandlerType.HYBRID]: {
    label: "Hybrid (agents first, bot when nobody is available)",
    description:
      "Your team answers while someone is available; otherwise the bot does, and visitors can ask for a person at any time.",
  },
  [HandlerType.WORKFLOW]: {
    label: "Guided flow",
    description:
      "Scripted steps, no AI: ask with buttons, collect an e-mail or order number, then hand the conversation to the right team or resolve it.",
  },
};

export const preChatLabel: Record<PreChatField, string> = {
  [PreChatField.UNSPECIFIED]: "Hidden",
  [PreChatField.HIDDEN]: "Hidden",
  [PreChatField.OPTIONAL]: "Optional",
  [PreChatField.REQUIRED]: "Required",
};

/**
 * Whether a page at `origin` may show the widget, as the server decides
 * (`domain::widget::origin_allowed`): no entries allow every site; an entry without a port
 * matches any port; `*.x.com` matches subdomains of x.com but not x.com itself. The
 * editor only uses it for a hint; the server's answer is what counts.
 */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  const port =
    url.port || (url.protocol === "https:" ? "443" : url.protocol === "http:" ? "80" : "");
  return allowed.some((entry) => {
    const pattern = entry.trim().toLowerCase();
    const colon = pattern.lastIndexOf(":");
    const [patternHost, patternPort] =
      colon >= 0 ? [pattern.slice(0, colon), pattern.slice(colon + 1)] : [pattern, ""];
    if (patternPort && patternPort !== port) return false;
    if (patternHost.startsWith("*.")) {
      const parent = patternHost.slice(2);
      return host.length > parent.length + 1 && host.endsWith(`.${parent}`);
    }
    return host === patternHost;
  });
}
