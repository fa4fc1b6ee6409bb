//! The tiny script the embed snippet includes (`<script src=".../widget/{token}/loader.js"
//! async>`). It installs `window.Porthole` as a command queue so calls made before the
//! widget has loaded still work, boots with the token from its own URL (unless the tag has
//! `data-manual-boot` or a `boot` is queued), and loads the chat app once the host page
//! has finished loading, so it never competes with the page.

interface Queue {
  (...args: unknown[]): void;
  q?: unknown[][];
}

const host = window as unknown as { Porthole?: Queue };
const queue: Queue =
  host.Porthole ??
  ((...args: unknown[]) => {
    queue.q ??= [];
    queue.q.push(args);
  });
host.Porthole = queue;

const script = document.currentScript as HTMLScriptElement | null;
const src = script?.src ?? location.href;
const token = /\/widget\/([^/]+)\/loader\.js/.exec(new URL(src).pathname)?.[1];
queue.q ??= [];
const queued = queue.q;
if (
  token &&
  !script?.hasAttribute("data-manual-boot") &&
  !queued.some((call) => call[0] === "boot")
) {
  queued.unshift(["boot", { widgetToken: decodeURIComponent(token) }]);
}

const load = () =>
  import(/* @vite-ignore */ new URL("../assets/widget.js", src).href).then(
    (widget: { start(queued?: unknown[][]): Queue }) => {
      host.Porthole = widget.start(queue.q);
    },
  );
if (document.readyState === "complete") setTimeout(load);
else addEventListener("load", () => setTimeout(load));
