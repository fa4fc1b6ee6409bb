//! Builds dist/loader.js as a minified classic script (IIFE), so host pages can include it
//! with a plain `<script async src>` and nothing leaks into their global scope.

import { defineConfig } from "vite";

export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: false,
    lib: {
      entry: "src/loader.ts",
      formats: ["iife"],
      name: "PortholeLoader",
      fileName: () => "loader.js",
    },
  },
});
