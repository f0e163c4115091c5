// `--version`, `validate`, `list` and `schema` must never load SQLite, exceljs, the prompt
// and progress-bar libraries or the briefing's (docx, ECharts): they are reached only through
// each command's lazily loaded handler (src/commands/<name>/run.ts). `report` loads its own
// libraries, and never exceljs.
// A preload records every module the process resolves (ESM, through a module.register
// resolve hook) and every CommonJS module in the require cache at exit.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(".");
const BIN = path.join(ROOT, "bin/lookback.js");
const HEAVY =
  /node_modules[/\\](better-sqlite3|exceljs|@inquirer|cli-progress|docx|echarts|zrender)[/\\]|vendor[/\\]echarts\.cjs$/;
const EXCELJS = /node_modules[/\\]exceljs[/\\]/;
let dir: string;
let preload: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-startup-"));
  const hooks = path.join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LOOKBACK_MODULE_LOG, result.url + "\\n");
  return result;
}
`,
  );
  preload = path.join(dir, "record-modules.mjs");
  writeFileSync(
    preload,
    `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
register(${JSON.stringify(pathToFileURL(hooks).href)});
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => appendFileSync(process.env.LOOKBACK_MODULE_LOG, Object.keys(cache).join("\\n") + "\\n"));
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules a run of `node <args>` loaded, one URL or path per line. */
function modulesLoaded(args: string[], name: string): { code: number | null; modules: string[] } {
  const log = path.join(dir, `${name}.log`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(preload).href, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_MODULE_LOG: log, LOOKBACK_LANG: "en", NO_COLOR: "1", LOOKBACK_DB: "" },
  });
  return { code: r.status, modules: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

describe("start-up stays light", () => {
  it("the recorder sees a heavy module when one is loaded (control)", () => {
    const script = "await import('better-sqlite3'); await import('cli-progress');";
    const r = spawnSync(
      process.execPath,
      ["--import", pathToFileURL(preload).href, "--input-type=module", "-e", script],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, LOOKBACK_MODULE_LOG: path.join(dir, "control.log") },
      },
    );
    expect(r.status).toBe(0);
    const modules = readFileSync(path.join(dir, "control.log"), "utf8");
    expect(modules).toMatch(/node_modules[/\\]better-sqlite3[/\\]/);
    expect(modules).toMatch(/node_modules[/\\]cli-progress[/\\]/);
  });

  it.each([
    ["--version", ["--version"]],
    ["validate", ["validate"]],
    [
      "validate with errors, json",
      ["validate", path.join(ROOT, "test/fixtures/checklists/unknown-key.yaml"), "--format", "json"],
    ],
    ["list", ["list"]],
    ["list --json", ["list", "--json"]],
    ["show", ["show", "self-check"]],
    ["show --json", ["show", "self-check", "--json"]],
    ["schema", ["schema"]],
  ])("%s loads no SQLite, exceljs, prompts, progress bars or briefing libraries", (name, args) => {
    const { code, modules } = modulesLoaded([BIN, ...args], name.replace(/\W+/g, "-"));
    expect(code === 0 || code === 1).toBe(true);
    // The recorder did see this run: our own entry point is there.
    expect(modules.some((m) => /lib[/\\]cli\.js$/.test(m))).toBe(true);
    expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
  });

  it.each([
    ["docx", /node_modules[/\\]docx[/\\]/],
    ["html", /vendor[/\\]echarts\.cjs$|node_modules[/\\]echarts[/\\]/],
  ])("report --format %s loads its library, and never exceljs", (format, library) => {
    const db = path.join(dir, `report-${format}.db`);
    const env = { LOOKBACK_DB: db };
    expect(
      spawnSync(process.execPath, [BIN, "units", "add", "莲塘一小"], {
        cwd: dir,
        env: { ...process.env, ...env },
      }).status,
    ).toBe(0);
    const log = path.join(dir, `report-${format}.log`);
    writeFileSync(log, "");
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        pathToFileURL(preload).href,
        BIN,
        "--db",
        db,
        "report",
        "--all",
        "--format",
        format,
        "--out",
        path.join(dir, `out-${format}`),
      ],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, LOOKBACK_MODULE_LOG: log, LOOKBACK_LANG: "en", NO_COLOR: "1" },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
    expect(modules.some((m) => library.test(m))).toBe(true);
    expect(modules.filter((m) => EXCELJS.test(m))).toEqual([]);
  });

  // Every command's handler is a chunk of its own (lib/run-*.js, from src/commands/<name>/run.ts),
  // loaded only when that command runs: the declarations loaded at start-up hold no work.
  const handlers = readdirSync(path.join(ROOT, "lib"))
    .filter((f) => /^run-\w+\.js$/.test(f))
    .map((f) => path.join(ROOT, "lib", f));

  it("finds a handler chunk for every command (control)", () => {
    expect(handlers.length).toBeGreaterThanOrEqual(12);
  });

  it.each([
    ["--version", ["--version"], 0],
    ["--help", ["--help"], 0],
    ["validate", ["validate"], 1],
    ["schema", ["schema"], 1],
    ["list --json", ["list", "--json"], 1],
    ["lookback (the guide)", [], 1],
    ["status (no database)", ["status"], 1],
    ["help check", ["help", "check"], 1],
  ])("%s loads the handler of the command it runs and no other", (name, args, count) => {
    const { modules } = modulesLoaded([BIN, ...args], `handlers-${name.replace(/\W+/g, "-")}`);
    expect(modules.some((m) => /lib[/\\]cli\.js$/.test(m))).toBe(true);
    expect(modules.filter((m) => handlers.includes(m))).toHaveLength(count);
  });

  // Parts of our own bundle that only some runs need: --help's layout and the display-width
  // measurer (tables, wrapping). Found in lib/ by a string only they hold.
  const chunkWith = (marker: string) =>
    readdirSync(path.join(ROOT, "lib"))
      .filter((f) => f.endsWith(".js") && readFileSync(path.join(ROOT, "lib", f), "utf8").includes(marker))
      .map((f) => path.join(ROOT, "lib", f));
  const HELP = chunkWith("help.title.globalOptions");
  const WIDTH = chunkWith("Extended_Pictographic");

  it("finds the help and width chunks of the bundle (control)", () => {
    expect(HELP).toHaveLength(1);
    expect(WIDTH.length).toBeGreaterThan(0);
    const { modules } = modulesLoaded([BIN, "list", "--help"], "help-control");
    expect(modules.filter((m) => [...HELP, ...WIDTH].includes(m)).length).toBeGreaterThan(0);
  });

  it.each([
    ["--version", ["--version"]],
    ["validate", ["validate"]],
    ["validate with errors", ["validate", path.join(ROOT, "test/fixtures/checklists/unknown-key.yaml")]],
    ["schema", ["schema"]],
    ["show --json", ["show", "self-check", "--json"]],
  ])("%s loads neither --help's layout nor the width measurer", (name, args) => {
    const { modules } = modulesLoaded([BIN, ...args], `lazy-${name.replace(/\W+/g, "-")}`);
    expect(modules.some((m) => /lib[/\\]cli\.js$/.test(m))).toBe(true);
    expect(modules.filter((m) => [...HELP, ...WIDTH].includes(m))).toEqual([]);
  });

  // The PostgreSQL driver and node-postgres: only for a postgres:// location. Bundled into lib/
  // (found by strings only they hold) or, when kept external, under node_modules.
  const POSTGRES = [...chunkWith("pg_advisory_xact_lock"), ...chunkWith("SCRAM-SHA-256")];
  const isPostgres = (m: string) => POSTGRES.includes(m) || /node_modules[/\\]pg(-[a-z]+)?[/\\]/.test(m);

  it("a postgres:// location loads the PostgreSQL driver (control)", () => {
    expect(POSTGRES.length).toBeGreaterThan(1);
    const { code, modules } = modulesLoaded(
      [BIN, "--db", "postgres://clerk@127.0.0.1:9/county", "status"],
      "pg-control",
    );
    expect(code).toBe(2);
    expect(modules.filter(isPostgres).length).toBeGreaterThan(0);
  });

  it.each([
    ["--version", ["--version"]],
    ["validate", ["validate"]],
    ["list", ["list"]],
    ["schema", ["schema"]],
    ["status on a SQLite file", ["--db", "nothing-here.db", "status"]],
  ])("%s loads nothing of PostgreSQL", (name, args) => {
    const { modules } = modulesLoaded([BIN, ...args], `no-pg-${name.replace(/\W+/g, "-")}`);
    expect(modules.some((m) => /lib[/\\]cli\.js$/.test(m))).toBe(true);
    expect(modules.filter(isPostgres)).toEqual([]);
  });
});
