//! The live preview of the real widget: `widget.js` from this server runs in a sandboxed
//! frame (its own origin, `null`, so it cannot touch the dashboard) in preview mode, which
//! shows the settings without talking to the server. The frame's page is a static file,
//! `public/widget-preview.html` with its script beside it, so that it runs under the
//! server's Content-Security-Policy (no inline script). Settings travel by `postMessage`;
//! the frame accepts them only from the dashboard's origin, and the dashboard only listens
//! to its own frame.

import type { WidgetSettings } from "@porthole/client";
import { useEffect, useRef, useState } from "react";
import { cn } from "../components/ui/cn";

type Screen = "chat" | "prechat" | "offline";

/** The frame's page, under the dashboard's base path (`/app/`). */
const frameUrl = `${import.meta.env.BASE_URL}widget-preview.html`;

export function WidgetPreview({ settings }: { settings: WidgetSettings }) {
  const [screen, setScreen] = useState<Screen>("chat");
  const [ready, setReady] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      // A sandboxed frame's origin is "null": recognise ours by its window instead.
      if (event.source !== frame.current?.contentWindow) return;
      if ((event.data as { type?: string })?.type === "porthole:preview-ready") setReady(true);
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  useEffect(() => {
    if (!ready) return;
    // Plain data only: the frame gets a structured clone.
    const config = JSON.parse(
      JSON.stringify({
        appearance: settings.appearance,
        texts: settings.texts,
        behavior: settings.behavior,
        online: true,
      }),
    );
    // The sandboxed frame has origin "null"; "*" is the only target that reaches it, and
    // the settings are not secret (the widget's config endpoint serves them publicly).
    frame.current?.contentWindow?.postMessage({ type: "porthole:preview", config, screen }, "*");
  }, [ready, settings, screen]);

  return (
    <div>
      <fieldset
        aria-label="Preview state"
        className="mb-3 flex gap-1 rounded-lg bg-zinc-100 p-0.5 text-xs dark:bg-zinc-900"
      >
        {(
          [
            ["chat", "Conversation"],
            ["prechat", "Pre-chat form"],
            ["offline", "Offline"],
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            aria-pressed={screen === value}
            onClick={() => setScreen(value)}
            className={cn(
              "flex-1 rounded-md px-2 py-1 font-medium",
              screen === value ? "bg-white shadow-sm dark:bg-zinc-700" : "text-zinc-500",
            )}
          >
            {label}
          </button>
        ))}
      </fieldset>
      <iframe
        ref={frame}
        title="Widget preview"
        data-testid="widget-preview"
        sandbox="allow-scripts"
        src={frameUrl}
        className="h-[640px] w-full rounded-xl bg-[linear-gradient(135deg,#f4f4f5_25%,transparent_25%,transparent_50%,#f4f4f5_50%,#f4f4f5_75%,transparent_75%)] bg-[length:24px_24px] ring-1 ring-zinc-200 dark:bg-[linear-gradient(135deg,#18181b_25%,transparent_25%,transparent_50%,#18181b_50%,#18181b_75%,transparent_75%)] dark:ring-zinc-800"
      />
    </div>
  );
}
