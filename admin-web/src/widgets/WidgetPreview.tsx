//! The live preview of the real widget: `widget.js` from this server runs in a sandboxed
//! frame (its own origin, `null`, so it cannot touch the dashboard) in preview mode, which
//! shows the settings without talking to the server. Settings travel by `postMessage`; the
//! frame accepts them only from the dashboard's origin, and the dashboard only listens to
//! its own frame.

import type { WidgetSettings } from "@porthole/client";
import { useEffect, useMemo, useRef, useState } from "react";
import { cn } from "../components/ui/cn";

type Screen = "chat" | "prechat" | "offline";

/** The frame's page: loads the widget, boots it in preview mode, applies later settings. */
function frameDocument(origin: string): string {
  const src = JSON.stringify(`${origin}/widget/assets/widget.js`);
  const parent = JSON.stringify(origin);
  return `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;height:100%;background:transparent}</style></head><body>
<script type="module">
const parentOrigin = ${parent};
const { start } = await import(${src});
const porthole = start([]);
let booted = false;
addEventListener("message", (event) => {
  if (event.origin !== parentOrigin || event.source !== parent || event.data?.type !== "porthole:preview") return;
  const preview = { config: event.data.config, screen: event.data.screen };
  if (booted) porthole("preview", preview);
  else porthole("boot", { widgetToken: "preview", preview, locale: "en" });
  booted = true;
});
parent.postMessage({ type: "porthole:preview-ready" }, parentOrigin);
</script></body></html>`;
}

export function WidgetPreview({ settings }: { settings: WidgetSettings }) {
  const [screen, setScreen] = useState<Screen>("chat");
  const [ready, setReady] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const srcDoc = useMemo(() => frameDocument(window.location.origin), []);

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
        srcDoc={srcDoc}
        className="h-[640px] w-full rounded-xl bg-[linear-gradient(135deg,#f4f4f5_25%,transparent_25%,transparent_50%,#f4f4f5_50%,#f4f4f5_75%,transparent_75%)] bg-[length:24px_24px] ring-1 ring-zinc-200 dark:bg-[linear-gradient(135deg,#18181b_25%,transparent_25%,transparent_50%,#18181b_50%,#18181b_75%,transparent_75%)] dark:ring-zinc-800"
      />
    </div>
  );
}
