// A V8 code cache for lib/, kept per user: the second and later runs of lookback skip most of
// the compiling, which is the largest cost of a short command (npm run bench, startup:
// `validate` of the built-ins runs about 60 M fewer instructions, 8% of the whole process).
//
// Node 22.1 and later do this through a public API, module.enableCompileCache(). Node 20 has
// only vm.Script's cachedData, so there lib/ is CommonJS (scripts/bundle.mjs) and this module
// compiles lib/'s modules itself, in place of Node's private Module.prototype._compile. Node 20
// is a maintenance line whose loader no longer changes; test/pinned.test.ts fails loudly if
// that method is not what this relies on. When Node 20 is no longer supported, the second half
// of this file goes.
//
// Safe by construction: V8 checks each cache against its own version, flags and the source
// length, and the files sit in a folder named after lib/'s content hash (lib/package.json
// buildId), so a changed lib never meets an old cache. A cache V8 refuses, or any error
// reading or writing one, only means compiling as usual. LOOKBACK_NO_COMPILE_CACHE=1 turns
// it off.
"use strict";
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const vm = require("node:vm");

// Node's CommonJS wrapper, on one line so that line numbers in stack traces stay true.
const HEAD = "(function (exports, require, module, __filename, __dirname) { ";
const TAIL = "\n})";

/** This user's cache folder for this Node, or undefined when there is none to use. */
function cacheRoot(env) {
  if (env.LOOKBACK_NO_COMPILE_CACHE) return undefined;
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === "win32" ? env.LOCALAPPDATA : path.join(os.homedir(), ".cache"));
  return base ? path.join(base, "lookback", "v8", `${process.version}-${process.arch}`) : undefined;
}

/** Caches of earlier builds are of no more use. */
function dropOtherBuilds(root, buildId) {
  for (const old of fs.readdirSync(root))
    if (old !== buildId) fs.rmSync(path.join(root, old), { recursive: true, force: true });
}

/**
 * Compile the modules under `libDir` with the cache. Returns the function that saves caches
 * for the modules that had none (or a refused one); call it once the command is done, so
 * that the cache holds every function the run compiled, not only the top level.
 */
exports.enable = function enable(libDir) {
  let root;
  let buildId;
  try {
    root = cacheRoot(process.env); // os.homedir() throws for a user without a home
    buildId = JSON.parse(fs.readFileSync(path.join(libDir, "package.json"), "utf8")).buildId;
  } catch {}
  if (!root || typeof buildId !== "string") return () => {};
  const dir = path.join(root, buildId);
  if (typeof Module.enableCompileCache === "function") return publicCache(root, buildId, dir);
  return node20Cache(libDir, root, buildId, dir);
};

/** Node 22.1+: Node keeps the cache in `dir` and checks it against each file's content. */
function publicCache(root, buildId, dir) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Module.enableCompileCache(dir);
  } catch {
    return () => {};
  }
  return function save() {
    try {
      // Written now rather than at exit: bin/lookback.js ends the process at once.
      Module.flushCompileCache?.();
      dropOtherBuilds(root, buildId);
    } catch {}
  };
}

/** Node 20: lib/'s modules compiled here with vm.Script and its cachedData. */
function node20Cache(libDir, root, buildId, dir) {
  const prefix = libDir + path.sep;
  const unsaved = [];
  const compile = Module.prototype._compile;
  // Node 20.19+ passes a third argument (the module's format); handed on untouched.
  Module.prototype._compile = function (content, filename, ...rest) {
    if (!filename.startsWith(prefix)) return compile.call(this, content, filename, ...rest);
    const file = path.join(dir, `${path.relative(libDir, filename).replace(/[\\/]/g, "_")}.v8`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {}
    // No import() callback: V8 cannot keep one in a cache, so lib/ makes no import() itself
    // (scripts/bundle.mjs routes the packages' through bin/lookback.js's __lookbackImport).
    const script = new vm.Script(HEAD + content + TAIL, { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) unsaved.push({ script, file });
    const wrapper = script.runInThisContext({ displayErrors: true });
    const require = Module.createRequire(filename);
    return wrapper.call(this.exports, this.exports, require, this, filename, path.dirname(filename));
  };
  return function save() {
    if (unsaved.length === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      dropOtherBuilds(root, buildId);
      for (const { script, file } of unsaved) {
        // Another lookback may write the same file at the same moment: write aside, then rename.
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, file);
      }
    } catch {
      // A read-only or full disk: the next run compiles again, nothing else.
    }
  };
}
