#!/usr/bin/env node
// Bundle the compiled CLI (dist/, from tsc) into lib/: one file for the start-up path and one
// chunk per lazily imported command. Start-up reads a handful of files instead of ~200
// modules (`lookback validate` ~18% faster, `npm run bench` startup figures).
// The heavy or native packages stay external and load only in the commands that need them.
// lib/ sits one level below the package root, like dist/, so paths.ts and version.ts
// (`new URL("..", import.meta.url)`) resolve the same in both.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

/**
 * commander requires node:child_process at load, for executable subcommands, which lookback
 * does not use; loading it (and node:net behind it) costs every command ~6 ms. The bundle gets a
 * copy of commander that requires it on first use. The build fails if commander's line changes.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const line = "const childProcess = require('node:child_process');";
      const source = await readFile(args.path, "utf8");
      if (!source.includes(line)) throw new Error(`${args.path}: expected \`${line}\` (commander changed?)`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(line, lazy), loader: "js" };
    });
  },
};

/**
 * The message catalogs as JSON read on first use (lib/i18n/<lang>.json) instead of code: a run
 * needs one language, and compiling both catalogs cost every command a few ms. Replaces
 * dist/i18n/catalogs.js, whose TypeScript source says the same for dist/ and the tests.
 */
const jsonCatalogs = {
  name: "json-catalogs",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]i18n[\\/]catalogs\.js$/ }, () => ({
      contents: [
        'import { createRequire } from "node:module";',
        "const load = createRequire(import.meta.url);",
        "const cache = {};",
        'export function catalogFor(lang) { return (cache[lang] ??= load("./i18n/" + lang + ".json")); }',
      ].join("\n"),
      loader: "js",
    }));
  },
};

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
  // src/yaml/lib.ts loads the `yaml` library only when a file needs it, synchronously, with
  // require(): point it at the one-file copy built below (~13 ms to load, ~40 ms from node_modules).
  define: { __LOOKBACK_VENDOR_YAML__: JSON.stringify("./vendor/yaml.cjs") },
  // CommonJS dependencies (commander) call require() for Node built-ins.
  banner: {
    js: "import{createRequire as __lookbackRequire}from'node:module';const require=__lookbackRequire(import.meta.url);",
  },
  plugins: [lazyChildProcess, jsonCatalogs],
  logLevel: "warning",
});
// The catalogs json-catalogs reads, from the compiled modules (the one source of the texts).
mkdirSync(path.join(outdir, "i18n"), { recursive: true });
const { catalogFor } = await import(pathToFileURL(path.join(root, "dist", "i18n", "catalogs.js")).href);
for (const lang of ["en", "zh-CN"]) {
  writeFileSync(path.join(outdir, "i18n", `${lang}.json`), JSON.stringify(catalogFor(lang)));
}

await build({
  entryPoints: ["yaml"],
  outfile: path.join(outdir, "vendor", "yaml.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "warning",
});
