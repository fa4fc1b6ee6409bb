//! Widget settings rules: the colour scheme the preview shows, which handlers can be
//! chosen, and the allowed-website match the editor's hint mirrors from the server.

import { create } from "@bufbuild/protobuf";
import { ColorScheme, HandlerType, WidgetSettingsSchema } from "@porthole/client";
import { expect, test } from "vitest";
import {
  COLOR_SCHEMES,
  colorSchemeLabel,
  completeSettings,
  isUnavailableHandler,
  originAllowed,
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

test("only agents can be chosen; other stored handlers are shown read-only", () => {
  expect(SELECTABLE_HANDLERS).toEqual([HandlerType.AGENT]);
  expect(isUnavailableHandler(HandlerType.AGENT)).toBe(false);
  expect(isUnavailableHandler(HandlerType.UNSPECIFIED)).toBe(false);
  for (const h of [HandlerType.AI_BOT, HandlerType.WORKFLOW, HandlerType.HYBRID])
    expect(isUnavailableHandler(h)).toBe(true);
  // An unset handler is stored as agent, and the form shows it so.
  expect(completeSettings(create(WidgetSettingsSchema)).handlerType).toBe(HandlerType.AGENT);
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
