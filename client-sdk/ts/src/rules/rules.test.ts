/// <reference types="node" />
//! The module's invariant: the rules import nothing but each other, so they stay free of
//! dependencies and the widget bundles only what it calls.

import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";

it("rules/ imports nothing but its own files", () => {
  const dir = new URL(".", import.meta.url);
  const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  expect(sources).toContain("index.ts");
  for (const file of sources) {
    const text = readFileSync(new URL(file, dir), "utf8");
    const specifiers = [...text.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map(
      (m) => m[1],
    );
    for (const specifier of specifiers) {
      expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[\w-]+\.js$/);
    }
  }
});
