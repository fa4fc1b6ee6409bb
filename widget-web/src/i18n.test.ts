//! Locale choice and the string tables.

import { describe, expect, it } from "vitest";
import { locales, pickLocale, translator } from "./i18n.js";

describe("i18n", () => {
  it("picks the first supported browser language, by exact tag or base language", () => {
    expect(pickLocale(["de-AT", "en"])).toBe("de");
    expect(pickLocale(["pt-BR", "fr-CA"])).toBe("fr");
    expect(pickLocale(["ES"])).toBe("es");
    expect(pickLocale(["ja", "zh"])).toBe("en");
    expect(pickLocale([])).toBe("en");
  });

  it("fills placeholders and falls back to English for unknown locales", () => {
    expect(translator("de")("typing", { name: "Ann" })).toBe("Ann schreibt…");
    expect(translator("fr")("queue", { n: 3 })).toContain("numéro 3");
    expect(translator("xx")("send")).toBe("Send");
  });

  it("speaks at least three languages, each with every text", () => {
    expect(locales.length).toBeGreaterThanOrEqual(3);
    const english = translator("en");
    for (const locale of locales.filter((l) => l !== "en")) {
      const t = translator(locale);
      // A missing or empty entry would show as English or blank.
      expect(t("send")).not.toBe("");
      expect(t("openChat")).not.toBe(english("openChat"));
    }
  });

  it("translates every text of the away note, its address form and the composer, keeping placeholders", () => {
    const english = translator("en");
    for (const locale of locales.filter((l) => l !== "en")) {
      const t = translator(locale);
      for (const key of [
        "offlineThanks",
        "awayNow",
        "awayHere",
        "awayAsk",
        "awayEmailSave",
        "emailNotSaved",
        "addMore",
        "closeChat",
      ] as const)
        expect(t(key), `${locale} ${key}`).not.toBe(english(key));
      expect(t("awayEmail", { email: "a@b.co" })).toContain("a@b.co");
      expect(t("awayEmail", { email: "a@b.co" })).not.toBe(
        english("awayEmail", { email: "a@b.co" }),
      );
    }
  });

  it("says in every language who answers: the AI assistant, the way to a person, the team", () => {
    const english = translator("en");
    for (const locale of locales.filter((l) => l !== "en")) {
      const t = translator(locale);
      for (const key of ["aiAssistant", "human", "waitingTeam"] as const)
        expect(t(key), `${locale} ${key}`).not.toBe(english(key));
      expect(t("botNote", { name: "Penny" })).toContain("Penny");
      expect(t("botNote", { name: "Penny" })).not.toBe(english("botNote", { name: "Penny" }));
      expect(t("queueTeam", { n: 2 })).toContain("2");
      expect(t("queueTeam", { n: 2 })).not.toBe(english("queueTeam", { n: 2 }));
    }
  });

  it("translates the conversation lifecycle, and names its locale for dates", () => {
    const english = translator("en");
    const keys = [
      "conversations",
      "newConversation",
      "backToCurrent",
      "back",
      "statusOpen",
      "statusSolved",
      "statusClosed",
      "noConversations",
      "ended",
      "emailOptional",
    ] as const;
    for (const locale of locales.filter((l) => l !== "en")) {
      const t = translator(locale);
      for (const key of keys) expect(t(key), `${locale} ${key}`).not.toBe(english(key));
      expect(t("youSaid", { text: "Hi" })).toContain("Hi");
      expect(t.locale).toBe(locale);
    }
    expect(translator("de-AT").locale).toBe("de");
    expect(translator("xx").locale).toBe("en");
  });
});
