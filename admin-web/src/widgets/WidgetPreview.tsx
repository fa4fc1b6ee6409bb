//! The live preview of the real widget, as a site will show it: `widget.js` from this server
//! runs in a sandboxed frame (its own origin, `null`, so it cannot touch the dashboard) in
//! preview mode, which shows the settings without talking to the server, over a sketch of
//! a web page. Toggles above it choose a desktop window or a phone (the frame gets that
//! viewport, scaled down to fit, so the widget lays itself out as it would there: a floating
//! panel, or full screen on a phone), a light or dark visitor system (an "auto" colour
//! scheme follows it), the panel open or closed (closed shows the launcher in its corner,
//! at its size) and which screen the panel shows.
//!
//! The frame's page is a static file, `public/widget-preview.html` with its script beside it,
//! so that it runs under the server's Content-Security-Policy (no inline script). Settings
//! travel by `postMessage`; the frame accepts them only from the dashboard's origin, and the
//! dashboard only listens to its own frame.

import { HandlerType, type WidgetSettings } from "@porthole/client";
import { Laptop, Moon, PanelBottomClose, PanelBottomOpen, Smartphone, Sun } from "lucide-react";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { DEFAULT_BOT_NAME, usesBot } from "../bot/bot";
import { cn } from "../components/ui/cn";
import { draftFlow, flowOpening } from "./flow";
import { type PreviewTheme, schemeFor } from "./settings";

type Screen = "chat" | "prechat" | "offline";
export type Device = "desktop" | "phone";

/** The frame's page, under the dashboard's base path (`/app/`). */
const frameUrl = `${import.meta.env.BASE_URL}widget-preview.html`;

/** The viewport the frame gets, in CSS pixels, and how large it is drawn. */
export interface FrameSize {
  width: number;
  height: number;
  scale: number;
}

/** A phone's viewport (an iPhone 14/15); the widget goes full screen below 521 px. */
const PHONE = { width: 390, height: 844 };
/** The narrowest desktop window the preview shows: the widget's panel floats above 520 px. */
const DESKTOP_MIN_WIDTH = 640;
/** How tall the preview is drawn. */
const DRAWN_HEIGHT = 520;

/**
 * The frame's viewport for `device` in a box `available` pixels wide. A phone is a real
 * phone's viewport scaled to the drawn height; a desktop window is at least 640 px wide (so
 * the widget lays itself out as on a desktop), drawn at no more than ¾ size so the panel
 * keeps its proportions to the page.
 */
export function frameSize(device: Device, available: number): FrameSize {
  const room = Math.max(available, 200);
  if (device === "phone") {
    const scale = Math.min(DRAWN_HEIGHT / PHONE.height, (room - 24) / PHONE.width);
    return { ...PHONE, scale };
  }
  const scale = Math.min(0.75, room / DESKTOP_MIN_WIDTH);
  return {
    width: Math.round(room / scale),
    height: Math.round(DRAWN_HEIGHT / scale),
    scale,
  };
}

/**
 * What the frame is sent: the settings as the widget reads them (GetWidgetConfig's shape:
 * the bot's persona only when the bot answers the widget), and how to show them.
 */
export function previewMessage(
  settings: WidgetSettings,
  view: { screen: Screen; open: boolean; theme: PreviewTheme },
) {
  const appearance = settings.appearance
    ? {
        ...settings.appearance,
        colorScheme: schemeFor(settings.appearance.colorScheme, view.theme),
      }
    : undefined;
  // Plain data only: the frame gets a structured clone.
  const config = JSON.parse(
    JSON.stringify({
      appearance,
      texts: settings.texts,
      behavior: settings.behavior,
      bot:
        settings.bot && usesBot(settings.handlerType)
          ? { name: settings.bot.name, avatarUrl: settings.bot.avatarUrl }
          : undefined,
      // A guided flow's opening, as GetWidgetConfig sends it (a widget that shows it before
      // the conversation starts does so in the preview too).
      ...(settings.handlerType === HandlerType.WORKFLOW
        ? {
            flowOpening: flowOpening(draftFlow(settings.flow)),
            assistantName: settings.bot?.name || DEFAULT_BOT_NAME,
          }
        : {}),
      online: true,
    }),
  );
  return {
    type: "porthole:preview",
    config,
    screen: view.screen,
    open: view.open,
    page: view.theme,
  };
}

