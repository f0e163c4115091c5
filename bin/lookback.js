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
// The young generation doubles, up to 16 MB a half, once as much has survived since its last
// growth as it holds, whatever is live: every long read of a province gets there (units --json
// on PostgreSQL at 30,000 units: 34 MB of young space for 12 MB live, peak RSS 104 MB against
// 68 MB at 1,000 units). Halves of 8 MB are reached as before; from then on it stops growing
// (105 -> 84 MB there, same CPU time). Only seen between turns of the event loop, so a long
// synchronous SQLite read (status) still grows it as before: there the larger young space saves
// CPU time. Watched from 150 ms on (no command is near the cap before then): a short command
// does not load perf_hooks.
const YOUNG_CAP = 16 * 1024 * 1024;
setTimeout(() => {
  const v8 = require("node:v8");
  const watch = new (require("node:perf_hooks").PerformanceObserver)(() => {
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    if (young && young.space_size >= YOUNG_CAP) {
      setFlagsFromString("--semi-space-growth-factor=1");
      watch.disconnect();
    }
  });
  watch.observe({ entryTypes: ["gc"] });
}, 150).unref();
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
