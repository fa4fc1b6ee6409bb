//! The JavaScript API a host page calls through `window.Porthole(command, ...args)`,
//! typed. Calls made before the widget has loaded are queued by the loader and replayed.

import type { WidgetConfig } from "@porthole/client/lean";
import type { ChatEvents } from "./chat.js";

/** Options of `boot`. The loader boots with the token from its own URL unless told not to. */
export interface BootOptions {
  /** The widget's public token from the embed snippet. */
  widgetToken: string;
  /** The Porthole server; defaults to the origin the widget was loaded from. */
  baseUrl?: string;
  /** Locale (`en`, `de`, `fr`, `es`); defaults to the browser's languages. */
  locale?: string;
  /** Hide the launcher button (open the chat with `Porthole('open')` instead). */
  hideLauncher?: boolean;
  /**
   * The dashboard's live preview: show this configuration without talking to the server
   * (update it with `Porthole('preview', preview)`). Not for websites.
   */
  preview?: PreviewOptions;
}

/** What the dashboard's preview shows. */
export interface PreviewOptions {
  /** The widget's settings as `GetWidgetConfig` returns them. */
  config: WidgetConfig;
  /** Which screen to show. */
  screen: "chat" | "prechat" | "offline";
}

/** A signed-in user of the host site; `userHash` is computed by the site's backend. */
export interface IdentifyOptions {
  /** The user's id in the host site. */
  externalId: string;
  /** hex(HMAC-SHA256(widget identity secret, externalId)). */
  userHash: string;
  name?: string;
  email?: string;
}

/** The names of the events, also dispatched on `window` as `porthole:<name>` DOM events. */
export type EventName = keyof ChatEvents;

/** Every command, with its arguments. */
export interface PortholeApi {
  (command: "boot", options: BootOptions): void;
  /** Removes the widget and forgets the visitor in this browser (e.g. on log-out). */
  (command: "shutdown"): void;
  (command: "open" | "close" | "toggle"): void;
  /** Shows or hides the launcher button. */
  (command: "show" | "hide"): void;
  (command: "identify", user: IdentifyOptions): void;
  /** Sets custom attributes agents see in the visitor panel (an empty value removes one). */
  (command: "setAttributes", attributes: Record<string, string>): void;
  (command: "setLocale", locale: string): void;
  /** Updates the dashboard preview (after `boot` with `preview`). */
  (command: "preview", preview: PreviewOptions): void;
  <K extends EventName>(
    command: "on" | "off",
    event: K,
    listener: (detail: ChatEvents[K]) => void,
  ): void;
}
