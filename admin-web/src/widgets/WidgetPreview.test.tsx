//! The preview's frame sizes and what it sends the frame; and the toggles, rendered.

import { create } from "@bufbuild/protobuf";
import {
  ColorScheme,
  FlowStepKind,
  HandlerType,
  WidgetPosition,
  WidgetSettingsSchema,
} from "@porthole/client";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, expect, test } from "vitest";
import { completeSettings } from "./settings";
import { frameSize, previewMessage, WidgetPreview } from "./WidgetPreview";

afterEach(cleanup);

test("a phone is a phone's viewport, scaled to fit", () => {
  const size = frameSize("phone", 440);
  expect(size).toMatchObject({ width: 390, height: 844 });
  expect(size.height * size.scale).toBeLessThanOrEqual(520);
  expect(frameSize("phone", 300).width * frameSize("phone", 300).scale).toBeLessThanOrEqual(300);
});

test("a desktop window is always wide enough for the floating panel", () => {
  for (const available of [200, 340, 440, 600, 900]) {
    const size = frameSize("desktop", available);
    // The widget goes full screen at 520 px and below.
    expect(size.width).toBeGreaterThanOrEqual(640);
    expect(size.scale).toBeLessThanOrEqual(0.75);
    expect(Math.round(size.width * size.scale)).toBeLessThanOrEqual(Math.max(available, 200) + 1);
  }
});

test("the frame gets the settings with the scheme resolved for the visitor's system", () => {
  const settings = completeSettings(undefined);
  if (settings.appearance) {
    settings.appearance.position = WidgetPosition.TOP_LEFT;
    settings.appearance.launcherSize = 80;
  }
  const dark = previewMessage(settings, { screen: "chat", open: false, theme: "dark" });
  expect(dark).toMatchObject({
    type: "porthole:preview",
    screen: "chat",
    open: false,
    page: "dark",
    config: {
      appearance: {
        position: WidgetPosition.TOP_LEFT,
        launcherSize: 80,
        colorScheme: ColorScheme.DARK,
      },
      online: true,
    },
  });
  // Plain data: it survives a structured clone.
  expect(structuredClone(dark)).toEqual(dark);
  // The settings themselves keep "auto".
  expect(settings.appearance?.colorScheme).toBe(ColorScheme.AUTO);
  const fixed = completeSettings(undefined);
  if (fixed.appearance) fixed.appearance.colorScheme = ColorScheme.LIGHT;
  expect(
    previewMessage(fixed, { screen: "offline", open: true, theme: "dark" }).config.appearance
      .colorScheme,
  ).toBe(ColorScheme.LIGHT);
});

test("the bot's persona goes to the frame only when the bot answers the widget", () => {
  const settings = completeSettings(
    create(WidgetSettingsSchema, {
      handlerType: HandlerType.AGENT,
      bot: { name: "Penny", avatarUrl: "/penny.png", instructions: "secret tone", maxTurns: 5 },
    }),
  );
  const view = { screen: "chat", open: true, theme: "light" } as const;
  expect(previewMessage(settings, view).config.bot).toBeUndefined();
  for (const handlerType of [HandlerType.AI_BOT, HandlerType.HYBRID]) {
    const config = previewMessage({ ...settings, handlerType }, view).config;
    // The persona as visitors get it: never the instructions.
    expect(config.bot).toEqual({ name: "Penny", avatarUrl: "/penny.png" });
  }
});

test("a guided flow's opening goes to the frame as the widget's config carries it", () => {
  const settings = completeSettings(
    create(WidgetSettingsSchema, {
      handlerType: HandlerType.WORKFLOW,
      flow: {
        steps: [
          { id: "hi", kind: FlowStepKind.MESSAGE, text: "Hi!" },
          {
            id: "ask",
            kind: FlowStepKind.QUESTION,
            text: "Sales or support?",
            choices: [{ label: "Sales" }, { label: "Support" }],
          },
        ],
      },
    }),
  );
  const view = { screen: "chat", open: true, theme: "light" } as const;
  const config = previewMessage(settings, view).config;
  expect(config.flowOpening).toEqual([
    { text: "Hi!", quickReplies: [] },
    { text: "Sales or support?", quickReplies: ["Sales", "Support"] },
  ]);
  expect(config.assistantName).toBe("Assistant");
  // Kept, unused, on other handlers: not sent.
  const agents = previewMessage({ ...settings, handlerType: HandlerType.AGENT }, view).config;
  expect(agents.flowOpening).toBeUndefined();
});

test("the toggles: device, system theme, open or closed, screen", () => {
  render(<WidgetPreview settings={completeSettings(undefined)} />);
  const pressed = (name: string) =>
    screen.getByRole("button", { name }).getAttribute("aria-pressed");
  expect(pressed("Desktop")).toBe("true");
  expect(pressed("Light")).toBe("true");
  expect(pressed("Open")).toBe("true");
  fireEvent.click(screen.getByRole("button", { name: "Phone" }));
  fireEvent.click(screen.getByRole("button", { name: "Dark" }));
  fireEvent.click(screen.getByRole("button", { name: "Closed" }));
  expect(pressed("Phone")).toBe("true");
  expect(pressed("Dark")).toBe("true");
  expect(pressed("Closed")).toBe("true");
  const frame = screen.getByTestId("preview-frame");
  expect(frame.dataset.device).toBe("phone");
  expect(frame.dataset.theme).toBe("dark");
  const iframe = screen.getByTitle("Widget preview") as HTMLIFrameElement;
  expect(iframe.style.width).toBe("390px");
  // Choosing a screen opens the panel.
  fireEvent.click(screen.getByRole("button", { name: "Offline" }));
  expect(pressed("Open")).toBe("true");
});
