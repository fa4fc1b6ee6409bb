/**
 * Types for the Porthole chat widget's JavaScript API, `window.Porthole`, for websites that
 * embed the widget (see "JavaScript API" in widget-web/README.md).
 *
 * Copy this file into your project and include it in your tsconfig (or reference it with
 * `/// <reference path="porthole.d.ts" />`). It declares globals only: the `Porthole`
 * function, its option and event types, and the `porthole:*` DOM events on `window`.
 *
 * Every call is `Porthole(command, ...args)` and returns nothing; calls made before the
 * widget has loaded are queued and replayed in order. Commands that act on the chat wait
 * until `boot` has finished, and do nothing while no widget runs (before `boot`, after
 * `shutdown` or a failed boot); a failure is reported with `console.error`, never thrown.
 *
 * The widget also accepts a `preview` command and a `preview` boot option, with which the
 * Porthole dashboard shows its live preview; they are not for websites and not declared here.
 * `widget-web/porthole.check.ts` fails the widget's type check when this file and the
 * implementation (`widget-web/src/api.ts`) disagree on anything else.
 */

/** Options of `Porthole('boot', options)`. */
interface PortholeBootOptions {
  /** The widget's public token, from the embed snippet. */
  widgetToken: string;
  /** The Porthole server; by default the origin the widget was loaded from. */
  baseUrl?: string;
  /** `en`, `de`, `fr` or `es`; by default the browser's languages decide (else `en`). */
  locale?: string;
  /** Hide the launcher button; open the chat with `Porthole('open')` instead. */
  hideLauncher?: boolean;
}

/**
 * A signed-in user of your site, for `Porthole('identify', user)`. `userHash` proves the
 * user is who you say, so compute it on your server, never in the browser.
 */
interface PortholeIdentifyOptions {
  /** The user's id on your site. */
  externalId: string;
  /** Hex HMAC-SHA256 of `externalId`, keyed with the widget's identity secret. */
  userHash: string;
  /** The user's name, shown to agents. */
  name?: string;
  /** The user's e-mail address, shown to agents. */
  email?: string;
}

/** The widget's events and what each carries (`detail`). */
interface PortholeEvents {
  /** The visitor's session is up (after every `boot`). */
  ready: { visitorId: string };
  /** The chat panel opened. */
  open: Record<string, never>;
  /** The chat panel closed. */
  close: Record<string, never>;
  /** A message from the team arrived (not the visitor's own). */
  message: {
    body: string;
    /** The agent's or bot's name. */
    senderName: string;
    /** `agent`, `bot` or `system`. */
    senderType: string;
  };
  /** The number of the team's messages the visitor has not seen changed. */
  unread: { count: number };
}

/** The name of an event: `ready`, `open`, `close`, `message` or `unread`. */
type PortholeEventName = keyof PortholeEvents;

/** `window.Porthole`: one function, the command first. */
interface PortholeApi {
  /**
   * Starts the widget; the loader does this itself unless its script tag has
   * `data-manual-boot` or a `boot` call is queued. Booting again first shuts the running
   * widget down, so the visitor starts over as a new one.
   */
  (command: "boot", options: PortholeBootOptions): void;
  /** Removes the widget and forgets the visitor in this browser (e.g. on log-out). */
  (command: "shutdown"): void;
  /** Opens, closes or toggles the chat panel. */
  (command: "open" | "close" | "toggle"): void;
  /** Shows or hides the launcher button. */
  (command: "show" | "hide"): void;
  /**
   * Marks the visitor as your signed-in user; their conversations follow them across
   * browsers. A wrong `userHash` is refused (logged to the console).
   */
  (command: "identify", user: PortholeIdentifyOptions): void;
  /** Sets custom attributes agents see in the visitor panel (an empty value removes one). */
  (command: "setAttributes", attributes: Record<string, string>): void;
  /** Changes the widget's language: `en`, `de`, `fr` or `es` (anything else is `en`). */
  (command: "setLocale", locale: string): void;
  /** Adds or removes an event listener; listeners may be added before `boot`. */
  <K extends PortholeEventName>(
    command: "on" | "off",
    event: K,
    listener: (detail: PortholeEvents[K]) => void,
  ): void;
  /** The loader's queue of calls made before the widget loaded (see the embed snippet). */
  q?: ArrayLike<unknown>[];
}

/** Every event is also dispatched on `window` as a `CustomEvent` named `porthole:<event>`. */
interface WindowEventMap {
  "porthole:ready": CustomEvent<PortholeEvents["ready"]>;
  "porthole:open": CustomEvent<PortholeEvents["open"]>;
  "porthole:close": CustomEvent<PortholeEvents["close"]>;
  "porthole:message": CustomEvent<PortholeEvents["message"]>;
  "porthole:unread": CustomEvent<PortholeEvents["unread"]>;
}

/**
 * The widget's API, installed by the loader script (or by the queue snippet before it,
 * so calls made before the loader has run are kept too).
 */
declare var Porthole: PortholeApi;
