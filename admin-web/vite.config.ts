//! Builds the agent dashboard into dist/, served by the Porthole server under /app/.
//! In development (`npm run dev -w admin-web`) gRPC calls are proxied to a local server.

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/app/",
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      // Every Porthole RPC path starts with its package: /porthole.v1.AuthService/LogIn.
      "^/porthole\\.v1\\.": "http://127.0.0.1:8080",
    },
  },
});
