//! Where a visitor is, as the dashboard shows it: "City, Country" from the server's
//! `countryCode` (ISO 3166-1 alpha-2) and English `city`, the country named by the
//! browser's own table (`Intl.DisplayNames`), so the server sends codes, not names. No flag
//! emoji: Windows has none and draws the two letters, other systems without an emoji font
//! draw empty boxes.

/** What of a visitor the location is made of (a `VisitorProfile` has both). */
export interface Place {
  countryCode: string;
  city: string;
}

/** English names of regions; `undefined` where the runtime has no such table. */
const regionNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
  } catch {
    return undefined;
  }
})();

/** The country's English name ("Germany"); the code itself when it names none. */
export function countryName(code: string): string {
  const upper = code.toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) return code;
  try {
    return regionNames?.of(upper) ?? upper;
  } catch {
    return upper;
  }
}

/**
 * "Berlin, Germany", or "Japan" when only the country is known; "" when nothing is (the
 * server has no location database, or the address is private or unknown), so callers show
 * no location at all.
 */
export function locationLabel(place: Place): string {
  if (!place.countryCode) return "";
  const country = countryName(place.countryCode);
  return place.city ? `${place.city}, ${country}` : country;
}
