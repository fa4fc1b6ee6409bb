//! The visitor's location line: "City, Country", the country alone, or nothing.

import { describe, expect, test } from "vitest";
import { countryName, locationLabel } from "./location";

describe("locationLabel", () => {
  test("a city and its country", () => {
    expect(locationLabel({ countryCode: "DE", city: "Berlin" })).toBe("Berlin, Germany");
    expect(locationLabel({ countryCode: "FR", city: "Paris" })).toBe("Paris, France");
  });

  test("only the country when the city is unknown", () => {
    expect(locationLabel({ countryCode: "JP", city: "" })).toBe("Japan");
  });

  test("nothing without a country, even with a city", () => {
    expect(locationLabel({ countryCode: "", city: "" })).toBe("");
    expect(locationLabel({ countryCode: "", city: "Berlin" })).toBe("");
  });
});

describe("countryName", () => {
  test("names countries from their codes, in any case", () => {
    expect(countryName("gb")).toBe("United Kingdom");
    expect(countryName("US")).toBe("United States");
  });

  test("a code it cannot name is shown as given", () => {
    expect(countryName("XX")).toBe("XX");
    expect(countryName("EUR")).toBe("EUR");
  });
});
