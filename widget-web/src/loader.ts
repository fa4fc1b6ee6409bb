//! The tiny script a host page includes: keeps the `window.Porthole(...)` command queue
//! working before the widget has loaded, then loads `widget.js` from beside itself and
//! hands the queue over.

interface Queue {
  (...args: unknown[]): void;
  q?: ArrayLike<unknown>[];
}

const host = window as unknown as { Porthole?: Queue };
const queue: Queue =
  host.Porthole ??
  ((...args: unknown[]) => {
    queue.q ??= [];
    queue.q.push(args);
  });
host.Porthole = queue;

const self = document.currentScript as HTMLScriptElement | null;
import(/* @vite-ignore */ new URL("widget.js", self?.src ?? location.href).href).then(
  (widget: { start(queued?: ArrayLike<unknown>[]): Queue }) => {
    host.Porthole = widget.start(queue.q);
  },
);
