//! A visitor change merges into the profile held: set fields replace, unset ones stay.

import { create, isFieldSet, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  type VisitorChange,
  VisitorChangeSchema,
  type VisitorProfile,
  VisitorProfileSchema,
} from "@porthole/client";
import { describe, expect, test } from "vitest";
import { applyVisitorChange, isActivity } from "./change";

const held: VisitorProfile = create(VisitorProfileSchema, {
  id: "vis_1",
  name: "Ada",
  email: "ada@example.test",
  verified: false,
  externalId: "",
  attributes: { plan: "free", team: "ops" },
  currentUrl: "https://shop.test/",
  currentTitle: "Home",
  referrer: "https://search.test/",
  browser: "Firefox 140",
  os: "Linux",
  language: "en",
  timeZone: "Europe/Paris",
  ipAddress: "192.0.2.1",
  online: true,
  firstSeenTime: timestampFromMs(1_000),
  lastSeenTime: timestampFromMs(2_000),
  widgetId: "wgt_1",
  pageViews: 3n,
  visitStartTime: timestampFromMs(1_500),
  countryCode: "FR",
  city: "Paris",
});

function change(init: MessageInitShape<typeof VisitorChangeSchema>): VisitorChange {
  return create(VisitorChangeSchema, { id: "vis_1", ...init });
}

/** Every field of VisitorChange set, each to a value the held profile does not have. */
const everything = change({
  name: "Ada Lovelace",
  email: "ada@lovelace.test",
  verified: true,
  externalId: "user-42",
  attributes: { values: { plan: "pro" } },
  currentUrl: "https://shop.test/pricing",
  currentTitle: "Pricing",
  referrer: "https://news.test/",
  browser: "Chrome 140",
  os: "macOS",
  language: "fr",
  timeZone: "America/Montreal",
  ipAddress: "198.51.100.7",
  online: false,
  lastSeenTime: timestampFromMs(9_000),
  pageViews: 4n,
  visitStartTime: timestampFromMs(8_000),
  countryCode: "DE",
  city: "Berlin",
});

describe("applyVisitorChange", () => {
  test("the test change sets every field the proto has (a new field needs merging too)", () => {
    const unset = VisitorChangeSchema.fields.filter((f) => !isFieldSet(everything, f));
    expect(unset.map((f) => f.name)).toEqual([]);
  });

  test("every set field replaces the held value", () => {
    const merged = applyVisitorChange(held, everything);
    expect(merged).toEqual({
      ...held,
      name: "Ada Lovelace",
      email: "ada@lovelace.test",
      verified: true,
      externalId: "user-42",
      attributes: { plan: "pro" },
      currentUrl: "https://shop.test/pricing",
      currentTitle: "Pricing",
      referrer: "https://news.test/",
      browser: "Chrome 140",
      os: "macOS",
      language: "fr",
      timeZone: "America/Montreal",
      ipAddress: "198.51.100.7",
      online: false,
      lastSeenTime: timestampFromMs(9_000),
      pageViews: 4n,
      visitStartTime: timestampFromMs(8_000),
      countryCode: "DE",
      city: "Berlin",
    });
    // What a change never carries stays.
    expect(merged.firstSeenTime).toEqual(held.firstSeenTime);
    expect(merged.widgetId).toBe("wgt_1");
    expect(merged.$typeName).toBe("porthole.v1.VisitorProfile");
  });

  test("unset fields are left alone; the held profile is not modified", () => {
    const before = structuredClone(held);
    const merged = applyVisitorChange(held, change({ currentUrl: "https://shop.test/cart" }));
    expect(merged).toEqual({ ...held, currentUrl: "https://shop.test/cart" });
    expect(held).toEqual(before);
  });

  test("set to the zero value is still a change", () => {
    const merged = applyVisitorChange(
      held,
      change({
        name: "",
        online: false,
        pageViews: 0n,
        currentTitle: "",
        countryCode: "",
        city: "",
      }),
    );
    expect([merged.name, merged.online, merged.pageViews, merged.currentTitle]).toEqual([
      "",
      false,
      0n,
      "",
    ]);
    // A visitor whose new address has no known place loses the old one.
    expect([merged.countryCode, merged.city]).toEqual(["", ""]);
    expect(merged.email).toBe("ada@example.test");
  });

  test("attributes are replaced as a whole; an empty set clears them; none keeps them", () => {
    const replaced = applyVisitorChange(held, change({ attributes: { values: { plan: "pro" } } }));
    expect(replaced.attributes).toEqual({ plan: "pro" });
    const cleared = applyVisitorChange(held, change({ attributes: { values: {} } }));
    expect(cleared.attributes).toEqual({});
    expect(applyVisitorChange(held, change({ name: "Bo" })).attributes).toEqual({
      plan: "free",
      team: "ops",
    });
  });

  test("timestamps replace when set and stay when not", () => {
    const seen = applyVisitorChange(held, change({ lastSeenTime: timestampFromMs(5_000) }));
    expect(seen.lastSeenTime).toEqual(timestampFromMs(5_000));
    expect(seen.visitStartTime).toEqual(timestampFromMs(1_500));
    const newVisit = applyVisitorChange(held, change({ visitStartTime: timestampFromMs(7_000) }));
    expect(newVisit.visitStartTime).toEqual(timestampFromMs(7_000));
    expect(newVisit.lastSeenTime).toEqual(timestampFromMs(2_000));
  });
});

describe("isActivity", () => {
  test("coming, leaving, a page or being seen is activity; a profile edit is not", () => {
    expect(isActivity(change({ online: true }))).toBe(true);
    expect(isActivity(change({ online: false }))).toBe(true);
    expect(isActivity(change({ currentUrl: "https://shop.test/a" }))).toBe(true);
    expect(isActivity(change({ currentTitle: "A" }))).toBe(true);
    expect(isActivity(change({ lastSeenTime: timestampFromMs(1) }))).toBe(true);
    expect(isActivity(change({ name: "Bo", attributes: { values: {} } }))).toBe(false);
  });
});
