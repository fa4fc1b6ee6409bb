//! Builds the service worker (`src/sw/sw.ts`) into `dist/sw.js`, after the dashboard's own
//! build (`npm run build`): one classic script with everything inlined, at the dashboard's
//! root so its scope is `/app/`, under a fixed name (browsers find it by its URL).

import { defineConfig } from "vite";

export default defineConfig({
  publicDir: false,
  build: {
    outDir: "dist",
    // The dashboard was just built into dist/.
    emptyOutDir: false,
    lib: {
      entry: "src/sw/sw.ts",
      formats: ["iife"],
      name: "portholeServiceWorker",
      fileName: () => "sw.js",
    },
  },
});
