// Every mistake a user can type on the command line gets one message in their language: what
// is wrong, the command's usage line, a hint (did-you-mean where a guess is possible), exit 2,
// and never commander's own English. The cases are made from the program's definition, so a
// command or an option added later is walked through without touching this file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Command, Option } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { argumentTerm } from "../src/cli/usage.js";
import { buildProgram } from "../src/cli.js";
import { en } from "../src/i18n/en.js";
import { type Lang, setLang } from "../src/i18n/index.js";
import { zhCN } from "../src/i18n/zh-CN.js";
import { runMain, sink } from "./helpers/main.js";

const ROOT = path.resolve(".");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-usage-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  setLang("en");
});

function run(argv: string[], lang: "en" | "zh") {
  return runMain(argv, { LOOKBACK_LANG: lang, NO_COLOR: "1", LOOKBACK_DB: path.join(dir, "never.db") }, dir);
}

interface Case {
  what: string;
  argv: string[];
  /** What the message must name. */
  names: string[];
  /** The usage line of this command is shown. */
  usage?: string;
}

const sampleValue = (o: Option) => o.argChoices?.[0] ?? "x";
const takesValue = (o: Option) => o.required || o.optional;

/** The cases of one command, then of its subcommands. */
function casesOf(cmd: Command, words: string[]): Case[] {
  const here = ["lookback", ...words].join(" ");
  const required = cmd.registeredArguments.filter((a) => a.required);
  const args = required.map((_, i) => `arg${i}`);
  const mandatory = cmd.options.filter((o) => o.mandatory);
  const mandatoryArgs = mandatory.flatMap((o) => [o.long!, sampleValue(o)]);
  const base = [...words, ...args, ...mandatoryArgs];
  const cases: Case[] = [
    { what: `${here}: unknown option`, argv: [...base, "--zzq"], names: ["--zzq"], usage: here },
  ];
  const [first] = required;
  if (first) {
    cases.push({
      what: `${here}: missing argument`,
      argv: [...words, ...mandatoryArgs],
      names: [argumentTerm(first)],
      usage: here,
    });
  }
  for (const o of mandatory) {
    cases.push({
      what: `${here}: missing ${o.long}`,
      argv: [...words, ...args],
      names: [o.long!],
      usage: here,
    });
  }
  for (const o of cmd.options.filter(takesValue)) {
    cases.push({
      what: `${here}: ${o.long} without a value`,
      argv: [...base, o.long!],
      names: [o.long!],
      usage: here,
    });
    // A value the option checks: one of its choices, or what its parser accepts.
    if (o.argChoices || o.parseArg) {
      cases.push({
        what: `${here}: bad value for ${o.long}`,
        argv: [...base, o.long!, "zzq-bad"],
        names: [o.long!, "zzq-bad"],
        usage: here,
      });
    }
  }
  if (cmd.commands.length > 0) {
    cases.push({ what: `${here}: unknown subcommand`, argv: [...words, "zzqsub"], names: ["zzqsub"] });
  } else if (!cmd.registeredArguments.some((a) => a.variadic)) {
    const optional = cmd.registeredArguments.filter((a) => !a.required).map((_, i) => `opt${i}`);
    cases.push({
      what: `${here}: one argument too many`,
      argv: [...base, ...optional, "zzqextra"],
      names: ["zzqextra"],
      usage: here,
    });
  }
  return [...cases, ...cmd.commands.flatMap((sub) => casesOf(sub, [...words, sub.name()]))];
}

