/// <reference types="vitest/config" />
//! Builds the agent dashboard into dist/, served by the Porthole server under /app/.
//! In development (`npm run dev -w admin-web`) gRPC calls, attachments and the widget's
//! files are proxied to a local server. Files in public/ (the widget preview's frame page)
//! are copied to dist/ as they are. The service worker (src/sw/) is built after this, on its
//! own, by vite.sw.config.ts into dist/sw.js; the dev server has none, so push can only be
//! turned on in the built dashboard.
//! Unit tests (`npm test`) run here too, in happy-dom; end-to-end tests have their own
//! config in e2e/.

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defaultServerConditions, defineConfig } from "vite";

/** @porthole/client as TypeScript source (its exports map's "@porthole/source"), not its build. */
const sdkSource = "@porthole/source";

export default defineConfig({
  base: "/app/",
  plugins: [react(), tailwindcss()],
  resolve: { conditions: [sdkSource, ...defaultClientConditions] },
  // The unit tests (vitest) resolve through this one.
  ssr: { resolve: { conditions: [sdkSource, ...defaultServerConditions] } },
  server: {
    proxy: {
      // Every Porthole RPC path starts with its package: /porthole.v1.AuthService/LogIn.
      "^/porthole\\.v1\\.": "http://127.0.0.1:8080",
      "/attachments": "http://127.0.0.1:8080",
      "/docs/": "http://127.0.0.1:8080",
      // The widget preview's frame (public/widget-preview.html) loads the real widget.js.
      "/widget/": "http://127.0.0.1:8080",
    },
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "happy-dom",
  },
});
