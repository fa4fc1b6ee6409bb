//! The embeddable chat widget: the entry the loader imports. `start` replays the commands
//! the host page queued and returns the function installed as `window.Porthole`.

import type {
  BootOptions,
  EventName,
  IdentifyOptions,
  PortholeApi,
  PreviewOptions,
} from "./api.js";
import { Chat, type ChatEvents } from "./chat.js";
import { pickLocale, translator } from "./i18n.js";
import { panelMemory } from "./memory.js";
import { chime, unlockAudio } from "./sound.js";
import { View } from "./view.js";

export type { BootOptions, IdentifyOptions, PortholeApi } from "./api.js";

type Listener = (detail: unknown) => void;

const listeners = new Map<string, Set<Listener>>();
let instance: { chat: Chat; view: View; locale: string; stop: () => void } | undefined;
/** Commands that need a running chat wait for boot to finish. */
let booted: Promise<void> = Promise.resolve();
const originalTitle = { value: "" };

function emit<K extends keyof ChatEvents>(name: K, detail: ChatEvents[K]): void {
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(detail);
    } catch (error) {
      console.error("Porthole: an event listener failed", error);
    }
  }
  window.dispatchEvent(new CustomEvent(`porthole:${name}`, { detail }));
}

function boot(options: BootOptions): void {
  if (instance) shutdown();
  if (!options?.widgetToken) {
    console.error("Porthole: boot needs { widgetToken }");
    return;
  }
  const baseUrl = options.baseUrl ?? new URL(import.meta.url).origin;
  const locale = options.locale ?? pickLocale(navigator.languages ?? [navigator.language]);
  let view: View | undefined;
  let soundOn = true;
  // The dashboard's preview remembers nothing; a website's panel stays as it was left.
  const memory = options.preview ? undefined : panelMemory(options.widgetToken);
  const chat = new Chat({
    baseUrl,
    widgetToken: options.widgetToken,
    changed: () => {
      view?.render();
      updateTitle(chat);
    },
    emit,
    proactive: () => view?.setOpen(true, false),
    dismissed: () => !!memory?.read().closed,
    chime: () => {
      soundOn = chat.config?.behavior ? chat.config.behavior.soundEnabled : true;
      if (soundOn) chime();
    },
  });
  const attend = () => chat.setAttending(!!view?.isOpen && document.visibilityState === "visible");
  view = new View(
    chat,
    translator(locale),
    (open) => {
      attend();
      emit(open ? "open" : "close", {});
    },
    memory,
  );
  if (options.hideLauncher) view.showLauncher(false);
  const host = view.host;
  host.addEventListener("pointerdown", unlockAudio);
  host.addEventListener("keydown", unlockAudio);
  document.addEventListener("visibilitychange", attend);
  document.body.append(host);
  originalTitle.value = document.title;
  const stop = () => {
    document.removeEventListener("visibilitychange", attend);
    chat.shutdown();
    view?.dispose();
    memory?.forget();
    host.remove();
    document.title = originalTitle.value;
  };
  instance = { chat, view, locale, stop };
  if (options.preview) {
    const t = translator(locale);
    booted = Promise.resolve();
    preview(chat, options.preview, t);
    view.setOpen(true, false);
    return;
  }
  booted = chat.boot(locale).then(
    // Another page of the same site: the panel opens again where the visitor left it.
    () => view?.restore(),
    (error: unknown) => {
      // A refused origin, an unknown or deactivated widget: stay invisible, say why once.
      console.error(
        `Porthole: the chat widget could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (instance?.chat === chat) {
        stop();
        instance = undefined;
      }
    },
  );
}

function preview(chat: Chat, options: PreviewOptions, t: ReturnType<typeof translator>): void {
  chat.preview(options.config, options.screen, {
    visitor: t("previewVisitor"),
    agent: t("previewAgent"),
  });
}

/** The unread count in the tab title while the page is hidden. */
function updateTitle(chat: Chat): void {
  const count = chat.unread;
  const base = document.title.replace(/^\(\d+\+?\) /, "");
  const wanted = document.visibilityState === "hidden" && count > 0 ? `(${count}) ${base}` : base;
  if (document.title !== wanted) document.title = wanted;
}

function shutdown(): void {
  instance?.stop();
  instance = undefined;
}

/** Runs one command; the ones that act on the chat wait until boot has finished. */
function run(command: unknown, args: unknown[]): void {
  switch (command) {
    case "boot":
      boot(args[0] as BootOptions);
      return;
    case "shutdown":
      shutdown();
      return;
    case "on":
    case "off": {
      const [event, listener] = args as [EventName, Listener];
      if (typeof listener !== "function") return;
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      if (command === "on") set.add(listener);
      else set.delete(listener);
      return;
    }
  }
  void booted.then(async () => {
    const current = instance;
    if (!current) return;
    const { chat, view, locale } = current;
    try {
      switch (command) {
        case "open":
          return view.setOpen(true);
        case "close":
          return view.setOpen(false);
        case "toggle":
          return view.toggle();
        case "show":
          return view.showLauncher(true);
        case "hide":
          return view.showLauncher(false);
        case "identify":
          return await chat.identify(args[0] as IdentifyOptions);
        case "setAttributes":
          return await chat.setAttributes(args[0] as Record<string, string>);
        case "setLocale":
          return view.setTranslator(translator(String(args[0])));
        case "preview":
          return chat.previewing
            ? preview(chat, args[0] as PreviewOptions, translator(locale))
            : undefined;
        default:
          console.warn(`Porthole: unknown command ${String(command)}`);
      }
    } catch (error) {
      console.error(
        `Porthole: ${String(command)} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  });
}

/**
 * Replays the queued commands, then handles new ones directly. Returns the function the
 * loader installs as `window.Porthole`.
 */
export function start(queued: ArrayLike<unknown>[] = []): PortholeApi {
  for (const call of Array.from(queued)) {
    const [command, ...args] = Array.from(call);
    run(command, args);
  }
  return ((command: unknown, ...args: unknown[]) => run(command, args)) as PortholeApi;
}
