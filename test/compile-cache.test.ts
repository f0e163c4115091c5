// The per-user V8 code cache of the built CLI (bin/compile-cache.js): written after a first
// run, used after, harmless when damaged, gone with an old build, off when asked. On Node 20
// its own files are checked; on Node 22 and later Node keeps them (module.enableCompileCache).
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = path.resolve(".");
const BIN = path.join(ROOT, "bin/lookback.js");
const BUILD_ID = (
  JSON.parse(readFileSync(path.join(ROOT, "lib/package.json"), "utf8")) as { buildId: string }
).buildId;
const dirs: string[] = [];
const PUBLIC_API = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cacheHome(): string {
  const d = mkdtempSync(path.join(tmpdir(), "lookback-cc-"));
  dirs.push(d);
  return d;
}

function validate(home: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, "validate"], {
    cwd: home,
    encoding: "utf8",
    env: { ...process.env, XDG_CACHE_HOME: home, LOOKBACK_LANG: "en", NO_COLOR: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The folder of this Node's caches, and the one of this build. */
function folders(home: string): { node: string; build: string } {
  const node = path.join(home, "lookback", "v8", `${process.version}-${process.arch}`);
  return { node, build: path.join(node, BUILD_ID) };
}

describe.skipIf(!PUBLIC_API)("compile cache through Node's module.enableCompileCache", () => {
  it("is written by the first run into this build's folder, with the same output the next time", () => {
    const home = cacheHome();
    const first = validate(home);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(readdirSync(folders(home).build).length).toBeGreaterThan(0);
    expect(validate(home)).toEqual(first);
  });
});

describe.skipIf(PUBLIC_API)("compile cache kept by bin/compile-cache.js (Node 20)", () => {
  it("is written by the first run and read by the next, with the same output", () => {
    const home = cacheHome();
    const first = validate(home);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain("no problems");
    const files = readdirSync(folders(home).build);
    expect(files).toContain("cli.js.v8");
    expect(files.length).toBeGreaterThan(5);
    const written = readFileSync(path.join(folders(home).build, "cli.js.v8"));
    const second = validate(home);
    expect(second).toEqual(first);
    // Accepted, so not written again.
    expect(readFileSync(path.join(folders(home).build, "cli.js.v8"))).toEqual(written);
  });

  it("survives a damaged cache file and replaces it", () => {
    const home = cacheHome();
    const clean = validate(home);
    const file = path.join(folders(home).build, "cli.js.v8");
    writeFileSync(file, "not a code cache");
    expect(validate(home)).toEqual(clean);
    expect(readFileSync(file, "utf8")).not.toBe("not a code cache");
  });
});

describe("compile cache", () => {
  it("drops the caches of other builds", () => {
    const home = cacheHome();
    const old = path.join(folders(home).node, "0123456789abcdef");
    mkdirSync(old, { recursive: true });
    writeFileSync(path.join(old, "cli.js.v8"), "old");
    expect(validate(home).code).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(folders(home).build)).toBe(true);
  });

  it("is neither read nor written with LOOKBACK_NO_COMPILE_CACHE=1", () => {
    const home = cacheHome();
    const r = validate(home, { LOOKBACK_NO_COMPILE_CACHE: "1" });
    expect(r.code).toBe(0);
    expect(existsSync(path.join(home, "lookback"))).toBe(false);
  });

  it("keeps errors and exit codes as they are (a usage error, exit 2)", () => {
    const home = cacheHome();
    const r = spawnSync(process.execPath, [BIN, "validate", "--format", "xml"], {
      cwd: home,
      encoding: "utf8",
      env: { ...process.env, XDG_CACHE_HOME: home, LOOKBACK_LANG: "en", NO_COLOR: "1" },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("xml");
    expect(r.stderr).not.toContain("    at ");
  });
});
