#!/usr/bin/env node
// Thin launcher: the real entry is the bundled lib/cli.js (CommonJS: see bin/compile-cache.js).
"use strict";
const path = require("node:path");
const { setFlagsFromString } = require("node:v8");

// A lookback command lives for a fraction of a second. With V8's default budget the YAML
// parser gets optimised mid-run and the compiling costs more than it saves: `validate` of
// the built-ins takes about half the CPU with a higher budget, and long runs are no slower
// (bench/startup.bench.mjs). Set before the code it applies to is loaded. Only Node 20's V8
// (11.x) has this flag: a later one prints "unrecognized flag" on stderr for it.
if (process.versions.v8.startsWith("11.")) setFlagsFromString("--interrupt-budget=1000000");
// A long list or export makes garbage that outlives the young generation; V8 lets the old one
// grow to several times what is live before it collects (export --all of 30,000 units: 18 MB
// live, 207 MB peak). Growing by half of what is live keeps the peak near the live size (150 MB
// there, and PostgreSQL's status --json 159 -> 121 MB) at no cost in CPU time (measured with
// and without: validate, status, units, export; bench/province.bench.mjs's RSS figures).
setFlagsFromString("--heap-growing-percent=50");
// lib/ imports ES-module-only packages (@inquirer) through this: see bin/compile-cache.js.
globalThis.__lookbackImport = (specifier) => import(specifier);
const saveCompileCache = require("./compile-cache.js").enable(path.resolve(__dirname, "..", "lib"));

// A reader that stops early (`lookback --help | head -3`) closes the pipe: stop quietly, as other
// command-line tools do, instead of a stack trace for the EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

const { main } = require("../lib/cli.js");
main(process.argv.slice(2)).then(async (code) => {
  saveCompileCache();
  // Everything main started has finished by now (commands await their writes and close their
  // databases). Exiting at once skips Node's piece-by-piece teardown of the heap, ~10 ms of
  // every run; only output still queued for a pipe is waited for.
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength > 0) await new Promise((resolve) => stream.once("drain", resolve));
  }
  process.exit(code);
});
