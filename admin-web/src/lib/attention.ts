//! Getting an agent's attention: a short chime, desktop notifications (asked for from a
//! button, never on load) and the unread count in the tab title. Whether an event deserves
//! them is the caller's decision (`inbox/FeedProvider.tsx`, by the member's notification
//! settings and this browser's switches).

let audio: AudioContext | undefined;
let lastChime = 0;

// Browsers only start audio after a user gesture: unlock it on the first one, so a chime
// for a chat arriving later can play.
if (typeof window !== "undefined" && typeof AudioContext !== "undefined") {
  const unlock = () => {
    try {
      audio ??= new AudioContext();
      void audio.resume();
    } catch {
      // No audio device.
    }
    window.removeEventListener("pointerdown", unlock);
    window.removeEventListener("keydown", unlock);
  };
  window.addEventListener("pointerdown", unlock);
  window.addEventListener("keydown", unlock);
}

/** A soft two-note chime made with Web Audio (no sound file to ship). */
export function playChime(): void {
  // One chime for a burst (a new conversation and its first message arrive together).
  if (Date.now() - lastChime < 1500) return;
  lastChime = Date.now();
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    if (ctx.state === "suspended") void ctx.resume();
    const start = ctx.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      const t = start + i * 0.12;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.12, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.4);
    }
  } catch {
    // No audio (autoplay policy before any interaction, or no device): stay quiet.
  }
}

export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

export function notificationPermission(): NotificationPermission | "unsupported" {
  return notificationsSupported() ? Notification.permission : "unsupported";
}

export async function requestNotifications(): Promise<NotificationPermission | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  return Notification.requestPermission();
}

/**
 * Shows a desktop notification when the browser allows them; clicking it focuses the tab
 * and calls `onClick`.
 */
export function notify(title: string, body: string, tag: string, onClick: () => void): void {
  if (notificationPermission() !== "granted") return;
  try {
    const n = new Notification(title, {
      body,
      tag,
      icon: `${import.meta.env.BASE_URL}favicon.svg`,
    });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker.
  }
}

/** `(3) Inbox · Porthole` */
export function titleWith(unread: number, base: string): string {
  return unread > 0 ? `(${unread}) ${base}` : base;
}
