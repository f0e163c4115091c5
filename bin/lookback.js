#!/usr/bin/env node
// Thin launcher: the real entry is the compiled dist/cli.js.
import { main } from "../dist/cli.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
