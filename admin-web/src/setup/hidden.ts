//! Whether this browser hides the "Get started" guide for a workspace: the member dismissed
//! it, or saw every step done (so a step undone later — business hours turned off — does not
//! bring it back). Kept in localStorage per workspace; the account menu's "Get started"
//! still opens the page, which can show it again.

import { useSyncExternalStore } from "react";

const PREFIX = "porthole.setupHidden.";
const listeners = new Set<() => void>();
/** This page's choices when localStorage refuses (private mode). */
const memory = new Map<string, boolean>();

export function isSetupHidden(workspaceId: string): boolean {
  if (!workspaceId) return false;
  const kept = memory.get(workspaceId);
  if (kept !== undefined) return kept;
  try {
    return localStorage.getItem(PREFIX + workspaceId) === "1";
  } catch {
    return false;
  }
}

export function setSetupHidden(workspaceId: string, hidden: boolean): void {
  if (!workspaceId || isSetupHidden(workspaceId) === hidden) return;
  memory.set(workspaceId, hidden);
  try {
    if (hidden) localStorage.setItem(PREFIX + workspaceId, "1");
    else localStorage.removeItem(PREFIX + workspaceId);
  } catch {
    // Private mode: `memory` keeps it for this page.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab's choice.
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith(PREFIX)) {
      memory.clear();
      listener();
    }
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useSetupHidden(workspaceId: string): boolean {
  return useSyncExternalStore(subscribe, () => isSetupHidden(workspaceId));
}
