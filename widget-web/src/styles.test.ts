//! The stylesheet's palettes: every text colour reads on every surface it is shown on, in
//! light and dark (WCAG 2 AA for normal text, 4.5:1), and both palettes set the same
//! properties, so no dark surface keeps a light colour by omission.

import { describe, expect, it } from "vitest";
import { css, dark, light, type Palette, textOn } from "./styles.js";

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe("palettes", () => {
  it("computes contrast as WCAG does", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21);
    expect(contrast("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
  });

  for (const [name, palette] of [
    ["light", light],
    ["dark", dark],
  ] as [string, Palette][]) {
    it(`${name}: every text colour has at least 4.5:1 on its surfaces`, () => {
      const failures: string[] = [];
      for (const [text, surfaces] of textOn) {
        for (const surface of surfaces) {
          const ratio = contrast(palette[text], palette[surface]);
          if (ratio < 4.5) failures.push(`${text} on ${surface}: ${ratio.toFixed(2)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it("dark is darker than light, and both set every property in the stylesheet", () => {
    expect(luminance(dark.bg)).toBeLessThan(luminance(light.bg));
    expect(luminance(dark.fg)).toBeGreaterThan(luminance(light.fg));
    expect(Object.keys(dark)).toEqual(Object.keys(light));
    for (const name of Object.keys(light)) {
      expect(css).toContain(`--${name}:${light[name as keyof Palette]}`);
      expect(css).toContain(`--${name}:${dark[name as keyof Palette]}`);
    }
  });

  it("never draws focus in red: a ring in the primary colour, only on :focus-visible", () => {
    expect(css).toContain(":focus{outline:none}");
    expect(css).toContain(":focus-visible{outline:2px solid var(--p)");
    expect(css).not.toMatch(/focus[^{]*\{[^}]*(--err|#c2272d|red)/);
  });
});
