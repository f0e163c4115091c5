// `lookback rectify` end to end on the built CLI: list with filters, update through to 销号
// with the history kept, show, short ids, overdue by the local calendar in two time zones.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import stringWidth from "string-width";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../src/store/port.js";
import type { RectificationFields } from "../src/store/types.js";
import { addDays } from "../src/util/dates.js";
import { mini, seedRun, tempDb } from "./fixtures/rectify/seed.js";
import { todayIn } from "./helpers/dates.js";

const ROOT = path.resolve(".");
const dirs: string[] = [];

function cli(db: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/lookback.js"), "--db", db, ...args], {
    cwd: path.dirname(db),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en", LOOKBACK_DB: "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = <T = Record<string, unknown>>(s: string): T => JSON.parse(s) as T;

async function fresh(): Promise<{ db: string; store: Store }> {
  const { dir, db, store } = await tempDb();
  dirs.push(dir);
  return { db, store };
}

afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface ListJson {
  today: string;
  count: number;
  rectifications: {
    id: string;
    shortId: string;
    itemKey: string;
    unit: { name: string };
    owner: string;
    deadline: string | null;
    status: string;
    overdue: boolean;
    daysOverdue: number | null;
    checklistId: string;
  }[];
}

describe("rectify list", () => {
  let db: string;
  const today = todayIn(Intl.DateTimeFormat().resolvedOptions().timeZone);
  beforeAll(async () => {
    const f = await fresh();
    db = f.db;
    const rect = (
      owner: string,
      deadline: string | null,
    ): { result: "fail"; rect: Partial<RectificationFields> } => ({
      result: "fail",
      rect: { owner, deadline, problem: `${owner}负责的问题` },
    });
    await seedRun(f.store, {
      unit: "莲塘第一小学",
      loaded: mini(1),
      answers: {
        "a.one": rect("张三", addDays(today, -10)),
        "a.two": rect("李四", addDays(today, 3)),
        "a.three": rect("张三、王五", addDays(today, 30)),
      },
    });
    const other = await seedRun(f.store, {
      unit: "向塘中学",
      loaded: mini(1),
      answers: { "a.one": rect("赵六", addDays(today, -1)), "a.two": rect("赵六", null) },
    });
    f.store.changeRectification(other.rects.get("a.two")!.id, {
      toStatus: "in-progress",
      by: "赵六",
      note: null,
    });
    f.store.close();
  });

  it("lists everything, late first, with 8-character ids, as JSON on request", async () => {
    const r = cli(db, ["rectify", "list", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const out = json<ListJson>(r.stdout);
    expect(out.today).toBe(today);
    expect(out.count).toBe(5);
    expect(out.rectifications.map((x) => [x.unit.name, x.itemKey, x.daysOverdue])).toEqual([
      ["莲塘第一小学", "a.one", 10],
      ["向塘中学", "a.one", 1],
      ["莲塘第一小学", "a.two", null],
      ["莲塘第一小学", "a.three", null],
      ["向塘中学", "a.two", null],
    ]);
    for (const x of out.rectifications) {
      expect(x.shortId).toHaveLength(8);
      expect(x.id.startsWith(x.shortId)).toBe(true);
      expect(x.checklistId).toBe("mini");
    }
  });

  it("filters by unit, status (codes or Chinese), overdue, owner and due-within", async () => {
    const keys = (args: string[]) =>
      json<ListJson>(cli(db, ["rectify", "list", "--json", ...args]).stdout).rectifications.map(
        (x) => `${x.unit.name}:${x.itemKey}`,
      );
    expect(keys(["--unit", "向塘中学"])).toEqual(["向塘中学:a.one", "向塘中学:a.two"]);
    expect(keys(["--status", "整改中"])).toEqual(["向塘中学:a.two"]);
    expect(keys(["--status", "in-progress,open", "--unit", "向塘中学"])).toEqual([
      "向塘中学:a.one",
      "向塘中学:a.two",
    ]);
    expect(keys(["--overdue"])).toEqual(["莲塘第一小学:a.one", "向塘中学:a.one"]);
    expect(keys(["--owner", "张三"])).toEqual(["莲塘第一小学:a.one", "莲塘第一小学:a.three"]);
    expect(keys(["--due-within", "7"])).toEqual(["莲塘第一小学:a.two"]);
    expect(keys(["--overdue", "--owner", "赵六"])).toEqual(["向塘中学:a.one"]);
  });

  it("prints a table whose columns line up with Chinese text, and a summary", async () => {
    const r = cli(db, ["--lang", "zh", "rectify", "list"], { COLUMNS: "120" });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^编号\s+单位\s+问题编号\s+存在问题\s+责任人\s+整改时限\s+整改状态\s+逾期$/);
    const rows = lines.slice(1, 6);
    // The 整改时限 column starts at the same display column on every row (CJK counts double).
    const starts = [lines[0]!, ...rows].map((l) => {
      const i = l.indexOf(l === lines[0] ? "整改时限" : /\d{4}-\d{2}-\d{2}|—/.exec(l.slice(40))![0], 40);
      return stringWidth(l.slice(0, i));
    });
    expect(new Set(starts).size).toBe(1);
    expect(r.stdout).toContain("逾期 10 天");
    expect(r.stdout).toContain("共 5 项：逾期 2 · 未整改 4 · 整改中 1");
  });

  it("refuses bad filters with exit 2", async () => {
    const unknown = cli(db, ["rectify", "list", "--unit", "不存在的学校"]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toMatch(/The database .*\.db has no unit “不存在的学校”\./);
    expect(unknown.stderr).toContain("莲塘第一小学");
    const status = cli(db, ["rectify", "list", "--status", "finished"]);
    expect(status.code, status.stderr).toBe(2);
    expect(status.stderr).toContain("Invalid value `finished` for --status.");
    expect(status.stderr).toContain(
      "Allowed: open, in-progress, done, closed, 未整改, 整改中, 已完成, 已销号.",
    );
    expect(cli(db, ["rectify", "list", "--due-within", "week"]).code).toBe(2);
  });

  it("without a terminal, `rectify` alone prints what is left to follow and how to update it", async () => {
    const r = cli(db, ["rectify"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("5 rectification(s)");
    expect(r.stdout).toContain("Not a terminal, so no questions are asked.");
  });

  it("does not create a database that is not there", async () => {
    const missing = path.join(path.dirname(db), "nothing-here.db");
    const r = cli(missing, ["rectify", "list"]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("There is no database");
    expect(existsSync(missing)).toBe(false);
  });
});

describe("overdue by the local calendar date, in two time zones", () => {
  it.each(["Asia/Shanghai", "UTC"])("TZ=%s: yesterday is late, today and tomorrow are not", async (zone) => {
    const { db, store } = await fresh();
    const today = todayIn(zone);
    const at = (deadline: string) => ({ result: "fail" as const, rect: { deadline } });
    await seedRun(store, {
      unit: "U",
      loaded: mini(1),
      answers: { "a.one": at(addDays(today, -1)), "a.two": at(today), "a.three": at(addDays(today, 1)) },
    });
    await store.close();
    const late = json<ListJson>(cli(db, ["rectify", "list", "--overdue", "--json"], { TZ: zone }).stdout);
    expect(late.today).toBe(today);
    expect(late.rectifications.map((x) => [x.itemKey, x.daysOverdue])).toEqual([["a.one", 1]]);
    const soon = json<ListJson>(
      cli(db, ["rectify", "list", "--due-within", "1", "--json"], { TZ: zone }).stdout,
    );
    expect(soon.rectifications.map((x) => x.itemKey)).toEqual(["a.two", "a.three"]);
  });
});

interface ShowJson {
  today: string;
  rectification: {
    id: string;
    status: string;
    progress: string | null;
    closedAt: string | null;
    closedBy: string | null;
    itemText: string | null;
    section: { id: string; title: string } | null;
    overdue: boolean;
  };
  history: { at: string; by: string | null; from: string | null; to: string; note: string | null }[];
}

describe("rectify update and show: through to 销号 with a record of who verified it", () => {
  let db: string;
  let id: string;
  beforeAll(async () => {
    const f = await fresh();
    db = f.db;
    const { rects } = await seedRun(f.store, {
      unit: "莲塘第一小学",
      loaded: mini(1),
      answers: { "a.one": "fail" },
    });
    id = rects.get("a.one")!.id;
    f.store.close();
  });

  it("walks open → in-progress → done → closed, refusing what the rules forbid", async () => {
    const short = id.slice(0, 8);
    const early = cli(db, ["rectify", "update", short, "--status", "closed", "--by", "王主任"]);
    expect(early.code, early.stderr).toBe(1);
    expect(early.stderr).toContain(`error: ${short} is Open (open): only a done item can be closed (销号).`);
    expect(early.stderr).toContain(
      "hint: From Open (open) it can go to: In progress (in-progress), Done (done).",
    );

    const start = cli(db, [
      "rectify",
      "update",
      short,
      "--status",
      "整改中",
      "--by",
      "张三",
      "--note",
      "开始整改",
    ]);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain(`${short}: Open → In progress`);

    const done = cli(db, [
      "rectify",
      "update",
      short,
      "--status",
      "done",
      "--progress",
      "已补足学习时间",
      "--by",
      "张三",
    ]);
    expect(done.code, done.stderr).toBe(0);

    const noVerifier = cli(db, ["rectify", "update", short, "--status", "已销号"]);
    expect(noVerifier.code, noVerifier.stderr).toBe(2);
    expect(noVerifier.stderr).toContain("needs the name of who verified it");
    expect(noVerifier.stderr).toContain("hint: Add --by NAME");

    const close = cli(db, [
      "rectify",
      "update",
      short,
      "--status",
      "已销号",
      "--by",
      "王主任",
      "--note",
      "查阅学习记录",
      "--json",
    ]);
    expect(close.code, close.stderr).toBe(0);
    const closed = json<{
      rectification: { status: string; closedAt: string; closedBy: string };
      change: object;
    }>(close.stdout);
    expect(closed.rectification).toMatchObject({ status: "closed", closedBy: "王主任" });
    expect(closed.change).toMatchObject({ from: "done", to: "closed", by: "王主任", note: "查阅学习记录" });

    const again = cli(db, ["rectify", "update", short, "--status", "closed", "--by", "王主任"]);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain("is already Closed (closed)");
  });

  it("show prints every field and the whole history; --json the same data", async () => {
    const text = cli(db, ["rectify", "show", id.slice(0, 6)]);
    expect(text.code, text.stderr).toBe(0);
    for (const label of [
      "Problem (存在问题)",
      "Responsible (责任人)",
      "Deadline (整改时限)",
      "Closed on (销号日期)",
    ]) {
      expect(text.stdout).toContain(label);
    }
    expect(text.stdout).toContain("Enough study time?");
    expect(text.stdout).toMatch(/Done → Closed\s+查阅学习记录/);

    const r = json<ShowJson>(cli(db, ["rectify", "show", id, "--json"]).stdout);
    expect(r.rectification).toMatchObject({
      id,
      status: "closed",
      progress: "已补足学习时间",
      closedAt: r.today,
      closedBy: "王主任",
      itemText: "学习时间是否充分？",
      section: { id: "a", title: "学习教育" },
      overdue: false,
    });
    expect(r.history.map((h) => [h.from, h.to, h.by, h.note])).toEqual([
      [null, "open", "李老师", null],
      ["open", "in-progress", "张三", "开始整改"],
      ["in-progress", "done", "张三", null],
      ["done", "closed", "王主任", "查阅学习记录"],
    ]);
  });

  it("reopening a closed item needs a note; it clears 销号 and keeps the history", async () => {
    const noNote = cli(db, ["rectify", "update", id, "--status", "in-progress"]);
    expect(noNote.code, noNote.stderr).toBe(2);
    expect(noNote.stderr).toContain("needs a note saying why");
    const reopen = cli(db, [
      "rectify",
      "update",
      id,
      "--status",
      "in-progress",
      "--note",
      "暗访发现反弹",
      "--by",
      "督导组",
    ]);
    expect(reopen.code, reopen.stderr).toBe(0);
    expect(reopen.stdout).toContain("Reopened");
    const r = json<ShowJson>(cli(db, ["rectify", "show", id, "--json"]).stdout);
    expect(r.rectification).toMatchObject({ status: "in-progress", closedAt: null, closedBy: null });
    expect(r.history).toHaveLength(5);
    expect(r.history[3]).toMatchObject({ to: "closed", by: "王主任" });
  });

  it("needs --status, and a status it knows", async () => {
    const missing = cli(db, ["rectify", "update", id]);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain("--status");
    expect(cli(db, ["rectify", "update", id, "--status", "finished"]).code).toBe(2);
  });
});

describe("short ids", () => {
  it("an unknown id and an ambiguous prefix exit 2; the candidates are listed", async () => {
    const { db, store } = await fresh();
    // 17 rectifications: by pigeonhole two share their first hex digit.
    const answers = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a.item${i}`, "fail" as const]));
    await seedRun(store, { unit: "U", loaded: mini(1), answers });
    const ids = (await store.listRectifications()).map((r) => r.id);
    await store.close();
    const digit = [...new Set(ids.map((x) => x[0]!))].find((c) => ids.filter((x) => x[0] === c).length > 1)!;
    const sharing = ids.filter((x) => x.startsWith(digit));

    const amb = cli(db, ["rectify", "show", digit]);
    expect(amb.code, amb.stderr).toBe(2);
    expect(amb.stderr).toContain(`The id \`${digit}\` matches ${sharing.length} rectifications:`);
    for (const x of sharing) expect(amb.stderr).toContain(x.slice(0, 8));
    expect(amb.stderr).toContain("hint: Type more characters");

    const unknown = cli(db, ["rectify", "update", "zzzzzzzz", "--status", "done"]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain("No rectification with the id `zzzzzzzz`");

    const ok = cli(db, ["rectify", "show", sharing[0]!.slice(0, 8), "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(json<ShowJson>(ok.stdout).rectification.id).toBe(sharing[0]);
  });
});
