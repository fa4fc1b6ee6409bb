//! `npm run pack:check`: the package as npm users get it. Packs it (`prepack` builds
//! dist/), checks the tarball's file list, installs it into a temporary project outside the
//! workspace, imports every entry point in Node (ESM) and type-checks a small consumer
//! and the README's examples against the packed declarations, with the strictest settings
//! users have: Node's own resolution with and without DOM types, and a bundler's.
//!
//! Exit codes: 0 fine, 1 a check failed.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const sdkDir = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
/** The @types/node the repository pins, for the Node-only type check. */
const typesNode = createRequire(join(sdkDir, "package.json"))("@types/node/package.json").version;

/** npm run sets npm_* variables (e.g. the workspace it ran in) that must not reach the inner npm. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !key.startsWith("npm_") || ["npm_config_cache", "npm_config_registry"].includes(key),
  ),
);

const started = Date.now();
const step = (what) =>
  console.log(`pack:check: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(" ")}\` failed in ${cwd}:\n` +
        (result.error?.message ?? `${result.stdout}\n${result.stderr}`),
    );
  }
  return result.stdout;
}

/** The JSON npm printed after any lifecycle scripts' output. */
function jsonOf(output) {
  return output.slice(output.search(/^\[/m));
}

function fail(message) {
  console.error(`pack:check: ${message}`);
  process.exitCode = 1;
}

const work = mkdtempSync(join(tmpdir(), "porthole-pack-"));
try {
  // 1. Pack (prepack builds dist/).
  const [packed] = JSON.parse(
    jsonOf(run("npm", ["pack", "--json", "--pack-destination", work], sdkDir)),
  );
  const files = packed.files.map((f) => f.path).sort();
  step(`packed ${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB`);
  const required = ["package.json", "README.md", "LICENSE"];
  for (const entry of ["index", "visitor", "lean", "rules/index"]) {
    required.push(`dist/${entry}.js`, `dist/${entry}.d.ts`, `dist/${entry}.js.map`);
  }
  for (const file of required) {
    if (!files.includes(file)) fail(`the tarball lacks ${file}`);
  }
  const unwanted = files.filter((f) =>
    /\.test\.|^test\/|^scripts\/|tsconfig|vitest|preview-vectors/.test(f),
  );
  if (unwanted.length > 0)
    fail(`the tarball holds files users do not need: ${unwanted.join(", ")}`);

  // 2. Install it into a project of its own, as a user would.
  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "porthole-pack-check", private: true, type: "module" }, null, 2),
  );
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--no-package-lock",
      join(work, packed.filename),
      `@types/node@${typesNode}`,
    ],
    app,
  );
  step("installed the tarball into a fresh project");

  // 3. Every entry point loads in Node's ESM loader and has what the README promises;
  // dist/ is not reachable past the exports map.
  writeFileSync(
    join(app, "imports.mjs"),
    `const expected = {
  "@porthole/client": ["AuthService", "ConversationService", "VisitorService", "createClient",
    "createPortholeTransport", "createWorkspaceFeed", "createVisitorFeed", "ResumableFeed",
    "ConnectError", "Code", "fieldViolations", "isPermanentFeedError"],
  "@porthole/client/visitor": ["VisitorService", "createClient", "createPortholeTransport",
    "createVisitorFeed", "ResumableFeed"],
  "@porthole/client/lean": ["VisitorServiceDefinition", "createLeanClient", "RpcError", "GrpcCode"],
  "@porthole/client/rules": ["ResumableFeed", "linkify", "previewText", "throttleOf",
    "reconnectDelay", "mergeMessages", "attachmentProblem"],
};
for (const [entry, names] of Object.entries(expected)) {
  const module = await import(entry);
  for (const name of names) {
    if (module[name] === undefined) throw new Error(entry + " does not export " + name);
  }
}
const visitor = await import("@porthole/client/visitor");
if ("ConversationService" in visitor) throw new Error("the visitor entry carries agent services");
const { previewText } = await import("@porthole/client/rules");
if (previewText("  hello\\nworld", 0) !== "hello") throw new Error("previewText misbehaves");
const { createPortholeTransport, createClient, ConversationService, createWorkspaceFeed } =
  await import("@porthole/client");
const feed = createWorkspaceFeed(
  createClient(ConversationService, createPortholeTransport("http://127.0.0.1:9")),
  { onEvent() {} },
);
if (feed.currentStatus !== "stopped") throw new Error("a new feed should be stopped");
try {
  await import("@porthole/client/dist/index.js");
  throw new Error("dist/ is importable past the exports map");
} catch (error) {
  if (error.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
}
console.log("imported " + Object.keys(expected).join(", "));
`,
  );
  process.stdout.write(`pack:check: ${run("node", ["imports.mjs"], app)}`);
  step("imported every entry point in Node");

  // 4. A consumer type-checks against the packed declarations (and their dependencies').
  writeFileSync(
    join(app, "consumer.ts"),
    `import {
  AuthService,
  ConnectError,
  ConversationService,
  createClient,
  createPortholeTransport,
  createWorkspaceFeed,
  type FeedStatus,
  fieldViolationMap,
  type WatchWorkspaceResponse,
} from "@porthole/client";
import {
  GrpcCode,
  RpcError,
  VisitorServiceDefinition,
  type WidgetConfig,
  createLeanClient,
} from "@porthole/client/lean";
import { type Throttle, linkify, previewText, throttleOf } from "@porthole/client/rules";
import { VisitorService, createVisitorFeed } from "@porthole/client/visitor";
// @ts-expect-error: the visitor entry carries no agent-side services.
import { ConversationService as NotHere } from "@porthole/client/visitor";

export async function agent(baseUrl: string, email: string, password: string): Promise<void> {
  let token: string | undefined;
  const transport = createPortholeTransport(baseUrl, { getToken: () => token });
  try {
    const { session } = await createClient(AuthService, transport).logIn({ email, password });
    token = session?.accessToken;
  } catch (error) {
    const byField: Record<string, string> = fieldViolationMap(error);
    const throttle: Throttle = throttleOf(error);
    throw new Error(String(ConnectError.from(error).code) + JSON.stringify({ byField, throttle }));
  }
  const statuses: FeedStatus[] = [];
  const feed = createWorkspaceFeed(createClient(ConversationService, transport), {
    resumeFrom: "",
    onEvent: (item: WatchWorkspaceResponse) => {
      if (item.event.case === "messageCreated") {
        const body: string = item.event.value.body;
        console.log(previewText(body, item.event.value.attachments.length), linkify(body).length);
      }
    },
    onStatus: (status) => statuses.push(status),
    shouldRetry: async (error) => error.code !== 16,
  });
  feed.start();
  feed.stop();
}

export function visitor(baseUrl: string, visitorToken: string): void {
  const client = createClient(
    VisitorService,
    createPortholeTransport(baseUrl, { getToken: () => visitorToken }),
  );
  createVisitorFeed(client, { onEvent: (item) => console.log(item.cursor) }).start();
}

export async function lean(baseUrl: string): Promise<WidgetConfig | undefined> {
  const client = createLeanClient(VisitorServiceDefinition, { baseUrl });
  try {
    return (await client.getWidgetConfig({ widgetToken: "wgt" })).config;
  } catch (error) {
    if (error instanceof RpcError && error.code === GrpcCode.NotFound) return undefined;
    throw error;
  }
}

export const unused = NotHere;
`,
  );
  // The README's TypeScript examples, each a module of its own, against the same types.
  const readme = readFileSync(join(app, "node_modules/@porthole/client/README.md"), "utf8");
  const examples = [...readme.matchAll(/^```ts\n(.*?)^```/gms)].map((m, i) => {
    const file = `readme-${i + 1}.ts`;
    // What an example leaves to the reader (e.g. the visitor's takes the agent's baseUrl).
    const given = ["email", "password", "baseUrl"]
      .filter((name) => !new RegExp(`\\b(?:const|let) ${name}\\b`).test(m[1]))
      .map((name) => `declare const ${name}: string;\n`)
      .join("");
    writeFileSync(join(app, file), `${given}${m[1]}export {};\n`);
    return file;
  });
  if (examples.length === 0) fail("found no TypeScript examples in the README");

  const base = {
    strict: true,
    target: "ES2022",
    noEmit: true,
    skipLibCheck: false,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    types: [],
  };
  // Connect's own declarations name DOM's HeadersInit, so a Node-only project needs
  // skipLibCheck (as `tsc --init` sets it); the DOM configurations check every declaration.
  const configs = {
    "node, DOM types": { module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"] },
    "node, Node types only": {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022"],
      types: ["node"],
      skipLibCheck: true,
    },
    bundler: { module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"] },
  };
  const checks = Object.entries(configs).map(([name, options]) => {
    const file = `tsconfig.${name.replace(/\W+/g, "-")}.json`;
    writeFileSync(
      join(app, file),
      JSON.stringify(
        { compilerOptions: { ...base, ...options }, files: ["consumer.ts", ...examples] },
        null,
        2,
      ),
    );
    return new Promise((done) => {
      const child = spawn("node", [tsc, "-p", file], { cwd: app, env });
      let output = "";
      child.stdout.on("data", (d) => {
        output += d;
      });
      child.stderr.on("data", (d) => {
        output += d;
      });
      child.on("close", (status) => {
        if (status !== 0) fail(`the consumer does not type-check (${name}):\n${output}`);
        else step(`type-checked a consumer and ${examples.length} README examples (${name})`);
        done();
      });
    });
  });
  await Promise.all(checks);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (process.exitCode) console.error("pack:check: FAILED");
else console.log("pack:check: ok");
