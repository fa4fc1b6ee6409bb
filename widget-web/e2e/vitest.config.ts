//! Vitest settings for the widget's end-to-end tests: real server binary, real Chromium.

import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/** @porthole/client as TypeScript source (its exports map's "@porthole/source"), not its build. */
const sdkSource = "@porthole/source";

export default defineConfig({
  resolve: { conditions: [sdkSource, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [sdkSource, ...defaultServerConditions] } },
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
