// `lookback check` in a real terminal (tmux): the prompts a person sees, Ctrl-C with
// exit 130 keeping what was answered, and the resume. Skipped when tmux is missing.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const BIN = path.resolve("bin/lookback.js");
const MINI = path.resolve("test/fixtures/check/mini");
const SOCKET = `lookback-test-${process.pid}`;
let dir: string;

const tmux = (...args: string[]) => spawnSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
// -J joins lines the terminal wrapped, so that a long message reads as one line.
const screen = () => tmux("capture-pane", "-p", "-J", "-t", "s", "-S", "-200").stdout;

async function waitFor(text: string | RegExp, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (typeof text === "string" ? s.includes(text) : text.test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${String(text)}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(unit = "莲塘一小", checklist = "mini", env: string[] = []): void {
  // `exec`-free: the shell stays the pane's process, lookback is its child (killed by pid below).
  const cmd = `${process.execPath} ${BIN} --db lookback.db check --unit ${unit} --checklist ${checklist} --respondent 张老师; echo "EXIT=$?"; sleep 60`;
  tmux("kill-session", "-t", "s");
  const r = tmux(
    "new-session",
    "-d",
    "-s",
    "s",
    "-x",
    "120",
    "-y",
    "40",
    "-c",
    dir,
    "-e",
    "LOOKBACK_LANG=en",
    ...env.flatMap((e) => ["-e", e]),
    cmd,
  );
  if (r.status !== 0) throw new Error(r.stderr);
}

const keys = (...k: string[]) => tmux("send-keys", "-t", "s", ...k);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-tty-"));
  cpSync(MINI, path.join(dir, "checklists"), { recursive: true });
});
afterEach(() => {
  if (hasTmux) tmux("kill-server");
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasTmux)("lookback check in a terminal", () => {
  it("asks item by item, keeps the answers through Ctrl-C (exit 130), and resumes where it stopped", async () => {
    start();
    await waitFor("Leading cadres");
    keys("李书记、王校长", "Enter");
    await waitFor("Study · 1/7");
    // The question is drawn before its choices: wait for the whole prompt (a loaded machine is slow).
    const first = await waitFor(/❯ Meets\s*\n\s+Partly meets\s*\n\s+Does not meet\s*\n\s+Not applicable/);
    expect(first).toContain("Enough time for study?");
    keys("Enter"); // Meets
    await waitFor("Note (may be left empty)");
    keys("Enter");
    await waitFor("Evidence (suggested: 签到表; may be left empty)");
    keys("签到表", "Enter");
    // The files themselves: a path typed is checked at once (a missing one is said, and asked again).
    writeFileSync(path.join(dir, "签到表.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    await waitFor("佐证材料 files");
    keys("不存在.jpg", "Enter");
    await waitFor("不存在.jpg: no such file or folder");
    keys("C-u", "签到表.jpg", "Enter");
    await waitFor("Attached 1 evidence file(s).");
    await waitFor("Study · 2/7");
    keys("C-c");
    const stopped = await waitFor("EXIT=");
    // The stop says exactly what is kept.
    expect(stopped).toContain("Stopped. 1/7 answers are saved (each one the moment it was given).");
    expect(stopped).toContain("EXIT=130");

    const raw = new Database(path.join(dir, "lookback.db"), { readonly: true });
    try {
      expect(raw.prepare("SELECT item_key, result, evidence FROM answers").all()).toEqual([
        { item_key: "a.one", result: "pass", evidence: "签到表" },
      ]);
      expect(raw.prepare("SELECT name, media_type FROM evidence_files").all()).toEqual([
        { name: "签到表.jpg", media_type: "image/jpeg" },
      ]);
    } finally {
      raw.close();
    }

    start();
    const resumed = await waitFor("from item 2.");
    expect(resumed).toContain("1/7 answered");
    await waitFor("Prescribed material studied?");
    // The last action, below the four results and the other moves: stop here, continue later.
    keys(..."Down ".repeat(8).trim().split(" "), "Enter");
    const paused = await waitFor("EXIT=");
    expect(paused).toContain(
      "Saved (1/7 answered). To continue: lookback check --unit 莲塘一小 --checklist mini",
    );
    expect(paused).toContain("EXIT=0");
  });

  it("stores an answer and its files together; files refused are said, asked again, and the answer is never lost", async () => {
    const jpeg = (fill: number) =>
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(150_000, fill)]);
    writeFileSync(path.join(dir, "签到表.jpg"), jpeg(1));
    writeFileSync(path.join(dir, "会议记录.jpg"), jpeg(2));
    symlinkSync("/etc/passwd", path.join(dir, "链接.jpg"));
    // A unit holds at most 0.2 MB here: the first file fits, the second one does not.
    start("莲塘一小", "mini", ["LOOKBACK_EVIDENCE_MAX_UNIT_MB=0.2"]);
    await waitFor("Leading cadres");
    keys("李书记、王校长", "Enter");
    await waitFor(/❯ Meets\s*\n\s+Partly meets/);
    keys("Enter");
    for (const prompt of ["Note (may be left empty)", "Evidence"]) {
      await waitFor(`? ${prompt}`);
      keys("Enter");
    }
    await waitFor("? 佐证材料 files");
    keys("链接.jpg", "Enter");
    await waitFor("链接.jpg is a symbolic link");
    keys("C-u", "签到表.jpg", "Enter");
    await waitFor("Attached 1 evidence file(s).");
    await waitFor("Prescribed material studied?");
    keys("Enter");
    for (const prompt of ["Note (may be left empty)", "Evidence"]) {
      await waitFor(`? ${prompt}`);
      keys(prompt === "Evidence" ? "会议记录" : "", "Enter");
    }
    await waitFor("? 佐证材料 files");
    keys("会议记录.jpg", "Enter");
    const refused = await waitFor("press Enter alone to save the answer without them.");
    expect(refused).toContain(
      "The files were not attached, and the answer is not saved yet: Nothing was attached: 莲塘一小 holds 0.1 MB of evidence; with these 1 file(s) it would hold 0.3 MB, over the 0.2 MB limit for one unit.",
    );
    expect(refused).toContain("--max-unit-mb or LOOKBACK_EVIDENCE_MAX_UNIT_MB");
    const stored = () => {
      const raw = new Database(path.join(dir, "lookback.db"), { readonly: true });
      try {
        return {
          answers: raw.prepare("SELECT item_key, evidence FROM answers ORDER BY item_key").all(),
          files: raw.prepare("SELECT name FROM evidence_files").all(),
        };
      } finally {
        raw.close();
      }
    };
    // Neither the answer nor its file is stored yet: one transaction, refused whole.
    expect(stored()).toEqual({
      answers: [{ item_key: "a.one", evidence: null }],
      files: [{ name: "签到表.jpg" }],
    });
    await waitFor("? 佐证材料 files");
    keys("Enter");
    await waitFor("The answer is saved without files; attach them later with lookback evidence add.");
    await waitFor("Study · 3/7");
    keys("C-c");
    expect(await waitFor("EXIT=")).toContain("Stopped. 2/7 answers are saved");
    expect(stored()).toEqual({
      answers: [
        { item_key: "a.one", evidence: null },
        { item_key: "a.two", evidence: "会议记录" },
      ],
      files: [{ name: "签到表.jpg" }],
    });
  });

  it("keeps every field the moment it is entered: kill -9 and Ctrl-C between and inside fields lose nothing typed", async () => {
    start();
    await waitFor("Leading cadres");
    keys("李书记", "Enter");
    await waitFor("Next leading cadre");
    keys("Enter");
    await waitFor("Enough time for study?");
    keys("Down", "Enter"); // Partly meets
    await waitFor("Problem found");
    keys("学习时间被挤占", "Enter");
    await waitFor("Rectification measure");
    keys("每周固定半天集中学习", "Enter");
    await waitFor("Person responsible");
    // The process dies between two fields: no message, no cleanup.
    const shell = tmux("display-message", "-p", "-t", "s", "#{pane_pid}").stdout.trim();
    const child = spawnSync("pgrep", ["-P", shell], { encoding: "utf8" }).stdout.trim().split("\n")[0] ?? "";
    expect(child).toMatch(/^\d+$/);
    process.kill(Number(child), "SIGKILL");
    await waitFor("EXIT=137");
    const draft = () => {
      const raw = new Database(path.join(dir, "lookback.db"), { readonly: true });
      try {
        return {
          answers: raw.prepare("SELECT count(*) AS n FROM answers").get(),
          drafts: raw
            .prepare("SELECT item_key, result, problem, measure, owner, partial_field FROM answer_drafts")
            .all(),
        };
      } finally {
        raw.close();
      }
    };
    expect(draft()).toEqual({
      answers: { n: 0 },
      drafts: [
        {
          item_key: "a.one",
          result: "partial",
          problem: "学习时间被挤占",
          measure: "每周固定半天集中学习",
          owner: null,
          partial_field: null,
        },
      ],
    });

    // The next check offers it back; the fields come prefilled.
    start();
    const offered = await waitFor("Carry on with it (Partly meets)");
    expect(offered).toContain(
      "Left half-filled last time: Partly meets; kept: Problem found, Rectification measure.",
    );
    keys("Enter");
    // Carrying on is answering: the echo shows the result, not the menu action.
    await waitFor("✔ Result Partly meets");
    await waitFor(/\? Problem found.*学习时间被挤占/);
    keys("Enter");
    await waitFor(/\? Rectification measure.*每周固定半天集中学习/);
    keys("Enter");
    await waitFor("? Person responsible");
    keys("刘主");
    await waitFor(/Person responsible.*刘主/);
    // Ctrl-C in the middle of a field: what was typed on the line is kept too, and said so.
    keys("C-c");
    const stopped = await waitFor("EXIT=");
    expect(stopped).toContain("EXIT=130");
    expect(stopped).toContain("Stopped. 0/5 answers are saved");
    expect(stopped).toContain(
      "Item 1/5 (Study) is not saved as an answer yet; kept as a draft: Partly meets; Problem found, Rectification measure, Person responsible (cut off before Enter, kept as typed).",
    );
    expect(draft().drafts).toMatchObject([{ owner: "刘主", partial_field: "owner" }]);

    start();
    await waitFor("Carry on with it (Partly meets)");
    keys("Enter");
    await waitFor("? Problem found");
    keys("Enter");
    await waitFor("? Rectification measure");
    keys("Enter");
    await waitFor(/\? Person responsible.*刘主/);
    keys("任", "Enter");
    for (const prompt of ["Leader in charge", "Department responsible", "Kind of rectification"]) {
      await waitFor(`? ${prompt}`);
      keys("Enter");
    }
    await waitFor("? Deadline");
    keys("+30", "Enter");
    for (const prompt of [
      "Source of the problem",
      "Note (may be left empty)",
      "Evidence",
      "佐证材料 files",
    ]) {
      await waitFor(`? ${prompt}`);
      keys("Enter");
    }
    await waitFor("Study · 2/5");
    const raw = new Database(path.join(dir, "lookback.db"), { readonly: true });
    try {
      expect(raw.prepare("SELECT item_key, result FROM answers").all()).toEqual([
        { item_key: "a.one", result: "partial" },
      ]);
      expect(raw.prepare("SELECT problem, measure, owner FROM rectifications").all()).toEqual([
        { problem: "学习时间被挤占", measure: "每周固定半天集中学习", owner: "刘主任" },
      ]);
      expect(raw.prepare("SELECT count(*) AS n FROM answer_drafts").get()).toEqual({ n: 0 });
    } finally {
      raw.close();
    }
  });

  it("a unit typed close to a known one (a typo, a short form) is asked about, not created silently", async () => {
    const add = spawnSync(
      process.execPath,
      [BIN, "--db", "lookback.db", "units", "add", "南昌县莲塘第一中学"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(add.status).toBe(0);
    start("南昌县莲塘一中");
    const asked = await waitFor(
      /❯ 南昌县莲塘第一中学 \(known unit\)\s*\n\s+南昌县莲塘一中: a new, different unit/,
    );
    expect(asked).toContain("Which do you mean?");
    expect(asked).toContain("“南昌县莲塘一中” is not a known unit, but its name is close to one that is.");
    keys("Enter");
    await waitFor("Leading cadres");
    keys("李书记", "Enter");
    await waitFor("Next leading cadre");
    keys("Enter");
    await waitFor("New check: 南昌县莲塘第一中学 · Mini checklist (5 items)");
    // Ctrl-C once the first item is asked: sent earlier, on a loaded machine it can reach the
    // pane's shell before lookback listens for it, and the pane closes.
    await waitFor(/❯ Meets/);
    keys("C-c");
    await waitFor("EXIT=130");
    const raw = new Database(path.join(dir, "lookback.db"), { readonly: true });
    try {
      expect(raw.prepare("SELECT name FROM units").all()).toEqual([{ name: "南昌县莲塘第一中学" }]);
    } finally {
      raw.close();
    }
  });
});

describe.skipIf(!hasTmux)("an inspection in a terminal (督导检查)", () => {
  it("asks the group and its members, then each item's method, the previous one offered where the item allows it", async () => {
    writeFileSync(
      path.join(dir, "checklists", "mini-insp.yaml"),
      `id: mini-insp
version: "1"
title: 督导小清单
title_en: Mini inspection
source: 测试
kind: inspection
sections:
  - id: a
    title: 明察
    title_en: Announced
    items:
      - { id: one, text: 方案, text_en: Is there a plan?, method: [听汇报, 查资料] }
      - { id: two, text: 台账, text_en: Is the ledger complete?, method: [查资料, 看现场] }
      - { id: three, text: 现场, text_en: Is the site in order?, method: [看现场] }
`,
    );
    start("莲塘一小", "mini-insp");
    await waitFor("? Supervision group");
    keys("县教育局第二督导组", "Enter");
    await waitFor("? Members of the group who inspect");
    keys("王督导、李督导", "Enter");
    await waitFor("Inspection by 县教育局第二督导组 (王督导, 李督导).");
    await waitFor(/❯ Meets\s*\n\s+Partly meets/);
    keys("Enter");
    // The item's first method is offered; 查资料 is two down.
    await waitFor(/\? Method[^\n]*\n\s*❯ Hearing the report\s*\n\s+Site visit\s*\n\s+Checking the files/);
    keys("Down", "Down", "Enter");
    await waitFor("✔ Method Checking the files");
    await waitFor("Note (may be left empty)");
    keys("Enter");
    await waitFor("? Evidence");
    keys("Enter");
    await waitFor("? 佐证材料 files");
    keys("Enter");
    await waitFor("Is the ledger complete?");
    await waitFor(/❯ Meets\s*\n\s+Partly meets/);
    keys("Enter");
    // 查资料 again: this item allows it, so the previous item's method is offered first.
    await waitFor(/\? Method[^\n]*\n(\s+\S.*\n){0,3}\s*❯ Checking the files/);
    keys("Enter");
    await waitFor("Note (may be left empty)");
    keys("Enter");
    await waitFor("? Evidence");
    keys("Enter");
    await waitFor("? 佐证材料 files");
    keys("Enter");
    await waitFor("Is the site in order?");
    await waitFor(/❯ Meets\s*\n\s+Partly meets/);
    keys("Enter");
    // 看现场 only: the previous 查资料 does not fit this item.
    await waitFor(/\? Method[^\n]*\n(\s+\S.*\n){0,3}\s*❯ Site visit/);
    keys("C-c");
    expect(await waitFor("EXIT=")).toContain("EXIT=130");
    const raw = new Database(path.join(dir, "lookback.db"), { readonly: true });
    try {
      expect(raw.prepare("SELECT inspection_group, inspectors FROM runs").all()).toEqual([
        { inspection_group: "县教育局第二督导组", inspectors: '["王督导","李督导"]' },
      ]);
      expect(raw.prepare("SELECT item_key, method FROM answers ORDER BY item_key").all()).toEqual([
        { item_key: "a.one", method: "document-check" },
        { item_key: "a.two", method: "document-check" },
      ]);
    } finally {
      raw.close();
    }
  });
});
