// Every screen fits the terminal: the tables, the guide, --help of every command, the manuals'
// list and the error messages, run in a real terminal (tmux) of 80 and of 120 columns, in
// Chinese and in English. A line wider than the terminal shows up as a longer line when the
// pane is captured with its wrapped lines joined (-J). Skipped when tmux is missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli.js";
import { displayWidth } from "../src/util/width.js";
import { sink } from "./helpers/main.js";
import { createSchool } from "./helpers/school.js";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const ROOT = path.resolve(".");
const BIN = path.join(ROOT, "bin/lookback.js");
const SOCKET = `lookback-width-${process.pid}`;
const END = "__SCREEN_DONE__";
let dir: string;

const tmux = (...args: string[]) => spawnSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });

function lookback(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1", LOOKBACK_DB: "" },
  });
}

/** Every command path, for its --help. */
function paths(cmd: Command, words: string[] = []): string[][] {
  return [words, ...cmd.commands.flatMap((c) => paths(c, [...words, c.name()]))];
}

const program = buildProgram(
  { stdout: sink().stream, stderr: sink().stream, stdinIsTTY: false, env: {}, cwd: ROOT } as never,
  "en",
);

/**
 * The screens of a clerk's day with lookback, after a check, a second round and an import;
 * --help of every command too where it is tightest (80 columns).
 */
function screens(id: string, width: number): string[][] {
  return [
    [],
    ["status"],
    ["status", "--unit", "南昌县莲塘第一中学"],
    ["rectify", "list"],
    ["rectify", "list", "--overdue"],
    ["rectify", "show", id],
    ["compare"],
    ["list"],
    ["units"],
    ["import", "收回"],
    ["help"],
    ...(width <= 80
      ? paths(program).map((p) => [...p, "--help"])
      : [["--help"], ["rectify", "update", "--help"]]),
    // Mistakes: usage errors and errors about the database.
    ["rectify", "lst"],
    ["rectify", "update"],
    ["export", "--format", "pdf"],
    ["--lang", "fr", "status"],
    ["--db", "没有这个.db", "status"],
    ["status", "--unit", "莲塘一中"],
    ["validate", "typo.yaml"],
  ];
}

/** Run the screens one after another in a terminal `width` columns wide; the pane, wrapped lines joined. */
async function capture(width: number, lang: "en" | "zh", id: string): Promise<string> {
  const script = path.join(dir, `screens-${lang}-${width}.sh`);
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const lines = screens(id, width).map(
    (args) => `${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(" ")}`,
  );
  writeFileSync(script, `${lines.join("\n")}\necho ${END}\nsleep 60\n`);
  // One session per screen size, all left running until the end: killing the last session
  // stops the tmux server, and a new session started meanwhile can find it gone.
  const session = `w${width}-${lang}`;
  const r = tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(width),
    "-y",
    "50",
    "-c",
    dir,
    "-e",
    `LOOKBACK_LANG=${lang}`,
    "-e",
    "NO_COLOR=1",
    "-e",
    "LOOKBACK_DB=",
    `sh ${quote(script)}`,
  );
  if (r.status !== 0) throw new Error(r.stderr);
  const end = Date.now() + 60_000;
  for (;;) {
    const pane = tmux("capture-pane", "-p", "-J", "-t", session, "-S", "-", "-E", "-").stdout;
    if (pane.includes(END)) return pane;
    if (Date.now() > end) throw new Error(`timed out; the pane:\n${pane}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!hasTmux)("every screen fits the terminal (tmux)", () => {
  let id = "";
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lookback-width-"));
    const answers = path.join(ROOT, "docs/answers-example.yaml");
    expect(lookback(["check", "--answers", answers]).status).toBe(0);
    const list = JSON.parse(lookback(["rectify", "list", "--json"]).stdout) as {
      rectifications: { shortId: string }[];
    };
    id = list.rectifications[0]!.shortId;
    for (const [status, extra] of [
      ["done", ["--progress", "已形成“四风”问题清单，共梳理出 12 条，逐条明确了整改责任人和时限"]],
      ["closed", ["--by", "县督导组张组长"]],
    ] as const) {
      expect(lookback(["rectify", "update", id, "--status", status, ...extra]).status).toBe(0);
    }
    expect(lookback(["check", "--answers", answers, "--new"]).status).toBe(0);
    await createSchool(path.join(dir, "收回", "南昌县莲塘镇第二中心小学（含东湖教学点）.db"), {
      unit: "南昌县莲塘镇第二中心小学（含东湖教学点）",
    });
    writeFileSync(
      path.join(dir, "typo.yaml"),
      "id: x\nversion: '1'\ntittle: 测试\nsource: s\nsections: []\n",
    );
  }, 60_000);
  afterAll(async () => {
    if (hasTmux) tmux("kill-server");
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [80, "en"],
    [80, "zh"],
    [120, "en"],
    [120, "zh"],
  ] as const)(
    "%i columns, %s",
    async (width, lang) => {
      const pane = await capture(width, lang, id);
      const wide = pane.split("\n").filter((l) => displayWidth(l) > width);
      expect(wide).toEqual([]);
      // What the screens say, so that the test knows it looked at the real thing.
      const zh = lang === "zh";
      expect(pane).toContain(zh ? "第一次使用？按顺序运行：" : "First time? Run these in order:");
      expect(pane).toContain(zh ? "南昌县莲塘镇第二中心小学" : "南昌县莲塘镇第二中心小学");
      expect(pane).toContain(zh ? "没有子命令 `lst`" : "has no subcommand `lst`");
      expect(pane).toContain(zh ? "找不到数据库文件" : "There is no database file");
      if (width === 80)
        expect(pane).toContain(zh ? "终端宽度不够，未显示：" : "Not shown for lack of width:");
      // 120 columns show more of the status of one unit: the relapses, and in Chinese the finishing time too.
      else
        expect(pane).toMatch(
          zh
            ? /单位\s+检查清单\s+已答\s+(符合\s+)?基本符合.*反弹\s+状态\s+完成时间/
            : /Unit\s+Checklist\s+.*Relapses\s+Status/,
        );
    },
    90_000,
  );
});
