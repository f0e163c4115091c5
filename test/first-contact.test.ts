// What a newcomer meets first: `lookback` alone prints a guide, every --help ends with
// examples, and a broken SQLite module is answered with the fix instead of a stack trace.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/open.js";

const ROOT = path.resolve(".");
let dir: string;

function run(args: string[], opts: { bin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [opts.bin ?? path.join(ROOT, "bin/lookback.js"), ...args], {
    cwd: opts.cwd ?? dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", LOOKBACK_DB: "", ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-first-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe("lookback with no command", () => {
  it("prints a short guide: what to run first, where the database is", async () => {
    const r = run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("First time? Run these in order:");
    expect(r.stdout).toMatch(
      /1\. lookback list[\s\S]*2\. lookback check[\s\S]*3\. lookback export --unit NAME/,
    );
    expect(r.stdout).toContain(`Database:   ${path.join(dir, "lookback.db")}`);
    expect(r.stdout).toContain("not created yet");
    // Not a terminal here: the guide says how to check without prompts.
    expect(r.stdout).toContain("lookback check --answers FILE");
    expect(r.stdout.split("\n").length).toBeLessThan(30);
    expect(existsSync(path.join(dir, "lookback.db"))).toBe(false);
  });

  it("follows --db, LOOKBACK_DB and a local checklists folder, in Chinese by default for zh locales", async () => {
    mkdirSync(path.join(dir, "checklists"), { recursive: true });
    const r = run([], { env: { LOOKBACK_LANG: "", LC_ALL: "zh_CN.UTF-8", LOOKBACK_DB: "data/county.db" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("第一次使用？按顺序运行：");
    expect(r.stdout).toContain(`数据库：   ${path.join(dir, "data/county.db")}`);
    expect(r.stdout).toMatch(/检查清单： 内置清单，以及 \.[/\\]checklists 中的清单/);
    const withFlag = run(["--db", "x.db"]);
    expect(withFlag.stdout).toContain(`Database:   ${path.join(dir, "x.db")}`);
    rmSync(path.join(dir, "checklists"), { recursive: true });
  });
});

/** Every command path below the root, found by reading the "Commands:" lists of --help. */
function commandPaths(prefix: string[] = []): string[][] {
  const help = run([...prefix, "--help"]).stdout;
  const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(help)?.[1] ?? "";
  const names = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1] ?? "");
  return names.flatMap((n) => [[...prefix, n], ...commandPaths([...prefix, n])]);
}

describe("--help", () => {
  const paths = commandPaths();

  it("finds every command of the command line", async () => {
    const top = paths.filter((p) => p.length === 1).map((p) => p[0]);
    for (const c of ["validate", "schema", "list", "init"]) expect(top).toContain(c);
  });

  it.each([[""], ...paths.map((p) => [p.join(" ")])])(
    "`lookback %s --help` ends with examples",
    (name: string) => {
      const p = name ? name.split(" ") : [];
      const r = run([...p, "--help"]);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split("\n");
      const at = lines.lastIndexOf("Examples:");
      expect(at, r.stdout).toBeGreaterThan(0);
      const examples = lines.slice(at + 1);
      expect(examples.length).toBeGreaterThan(0);
      for (const line of examples) expect(line).toMatch(/^ {2}\$ lookback( |$)/);
      // An example of a sub-command names it.
      if (p.length > 0) expect(examples.some((l) => l.includes(` ${p.join(" ")}`))).toBe(true);
    },
  );
});

/**
 * A copy of the built package whose better-sqlite3 is broken, the rest linked to the real
 * node_modules: what a user has after a Node upgrade, a damaged install, or an install that
 * skipped the native build.
 */
function brokenInstall(kind: "damaged" | "missing"): string {
  const root = path.join(dir, `install-${kind}`);
  for (const part of ["bin", "lib", "checklists", "templates", "package.json"]) {
    if (existsSync(path.join(ROOT, part)))
      cpSync(path.join(ROOT, part), path.join(root, part), { recursive: true });
  }
  const modules = path.join(root, "node_modules");
  mkdirSync(modules, { recursive: true });
  for (const entry of readdirSync(path.join(ROOT, "node_modules"))) {
    if (entry === "better-sqlite3" || entry.startsWith(".")) continue;
    symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry), "junction");
  }
  const sqlite = path.join(modules, "better-sqlite3");
  for (const part of ["package.json", "lib"]) {
    cpSync(path.join(ROOT, "node_modules/better-sqlite3", part), path.join(sqlite, part), {
      recursive: true,
    });
  }
  if (kind === "damaged") {
    mkdirSync(path.join(sqlite, "build/Release"), { recursive: true });
    writeFileSync(path.join(sqlite, "build/Release/better_sqlite3.node"), "not a shared library\n");
  }
  return path.join(root, "bin/lookback.js");
}

