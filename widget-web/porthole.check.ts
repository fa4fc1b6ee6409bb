/// <reference path="./porthole.d.ts" />
//! Keeps porthole.d.ts (what site owners are given) equal to the widget's own types
//! (src/api.ts, src/chat.ts): compiled by `npm run typecheck -w widget-web`
//! (tsconfig.porthole.json, which also checks the .d.ts itself), where any difference is a
//! type error. The only deliberate difference is the dashboard's `preview`, which the .d.ts
//! leaves out. The examples at the end are the README's, so they keep compiling too.

import type {
  BootOptions,
  EventName,
  IdentifyOptions,
  PortholeApi as WidgetApi,
} from "./src/api.js";
import type { ChatEvents } from "./src/chat.js";

/** True when A and B are the same type (optional and readonly modifiers included). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

/**
 * The argument lists an overloaded call signature accepts, as a union of tuples (one per
 * overload; a generic one with its type parameter at its constraint). Twelve slots: more
 * than either API has.
 */
type Calls<F> = F extends {
  (...args: infer A1): void;
  (...args: infer A2): void;
  (...args: infer A3): void;
  (...args: infer A4): void;
  (...args: infer A5): void;
  (...args: infer A6): void;
  (...args: infer A7): void;
  (...args: infer A8): void;
  (...args: infer A9): void;
  (...args: infer A10): void;
  (...args: infer A11): void;
  (...args: infer A12): void;
}
  ? A1 | A2 | A3 | A4 | A5 | A6 | A7 | A8 | A9 | A10 | A11 | A12
  : never;

/** Calls of `command`, and calls of any other command. */
type Of<C, Command extends string> = Extract<C, [Command, ...unknown[]]>;
type Besides<C, Command extends string> = Exclude<C, [Command, ...unknown[]]>;

/** The DOM events `emit` dispatches on `window` (src/widget.ts). */
type DomEvents = { [K in EventName as `porthole:${K}`]: CustomEvent<ChatEvents[K]> };

export type Checks = [
  Assert<Equal<PortholeBootOptions, Omit<BootOptions, "preview">>>,
  Assert<Equal<PortholeIdentifyOptions, IdentifyOptions>>,
  Assert<Equal<PortholeEvents, ChatEvents>>,
  Assert<Equal<PortholeEventName, EventName>>,
  // The same commands with the same arguments, overload by overload; `boot`'s options are
  // compared above, and `preview` is the dashboard's.
  Assert<Equal<Besides<Calls<PortholeApi>, "boot">, Besides<Calls<WidgetApi>, "boot" | "preview">>>,
  Assert<Equal<Of<Calls<PortholeApi>, "boot">, ["boot", PortholeBootOptions]>>,
  Assert<Equal<Of<Calls<WidgetApi>, "boot">, ["boot", BootOptions]>>,
  Assert<Equal<Pick<WindowEventMap, keyof DomEvents>, DomEvents>>,
  Assert<Equal<Extract<keyof WindowEventMap, `porthole:${string}`>, keyof DomEvents>>,
];

// The implementation can stand in for the declaration, generic `on`/`off` included.
export const implementation: PortholeApi = null as unknown as WidgetApi;

// The README's examples (README.md, "JavaScript API"), as a site's TypeScript would write them.
declare const user: { id: string; name: string; email: string; plan: string; seats: number };
declare const userHash: string;
declare const analytics: { track(event: string, properties?: Record<string, string>): void };

export function readmeExamples(): void {
  window.Porthole =
    window.Porthole ||
    function () {
      // The README's snippet as pasted into pages, so both lints allow it here.
      // biome-ignore lint/suspicious/noAssignInExpressions: see above.
      // biome-ignore lint/complexity/noArguments: see above.
      (Porthole.q = Porthole.q || []).push(arguments);
    };
  Porthole("boot", { widgetToken: "PUBLIC_TOKEN", locale: "de", hideLauncher: true });
  Porthole("on", "unread", (detail) => {
    const badge = document.querySelector("#help-badge");
    if (badge) badge.textContent = detail.count ? String(detail.count) : "";
  });
  document.querySelector("#help")?.addEventListener("click", () => Porthole("open"));

  Porthole("identify", { externalId: user.id, userHash, name: user.name, email: user.email });
  Porthole("setAttributes", { plan: user.plan, seats: String(user.seats) });

  Porthole("shutdown");
  Porthole("boot", { widgetToken: "PUBLIC_TOKEN" });

  Porthole("on", "message", (detail) => analytics.track("chat reply", { from: detail.senderType }));
  window.addEventListener("porthole:open", () => analytics.track("chat opened"));

  Porthole("on", "message", (detail) => console.log(detail.senderName, detail.body));
  window.addEventListener("porthole:ready", (event) => console.log(event.detail.visitorId));
}
