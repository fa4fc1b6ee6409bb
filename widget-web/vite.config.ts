//! Builds dist/widget.js: one ES module with everything the widget needs. The loader is
//! built separately (vite.loader.config.ts) because it must be a classic script.

import { defaultClientConditions, defaultServerConditions, defineConfig, type Plugin } from "vite";

/** @porthole/client as TypeScript source (its exports map's "@porthole/source"), not its build. */
const sdkSource = "@porthole/source";

/** Invariant: the widget bundle never contains the agent-side generated services. */
function forbidAgentServices(): Plugin {
  const agentOnly = /[\\/](auth|conversation|widget|workspace)_pb\.ts$/;
  return {
    name: "porthole:forbid-agent-services",
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== "chunk") continue;
        if (!output.isEntry) {
          this.error(`unexpected extra chunk ${output.fileName}: widget.js must stay one file`);
        }
        const leaked = output.moduleIds.filter((id) => agentOnly.test(id));
        if (leaked.length > 0) {
          this.error(`${output.fileName} includes agent-side code: ${leaked.join(", ")}`);
        }
      }
    },
  };
}

export default defineConfig({
  plugins: [forbidAgentServices()],
  resolve: { conditions: [sdkSource, ...defaultClientConditions] },
  // The unit tests (vitest) resolve through this one.
  ssr: { resolve: { conditions: [sdkSource, ...defaultServerConditions] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: false,
    rolldownOptions: {
      input: { widget: "src/widget.ts" },
      // Keep widget.js's exports (Vite's app builds drop entry exports by default).
      preserveEntrySignatures: "strict",
      output: { format: "es", entryFileNames: "[name].js" },
    },
  },
});
