//! The checklist's steps from the server's progress: order, ticks, where each button leads,
//! what showed a step done, and the count.

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { GetSetupProgressResponseSchema, type Widget, WidgetSchema } from "@porthole/client";
import { expect, test } from "vitest";
import { setupComplete, setupCount, setupSteps, setupWidget } from "./steps";

const progress = (init: MessageInitShape<typeof GetSetupProgressResponseSchema> = {}) =>
  create(GetSetupProgressResponseSchema, init);
const widget = (id: string, active = true): Widget =>
  create(WidgetSchema, { id, name: `Widget ${id}`, publicToken: `tok_${id}`, active });

test("a new workspace: five steps in order, none done, the first leads to a new widget", () => {
  const steps = setupSteps(progress(), []);
  expect(steps.map((s) => s.title)).toEqual([
    "Create your widget",
    "Install the snippet on your site",
    "Invite your team",
    "Set business hours",
    "Try a test chat",
  ]);
  expect(steps.every((s) => !s.done && s.proof === undefined)).toBe(true);
  expect(steps[0]?.action).toEqual({ label: "Create widget", to: "/widgets?new=1" });
  expect(steps[2]?.action).toEqual({ label: "Invite people", to: "/team?invite=1" });
  // The widget's steps wait for a widget.
  for (const id of ["install", "hours", "chat"])
    expect(steps.find((s) => s.id === id)?.action).toMatchObject({
      blocked: "Create your widget first.",
    });
  expect(setupCount(progress())).toEqual({ done: 0, total: 5 });
});

test("installing is the first page view on the owner's site; the test page does not count", () => {
  const [, install] = setupSteps(progress({ widgetCreated: true }), [widget("w1")]);
  expect(install?.why).toMatch(/first page view on your own site/);
  expect(install?.why).toMatch(/test page does not count/);
  expect(install?.action).toEqual({ label: "Get the snippet", to: "/widgets/w1?section=install" });
});

test("done steps tick and say what showed it; the count follows", () => {
  const seen = progress({
    widgetCreated: true,
    widgetSeen: true,
    firstSeenOrigin: "https://shop.example",
    firstSeenTime: timestampFromMs(Date.UTC(2026, 11, 4, 14, 2)),
    chatTried: true,
  });
  const steps = setupSteps(seen, [widget("w1")]);
  const byId = Object.fromEntries(steps.map((s) => [s.id, s]));
  expect(byId.widget?.proof).toBe("“Widget w1” is ready.");
  expect(byId.install?.done).toBe(true);
  expect(byId.install?.proof).toMatch(/^Seen on https:\/\/shop\.example at .*2026/);
  expect(byId.chat?.proof).toBe("Your first conversation is in the inbox.");
  expect(byId.team?.done).toBe(false);
  expect(setupCount(seen)).toEqual({ done: 3, total: 5 });
  expect(setupComplete(seen)).toBe(false);
  expect(
    setupComplete(
      progress({
        widgetCreated: true,
        widgetSeen: true,
        teamInvited: true,
        businessHoursSet: true,
        chatTried: true,
      }),
    ),
  ).toBe(true);
});

test("buttons lead to the first active widget: its install, hours and test page", () => {
  const widgets = [widget("off", false), widget("on")];
  expect(setupWidget(widgets)?.id).toBe("on");
  expect(setupWidget([widget("off", false)])?.id).toBe("off");
  const steps = setupSteps(progress({ widgetCreated: true }), widgets);
  expect(steps.find((s) => s.id === "hours")?.action).toEqual({
    label: "Set hours",
    to: "/widgets/on?section=hours",
  });
  const chat = steps.find((s) => s.id === "chat");
  expect(chat?.action).toMatchObject({ label: "Open the test page" });
  expect(chat?.action && "href" in chat.action && chat.action.href).toMatch(
    /try-widget\.html\?token=tok_on$/,
  );
  // Agents can try a chat; the rest is for owners and admins.
  expect(steps.filter((s) => !s.adminOnly).map((s) => s.id)).toEqual(["chat"]);
});
