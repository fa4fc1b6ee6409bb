//! Checks that client-sdk/ts/src/gen, src/lean and docs/api (the API reference) are exactly
//! what `npm run generate` produces from proto/: regenerates into a temporary directory and compares file by file, so it works
//! the same in a fresh clone and never touches the work tree.
//!
//! Exit codes: 0 up to date, 1 out of date, 2 could not generate.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const genDirs = ["client-sdk/ts/src/gen", "client-sdk/ts/src/lean", "docs/api"];
// buf finds `local: protoc-gen-es` on PATH, as under `npm run`.
const env = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH}`,
};

/** Every file below `dir`, as paths relative to it; empty when `dir` does not exist. */
function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

const outBase = mkdtempSync(join(tmpdir(), "porthole-gen-"));
try {
  const buf = spawnSync("buf", ["generate", "--output", outBase], {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (buf.error || buf.status !== 0) {
    console.error(
      `check:generated: \`buf generate\` failed (${buf.error?.message ?? `exit ${buf.status}`}).`,
    );
    process.exit(2);
  }

  const problems = [];
  let generated = 0;
  for (const genDir of genDirs) {
    const fresh = join(outBase, genDir);
    const committed = join(root, genDir);
    const freshFiles = listFiles(fresh);
    if (freshFiles.length === 0) {
      console.error(`check:generated: buf generated nothing into ${genDir}; check buf.gen.yaml.`);
      process.exit(2);
    }
    generated += freshFiles.length;
    const committedFiles = new Set(listFiles(committed));
    for (const file of freshFiles) {
      if (!committedFiles.has(file)) {
        problems.push(`missing   ${genDir}/${file}`);
      } else if (!readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)))) {
        problems.push(`outdated  ${genDir}/${file}`);
      }
      committedFiles.delete(file);
    }
    for (const file of committedFiles) {
      problems.push(`stale     ${genDir}/${file} (no longer generated)`);
    }
  }

  if (problems.length > 0) {
    console.error(
      [
        `check:generated: ${genDirs.join(" and ")} do not match proto/:`,
        ...problems.map((line) => `  ${line}`),
        "Run `npm run generate` and commit the result.",
      ].join("\n"),
    );
    process.exit(1);
  }

  // In a fresh clone the files compared above are the committed ones. In a work tree they
  // may not be yet: point that out without failing, so generate-then-test-then-commit works.
  const git = spawnSync(
    "git",
    ["status", "--porcelain", "--untracked-files=all", "--", ...genDirs],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (git.status === 0 && git.stdout.trim() !== "") {
    console.warn(`check:generated: up to date, but not committed yet:\n${git.stdout.trimEnd()}`);
  } else {
    console.log(`check:generated: ${genDirs.join(", ")} are up to date (${generated} files).`);
  }
} finally {
  rmSync(outBase, { recursive: true, force: true });
}
