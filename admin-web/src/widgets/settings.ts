//! Widget settings as the editor holds them: a complete WidgetSettings (the server fills in
//! defaults, and UpdateWidget replaces settings whole), with helpers to fill gaps.

import { create } from "@bufbuild/protobuf";
import {
  type BusinessHours,
  BusinessHoursSchema,
  type DayHours,
  DayHoursSchema,
  HandlerType,
  PreChatField,
  WidgetAppearanceSchema,
  WidgetBehaviorSchema,
  WidgetPosition,
  type WidgetSettings,
  WidgetSettingsSchema,
  WidgetTextsSchema,
} from "@porthole/client";

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
  offlineMessage: "We're away right now. Leave a message and we'll get back to you by e-mail.",
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
  return create(WidgetSettingsSchema, {
    appearance:
      s.appearance ??
      create(WidgetAppearanceSchema, {
        primaryColor: "#1f6feb",
        textColor: "#ffffff",
        position: WidgetPosition.BOTTOM_RIGHT,
        borderRadius: 12,
        launcherSize: 60,
        showBranding: true,
      }),
    texts: s.texts ?? create(WidgetTextsSchema),
    behavior:
      s.behavior ??
      create(WidgetBehaviorSchema, {
        preChatName: PreChatField.HIDDEN,
        preChatEmail: PreChatField.HIDDEN,
        soundEnabled: true,
      }),
    businessHours: filledHours,
    allowedDomains: [...s.allowedDomains],
    handlerType: s.handlerType || HandlerType.AGENT,
  });
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

export const handlerLabel: Record<HandlerType, { label: string; description: string }> = {
  [HandlerType.UNSPECIFIED]: { label: "Agents", description: "" },
  [HandlerType.AGENT]: { label: "Agents", description: "Your team answers every conversation." },
  [HandlerType.HYBRID]: {
    label: "Agents, bot when nobody is free",
    description: "The AI bot answers while no agent is available; visitors can ask for a human.",
  },
  [HandlerType.AI_BOT]: {
    label: "AI bot",
    description: "The bot answers and hands over to a human when asked.",
  },
  [HandlerType.WORKFLOW]: { label: "Workflow", description: "A scripted workflow answers." },
};

export const preChatLabel: Record<PreChatField, string> = {
  [PreChatField.UNSPECIFIED]: "Hidden",
  [PreChatField.HIDDEN]: "Hidden",
  [PreChatField.OPTIONAL]: "Optional",
  [PreChatField.REQUIRED]: "Required",
};
