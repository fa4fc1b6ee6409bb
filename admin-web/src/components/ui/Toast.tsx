//! Toasts (Radix Toast): `toast("Saved")` from anywhere, rendered by <Toaster/>.

import * as ToastPrimitive from "@radix-ui/react-toast";
import { CircleAlert, CircleCheck, X } from "lucide-react";
import { useSyncExternalStore } from "react";
import { cn } from "./cn";

interface ToastItem {
  id: number;
  title: string;
  description?: string;
  tone: "success" | "error" | "info";
}

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

export function toast(
  title: string,
  options: { description?: string; tone?: ToastItem["tone"] } = {},
): void {
  const id = nextId++;
  // Radix pauses its timer while the window is unfocused; never keep a toast for long.
  setTimeout(() => remove(id), 6000);
  items = [
    ...items,
    {
      id,
      title,
      tone: options.tone ?? "success",
      ...(options.description ? { description: options.description } : {}),
    },
  ].slice(-4);
  emit();
}

export function toastError(title: string, description?: string): void {
  toast(title, { tone: "error", ...(description ? { description } : {}) });
}

function remove(id: number) {
  items = items.filter((t) => t.id !== id);
  emit();
}

export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
  );
  return (
    <ToastPrimitive.Provider swipeDirection="right" duration={4000}>
      {list.map((t) => (
        <ToastPrimitive.Root
          key={t.id}
          onOpenChange={(open) => {
            if (!open) remove(t.id);
          }}
          className="flex items-start gap-3 rounded-lg bg-white p-3 pr-2 shadow-lg ring-1 ring-zinc-950/10 animate-pop-in data-[state=closed]:animate-fade-in dark:bg-zinc-900 dark:ring-white/10"
        >
          {t.tone === "error" ? (
            <CircleAlert className="mt-0.5 size-4 shrink-0 text-red-500" />
          ) : (
            <CircleCheck
              className={cn(
                "mt-0.5 size-4 shrink-0",
                t.tone === "success" ? "text-emerald-500" : "text-brand-500",
              )}
            />
          )}
          <div className="min-w-0 flex-1">
            <ToastPrimitive.Title className="text-sm font-medium">{t.title}</ToastPrimitive.Title>
            {t.description && (
              <ToastPrimitive.Description className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">
                {t.description}
              </ToastPrimitive.Description>
            )}
          </div>
          <ToastPrimitive.Close
            aria-label="Dismiss"
            className="rounded p-1 text-zinc-400 hover:text-zinc-700"
          >
            <X className="size-3.5" />
          </ToastPrimitive.Close>
        </ToastPrimitive.Root>
      ))}
      <ToastPrimitive.Viewport className="fixed right-0 bottom-0 z-[60] flex w-96 max-w-[100vw] flex-col gap-2 p-4 outline-none" />
    </ToastPrimitive.Provider>
  );
}
