#!/usr/bin/env node
// Thin launcher: the real entry is the bundled lib/cli.js.
import { setFlagsFromString } from "node:v8";

// A lookback command lives for a fraction of a second. With V8's default budget the YAML
// parser gets optimised mid-run and the compiling costs more than it saves: `validate` of
// the built-ins takes about half the CPU with a higher budget, and long runs are no slower
// (bench/startup.bench.mjs). Set before the code it applies to is loaded, hence the
// dynamic import.
setFlagsFromString("--interrupt-budget=1000000");

const { main } = await import("../lib/cli.js");
process.exitCode = await main(process.argv.slice(2));
