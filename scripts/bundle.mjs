#!/usr/bin/env node
// Bundle the compiled CLI (dist/, from tsc) into lib/: one file for the start-up path and one
// chunk per lazily imported command. Start-up reads a handful of files instead of ~200
// modules (`lookback validate` ~18% faster, `npm run bench` startup figures).
// The heavy or native packages stay external and load only in the commands that need them.
// lib/ sits one level below the package root, like dist/, so paths.ts and version.ts
// (`new URL("..", import.meta.url)`) resolve the same in both.
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "lib");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, "dist", "cli.js")],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  external: [
    "better-sqlite3",
    "exceljs",
    "@inquirer/confirm",
    "@inquirer/input",
    "@inquirer/select",
    "cli-progress",
  ],
  // CommonJS dependencies (commander) call require() for Node built-ins.
  banner: {
    js: "import{createRequire as __lookbackRequire}from'node:module';const require=__lookbackRequire(import.meta.url);",
  },
  logLevel: "warning",
});
