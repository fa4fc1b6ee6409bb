//! Per-browser preferences (theme, sound, desktop notifications, the navigation's width),
//! kept in localStorage.

import { useSyncExternalStore } from "react";

export interface Prefs {
  theme: "system" | "light" | "dark";
  /**
   * Sound and desktop notifications in this browser: on top of the member's notification
   * settings (per event, on the server), these can only silence this browser; they alone
   * decide when those settings could not be loaded.
   */
  sound: boolean;
  desktop: boolean;
  /** Whether the inbox may still offer to turn on desktop notifications. */
  offerNotifications: boolean;
  /** The desktop navigation shows icons only (labels in tooltips) instead of icons and labels. */
  navCollapsed: boolean;
}

const KEY = "porthole.prefs";
const defaults: Prefs = {
  theme: "system",
  sound: true,
  desktop: true,
  offerNotifications: true,
  navCollapsed: false,
};
const listeners = new Set<() => void>();

function load(): Prefs {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? { ...defaults, ...(JSON.parse(raw) as Partial<Prefs>) } : defaults;
  } catch {
    return defaults;
  }
}

let current: Prefs = typeof localStorage !== "undefined" ? load() : defaults;

export function getPrefs(): Prefs {
  return current;
}

export function setPrefs(change: Partial<Prefs>): void {
  current = { ...current, ...change };
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Private mode: keep the choice for this page only.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function usePrefs(): Prefs {
  return useSyncExternalStore(subscribe, getPrefs);
}

const darkQuery =
  typeof window !== "undefined" ? window.matchMedia("(prefers-color-scheme: dark)") : undefined;

/** Puts the `dark` class on <html> from the theme choice and the system setting. */
export function applyTheme(): void {
  const { theme } = current;
  const dark = theme === "dark" || (theme === "system" && (darkQuery?.matches ?? false));
  document.documentElement.classList.toggle("dark", dark);
}

if (typeof window !== "undefined") {
  subscribe(applyTheme);
  darkQuery?.addEventListener("change", applyTheme);
}
