//! Whether a CSS media query matches now, as React state that follows the window.

import { useCallback, useSyncExternalStore } from "react";

/**
 * The width from which the desktop navigation may show its labels (Tailwind's `xl`): below
 * it the inbox's three columns need the room more.
 */
export const WIDE_QUERY = "(min-width: 1280px)";

export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (listener: () => void) => {
      if (typeof window === "undefined" || !window.matchMedia) return () => {};
      const list = window.matchMedia(query);
      list.addEventListener("change", listener);
      return () => list.removeEventListener("change", listener);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => typeof window !== "undefined" && !!window.matchMedia && window.matchMedia(query).matches,
    () => false,
  );
}
