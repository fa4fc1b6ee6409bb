//! Vitest settings for the integration tests (`npm run test:integration`): the SDK against
//! the real `porthole` binary named by PORTHOLE_BIN, in Node, importing `@porthole/client`
//! as an app does (from src/ through the "@porthole/source" export condition).

import { defineConfig } from "vitest/config";

/** Vite's default conditions for code run in Node, plus the one that selects src/. */
const conditions = ["@porthole/source", "module", "node", "development|production"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["test/**/*.integration.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