/** A catalog message as a pattern: its {parameters} match anything. */
function pattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\{(\w+)\}/g, ".+?")}$`, "s");
}

function patterns(catalog: Record<string, string>, keep: (key: string) => boolean): RegExp[] {
  return Object.entries(catalog)
    .filter(([k]) => keep(k))
    .map(([, v]) => pattern(v));
}

const CATALOGS = { en, zh: zhCN } as const;
const LANGS: Lang[] = ["en", "zh-CN"];

describe.each(["en", "zh"] as const)("usage errors (%s)", (lang) => {
  setLang(lang === "en" ? "en" : "zh-CN");
  const io = { stdout: sink().stream, stderr: sink().stream, stdinIsTTY: false, env: {}, cwd: ROOT };
  const program = buildProgram(io as never, LANGS[lang === "en" ? 0 : 1]!);
  const cases = casesOf(program, []);
  const catalog = CATALOGS[lang] as Record<string, string>;
  const prefix = catalog["error.prefix"];
  const hintPrefix = catalog["hint.prefix"];
  const messages = patterns(catalog, (k) => k.startsWith("usage.") && !k.startsWith("usage.hint."));
  const hints = patterns(catalog, (k) => k.startsWith("usage.hint."));
  const usageLine = pattern(catalog["usage.line"]!);

  it("covers every command (the walk found them all)", () => {
    const commands = new Set(cases.map((c) => c.what.split(":")[0]));
    for (const name of [
      "lookback",
      "lookback rectify update",
      "lookback units add",
      "lookback export",
      "lookback help",
    ])
      expect(commands).toContain(name);
    expect(cases.length).toBeGreaterThan(60);
  });

  it.each(cases.map((c) => [c.what, c] as const))("%s", async (_, c) => {
    const r = await run(c.argv, lang);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    // One message, first; one hint, last; in between only the usage line and what is missing.
    expect(lines[0]!.startsWith(`${prefix}: `), r.stderr).toBe(true);
    expect(lines.filter((l) => l.startsWith(`${prefix}: `))).toHaveLength(1);
    expect(lines.at(-1)!.startsWith(`${hintPrefix}: `), r.stderr).toBe(true);
    expect(lines.filter((l) => l.startsWith(`${hintPrefix}: `))).toHaveLength(1);
    // Every word is from the catalog of the language: never commander's own text.
    const message = lines[0]!.slice(prefix!.length + 2);
    expect(
      messages.some((p) => p.test(message)),
      message,
    ).toBe(true);
    const hint = lines.at(-1)!.slice(hintPrefix!.length + 2);
    expect(
      hints.some((p) => p.test(hint)),
      hint,
    ).toBe(true);
    expect(r.stderr).not.toMatch(
      /error: (unknown|missing|too many|required|option ')|Allowed choices|\n\s+at /,
    );
    for (const name of c.names) expect(message).toContain(name);
    if (c.usage) {
      const usage = lines.find((l) => usageLine.test(l.trim()));
      expect(usage, r.stderr).toBeDefined();
      expect(usage).toContain(c.usage);
    }
  });
});

describe("did you mean, at every level", () => {
  it.each([
    [["valdate"], "lookback validate"],
    [["rectify", "lst"], "lookback rectify list"],
    [["units", "ad", "莲塘一小"], "lookback units add"],
    [["units", "lst"], "lookback units list"],
    [["export", "--all", "--format", "xlx"], "--format xlsx"],
    [["export", "--forse"], "--force"],
    [["rectify", "list", "--stauts", "done"], "--status"],
    [["rectify", "update", "abc", "--stauts", "done"], "--status"],
    [["rectify", "list", "--status", "已完城"], "--status 已完成"],
    [["--lang", "zhh", "list"], "--lang zh"],
    [["status", "莲塘一中"], "lookback status --unit 莲塘一中"],
    [["help", "answrs"], "lookback help answers"],
  ])("%j → %s", async (argv, meant) => {
    for (const lang of ["en", "zh"] as const) {
      const r = await run(argv, lang);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`\`${meant}\``);
    }
  });

  it("`--lang fr` under a Chinese locale answers in Chinese, listing the languages", async () => {
    const r = await runMain(["--lang", "fr", "status"], { LANG: "zh_CN.UTF-8", NO_COLOR: "1" }, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "错误: --lang 的值 `fr` 无效。可选：zh、zh-CN、en。\n  用法：lookback [命令] [选项]\n提示: 运行 `lookback --help` 查看选项和示例。\n",
    );
  });

  it("a missing id and a missing --status are named together, with the usage line", async () => {
    const r = await run(["rectify", "update"], "zh");
    expect(r.stderr).toBe(
      [
        "错误: 缺少 2 项：<id>、--status <status>。",
        "  <id>：编号，或其前几位（见 `rectify list`）",
        "  --status <status>：新状态：未整改、整改中、已完成、已销号（或 open、in-progress、done、closed）",
        "  用法：lookback rectify update <id> --status <status> [选项]",
        "提示: 运行 `lookback rectify update --help` 查看选项和示例。",
        "",
      ].join("\n"),
    );
  });
});

describe("the built binary", () => {
  const bin = path.join(ROOT, "bin/lookback.js");
  it.each([
    ["en", ["units", "add"], "error: Missing <name>: the unit's name (单位名称)."],
    ["zh", ["units", "add"], "错误: 缺少 <name>：单位名称。"],
    ["zh", ["export", "--format", "pdf"], "错误: --format 的值 `pdf` 无效。可选：xlsx、csv、json。"],
    ["en", ["rectify", "lst"], "error: `lookback rectify` has no subcommand `lst`."],
  ])("%s %j", (lang, args, first) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, LOOKBACK_LANG: lang, NO_COLOR: "1", LOOKBACK_DB: path.join(dir, "never.db") },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(first);
    expect(r.stdout).toBe("");
  });
});
