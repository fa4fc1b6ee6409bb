//! The time zones a workspace may count its report days in: every IANA name this browser
//! knows (`Intl.supportedValuesOf`), UTC first, each with its offset now ("Europe/Berlin
//! (UTC+2)"), plus any name given that the browser does not list (the stored one).

import { utcOffset } from "./format";

export interface TimeZoneChoice {
  name: string;
  label: string;
}

let known: string[] | undefined;
/** Labels made once per page: offsets change twice a year, not while a form is open. */
const labels = new Map<string, string>();

function knownZones(): string[] {
  if (!known) {
    let names: string[] = [];
    try {
      names = Intl.supportedValuesOf("timeZone");
    } catch {
      // A browser without the list still offers UTC and what is stored.
    }
    known = names;
  }
  return known;
}

/** UTC, then the browser's zones by name, then `extra` names it lacks. */
export function timeZoneChoices(...extra: string[]): TimeZoneChoice[] {
  const now = new Date();
  const names = ["UTC", ...knownZones().filter((z) => z !== "UTC")];
  for (const name of extra) if (name && !names.includes(name)) names.push(name);
  return names.map((name) => {
    let label = labels.get(name);
    if (label === undefined) {
      const offset = name === "UTC" ? "" : utcOffset(name, now);
      label = offset ? `${name.replaceAll("_", " ")} (${offset})` : name;
      labels.set(name, label);
    }
    return { name, label };
  });
}
