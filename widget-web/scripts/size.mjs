//! Prints the raw, gzip and brotli size of each built widget file and fails when one
//! grows past its gzip budget.

import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Gzip budgets in bytes (issue 4): the chat app at most 35 kB, the loader at most 1.5 kB. */
const budgets = { "dist/widget.js": 35_000, "dist/loader.js": 1_500 };

const bytes = (n) => `${n.toLocaleString("en-US")} B`;
let overBudget = false;
for (const [file, gzipBudget] of Object.entries(budgets)) {
  const code = readFileSync(new URL(`../${file}`, import.meta.url));
  const gzip = gzipSync(code, { level: 9 }).length;
  const brotli = brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
  }).length;
  console.log(
    `size: ${file.padEnd(15)} ${bytes(code.length).padStart(10)} raw ${bytes(gzip).padStart(9)} gzip ${bytes(brotli).padStart(9)} brotli (gzip budget ${bytes(gzipBudget)})`,
  );
  if (gzip > gzipBudget) {
    console.error(
      `size: ${file} is ${bytes(gzip)} gzipped, over its budget of ${bytes(gzipBudget)}`,
    );
    overBudget = true;
  }
}
process.exitCode = overBudget ? 1 : 0;