/** A preload that makes the addon fail as it does after a Node upgrade (another ABI). */
function abiMismatchHook(): string {
  const file = path.join(dir, "abi-mismatch.cjs");
  writeFileSync(
    file,
    `const Module = require("node:module");
const load = Module._extensions[".node"];
Module._extensions[".node"] = function (module, filename) {
  if (filename.endsWith("better_sqlite3.node")) {
    const e = new Error("The module '" + filename + "'\\nwas compiled against a different Node.js version using\\nNODE_MODULE_VERSION 115. This version of Node.js requires\\nNODE_MODULE_VERSION " + process.versions.modules + ". Please try re-compiling or re-installing\\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).");
    e.code = "ERR_DLOPEN_FAILED";
    throw e;
  }
  return load.apply(this, arguments);
};
`,
  );
  return file;
}

describe("a native module that cannot load", () => {
  // Commands that open the database; none of them may show a stack trace.
  const sqliteCommands = [["rectify", "list"], ["units", "list"], ["status"]];
  const present = (cmd: string[]) => run([cmd[0] ?? "", "--help"]).code === 0;
  let db: string;
  beforeAll(async () => {
    // A real lookback database, so that the commands get as far as loading the addon.
    db = path.join(dir, "school.db");
    await (await openStore(db, { intent: "write" })).close();
  });

  function expectFix(r: ReturnType<typeof run>, lang: "en" | "zh") {
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    if (lang === "en") {
      expect(r.stderr).toContain("error: The SQLite module (better-sqlite3) could not be loaded");
      expect(r.stderr).toContain("hint: Run `npm rebuild -g better-sqlite3`");
    } else {
      expect(r.stderr).toContain("无法加载 SQLite 模块（better-sqlite3）");
      expect(r.stderr).toContain("npm rebuild -g better-sqlite3");
    }
  }

  it("after a Node upgrade (NODE_MODULE_VERSION): says to run npm rebuild, in both languages", async () => {
    const hook = abiMismatchHook();
    const env = { NODE_OPTIONS: `--require ${hook}`, LOOKBACK_DB: db };
    for (const cmd of sqliteCommands.filter(present)) {
      const en = run(cmd, { env });
      expectFix(en, "en");
      expect(en.stderr).toContain("NODE_MODULE_VERSION 115");
    }
    expectFix(run(["rectify", "list"], { env: { ...env, LOOKBACK_LANG: "zh" } }), "zh");
  });

  it("with a damaged better_sqlite3.node (a real dlopen failure)", async () => {
    const bin = brokenInstall("damaged");
    const r = run(["rectify", "list"], { bin, env: { LOOKBACK_DB: db } });
    expectFix(r, "en");
    // The commands that never open SQLite keep working.
    expect(run(["validate"], { bin }).code).toBe(0);
    expect(run(["list"], { bin }).code).toBe(0);
    expect(run(["init", path.join(dir, "repo-with-broken-sqlite")], { bin }).code).toBe(0);
  });

  it("when the native build never ran (install scripts skipped)", async () => {
    const bin = brokenInstall("missing");
    const r = run(["--lang", "zh", "rectify", "list"], { bin, env: { LOOKBACK_DB: db } });
    expectFix(r, "zh");
    expect(r.stderr).toContain("Could not locate the bindings file");
  });
});