export function WidgetPreview({ settings }: { settings: WidgetSettings }) {
  const [screen, setScreen] = useState<Screen>("chat");
  const [device, setDevice] = useState<Device>("desktop");
  const [theme, setTheme] = useState<PreviewTheme>("light");
  const [open, setOpen] = useState(true);
  const [ready, setReady] = useState(false);
  const [width, setWidth] = useState(340);
  const frame = useRef<HTMLIFrameElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // The widget focuses its composer or launcher when opened or closed, which would pull the
  // focus into the frame when the toggles here open or close it: given back once it has.
  const giveFocusBack = useRef<HTMLElement | null>(null);
  const openFromHere = (next: boolean) => {
    if (next !== open && document.activeElement instanceof HTMLElement)
      giveFocusBack.current = document.activeElement;
    setOpen(next);
  };

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      // A sandboxed frame's origin is "null": recognise ours by its window instead.
      if (event.source !== frame.current?.contentWindow) return;
      const data = event.data as { type?: string; open?: unknown };
      if (data?.type === "porthole:preview-ready") setReady(true);
      // Opened or closed, from here or by a click inside the preview.
      if (data?.type === "porthole:preview-state" && typeof data.open === "boolean") {
        setOpen(data.open);
        const back = giveFocusBack.current;
        giveFocusBack.current = null;
        if (back && document.activeElement === frame.current) back.focus({ preventScroll: true });
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!ready) return;
    // The sandboxed frame has origin "null"; "*" is the only target that reaches it, and
    // the settings are not secret (the widget's config endpoint serves them publicly).
    frame.current?.contentWindow?.postMessage(
      previewMessage(settings, { screen, open, theme }),
      "*",
    );
  }, [ready, settings, screen, open, theme]);

  const size = frameSize(device, width);
  const drawn = { width: size.width * size.scale, height: size.height * size.scale };

  return (
    <div>
      <div className="mb-3 flex flex-wrap gap-2">
        <Toggle
          className="flex-auto"
          label="Preview device"
          value={device}
          onChange={setDevice}
          options={[
            ["desktop", "Desktop", <Laptop key="d" className="size-3.5" />],
            ["phone", "Phone", <Smartphone key="p" className="size-3.5" />],
          ]}
        />
        <Toggle
          className="flex-auto"
          label="Visitor's system theme"
          value={theme}
          onChange={setTheme}
          options={[
            ["light", "Light", <Sun key="l" className="size-3.5" />],
            ["dark", "Dark", <Moon key="d" className="size-3.5" />],
          ]}
        />
        <Toggle
          className="flex-auto"
          label="Chat panel"
          value={open ? "open" : "closed"}
          onChange={(v) => openFromHere(v === "open")}
          options={[
            ["open", "Open", <PanelBottomOpen key="o" className="size-3.5" />],
            ["closed", "Closed", <PanelBottomClose key="c" className="size-3.5" />],
          ]}
        />
        <Toggle
          className="flex-[100_1_auto]"
          label="Preview screen"
          value={screen}
          onChange={(v) => {
            setScreen(v);
            openFromHere(true);
          }}
          options={[
            ["chat", "Conversation"],
            ["prechat", "Pre-chat form"],
            ["offline", "Offline"],
          ]}
        />
      </div>
      <div ref={box} className="w-full">
        <div
          data-testid="preview-frame"
          data-device={device}
          data-theme={theme}
          className={cn(
            // The window or phone around the page looks like the visitor's system.
            "mx-auto overflow-hidden shadow-sm ring-1",
            theme === "dark" ? "bg-zinc-800 ring-zinc-700" : "bg-zinc-100 ring-zinc-300",
            device === "phone" ? "rounded-[28px] p-2" : "rounded-xl",
          )}
          style={{ width: drawn.width + (device === "phone" ? 16 : 0) }}
        >
          {device === "desktop" && (
            <div aria-hidden className="flex h-7 items-center gap-1.5 px-3">
              {[1, 2, 3].map((dot) => (
                <span
                  key={dot}
                  className={cn(
                    "size-2 rounded-full",
                    theme === "dark" ? "bg-zinc-600" : "bg-zinc-300",
                  )}
                />
              ))}
              <span
                className={cn(
                  "ml-2 h-4 flex-1 rounded text-center text-[10px] leading-4",
                  theme === "dark" ? "bg-zinc-900 text-zinc-500" : "bg-white text-zinc-400",
                )}
              >
                your-site.example
              </span>
            </div>
          )}
          <div
            className={cn("relative overflow-hidden", device === "phone" && "rounded-[20px]")}
            style={{ width: drawn.width, height: drawn.height }}
          >
            <iframe
              ref={frame}
              title="Widget preview"
              data-testid="widget-preview"
              sandbox="allow-scripts"
              src={frameUrl}
              className="absolute top-0 left-0 origin-top-left border-0 bg-white"
              style={{
                width: size.width,
                height: size.height,
                transform: `scale(${size.scale})`,
              }}
            />
          </div>
        </div>
      </div>
    </div>
  );
}

function Toggle<T extends string>({
  label,
  value,
  onChange,
  options,
  className,
}: {
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: ReadonlyArray<readonly [T, string, ReactNode?]>;
  className?: string;
}) {
  return (
    <fieldset
      aria-label={label}
      className={cn(
        "flex gap-0.5 rounded-lg bg-zinc-100 p-0.5 text-xs dark:bg-zinc-900",
        className,
      )}
    >
      {options.map(([option, text, icon]) => (
        <button
          key={option}
          type="button"
          aria-pressed={value === option}
          onClick={() => onChange(option)}
          className={cn(
            "flex flex-1 items-center justify-center gap-1 rounded-md px-2 py-1 font-medium whitespace-nowrap",
            value === option
              ? "bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-white"
              : "text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200",
          )}
        >
          {icon}
          {text}
        </button>
      ))}
    </fieldset>
  );
}
