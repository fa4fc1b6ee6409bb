//! A short two-note chime made with Web Audio, so the widget ships no sound file.

let context: AudioContext | undefined;

/** Prepares audio on a user gesture (browsers refuse to start it otherwise). */
export function unlockAudio(): void {
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") void context.resume();
  } catch {
    // No Web Audio: the chime stays silent.
  }
}

/** Plays the chime if audio was unlocked. */
export function chime(): void {
  if (context?.state !== "running") return;
  const now = context.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.3);
    osc.connect(gain).connect(context.destination);
    osc.start(now + i * 0.12);
    osc.stop(now + i * 0.12 + 0.32);
  }
}
