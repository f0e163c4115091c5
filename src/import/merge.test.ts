import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { writeVersion1WithDuplicates } from "../../test/fixtures/store/v1.js";
import { builtin, dump, makeSchool, rowCounts } from "../../test/helpers/school.js";
import { APPLICATION_ID } from "../store/db.js";
import { openStore, type Store } from "../store/store.js";
import { importAll } from "./index.js";
import { importDatabase } from "./merge.js";
import { expandSources } from "./sources.js";
import type { FileResult, KindCounts } from "./types.js";

let dir: string;
let target: Store;
const targetFile = () => path.join(dir, "county.db");

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-import-test-"));
  target = openStore(targetFile());
});
afterEach(() => {
  target.close();
  rmSync(dir, { recursive: true, force: true });
});

function ok(r: FileResult): KindCounts {
  if (!r.ok) throw new Error(`import failed: ${r.reason} ${r.detail}`);
  return r.counts;
}

/** Run SQL on a school's file, as if the school had gone on working (timestamps set explicitly). */
function edit(file: string, fn: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

const later = (iso: string, ms = 60_000) => new Date(Date.parse(iso) + ms).toISOString();

/** Deterministic bytes, so that a failing run can be reproduced. */
function noise(n: number, seed = 42): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >> 16;
  }
  return out;
}

describe("import", () => {
  test("the same file twice: the second time everything is unchanged and no row moves", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "3601210001" });
    const first = ok(importDatabase(target, a.file));
    expect(first.units.added).toBe(1);
    expect(first.runs.added).toBe(1);
    expect(first.answers.added).toBeGreaterThan(20);
    expect(first.rectifications.added).toBe(a.rectifications.length);
    expect(first.history.added).toBe(a.rectifications.length);
    const before = dump(targetFile());

    const second = ok(importDatabase(target, a.file));
    for (const counts of Object.values(second)) {
      expect(counts.added + counts.updated + counts.removed).toBe(0);
    }
    expect(second.answers.unchanged).toBe(first.answers.added);
    expect(dump(targetFile())).toEqual(before);
    // The county now holds exactly what the school holds.
    expect(rowCounts(targetFile())).toEqual(rowCounts(a.file));
  });

  test("two schools' files add up; the shared checklist snapshot is stored once", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    const b = makeSchool(path.join(dir, "b.db"), { unit: "莲塘二小", leaders: ["刘书记"] });
    const report = importAll(target, [
      { file: a.file, display: "a.db" },
      { file: b.file, display: "b.db" },
    ]);
    expect(report.failed).toBe(0);
    expect(report.totals.units.added).toBe(2);
    expect(report.totals.snapshots).toMatchObject({ added: 1, unchanged: 1 });
    expect(report.totals.runs.added).toBe(2);
    const counts = rowCounts(targetFile());
    const ca = rowCounts(a.file);
    const cb = rowCounts(b.file);
    expect(counts.answers).toBe((ca.answers ?? 0) + (cb.answers ?? 0));
    expect(counts.rectifications).toBe((ca.rectifications ?? 0) + (cb.rectifications ?? 0));
    expect(target.listUnits().map((u) => u.name)).toEqual(["莲塘一小", "莲塘二小"]);
  });

  test("a record changed since the last import: newer wins, history is a union", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    const rect = a.rectifications[0]!;
    const oldCopy = path.join(dir, "a-old.db");
    copyFileSync(a.file, oldCopy);
    ok(importDatabase(target, a.file));

    // The bureau follows up one rectification; the school later moves it on and revises a note.
    const bureauAt = later(rect.updatedAt, 60_000);
    target.changeRectification(rect.id, {
      toStatus: "in-progress",
      by: "督导组",
      note: "已督办",
      at: bureauAt,
    });
    const school = openStore(a.file);
    school.changeRectification(rect.id, {
      toStatus: "done",
      by: "赵主任",
      note: "已完成",
      at: later(rect.updatedAt, 120_000),
      patch: { progress: "已整改到位" },
    });
    const answer = school.listAnswers(a.run.id).find((x) => x.itemKey === rect.itemKey)!;
    school.close();
    edit(a.file, (db) =>
      db
        .prepare("UPDATE answers SET note = '补充说明', updated_at = ? WHERE id = ?")
        .run(later(answer.updatedAt, 180_000), answer.id),
    );

    const second = ok(importDatabase(target, a.file));
    expect(second.rectifications).toMatchObject({ updated: 1, added: 0 });
    expect(second.answers).toMatchObject({ updated: 1, added: 0 });
    expect(second.history.added).toBe(1);
    const merged = target.getRectification(rect.id)!;
    expect(merged.status).toBe("done");
    expect(merged.progress).toBe("已整改到位");
    expect(target.listHistory(rect.id).map((h) => [h.by, h.toStatus])).toEqual([
      ["王老师", "open"],
      ["督导组", "in-progress"],
      ["赵主任", "done"],
    ]);
    expect(target.listAnswers(a.run.id).find((x) => x.id === answer.id)?.note).toBe("补充说明");

    // The older copy arrives late: it loses everywhere and changes nothing.
    const before = dump(targetFile());
    const late = ok(importDatabase(target, oldCopy));
    expect(late.rectifications).toMatchObject({ added: 0, updated: 0 });
    expect(late.answers).toMatchObject({ added: 0, updated: 0 });
    expect(dump(targetFile())).toEqual(before);
  });

  test("the local version wins when it is newer than the incoming one", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    ok(importDatabase(target, a.file));
    const rect = a.rectifications[0]!;
    target.changeRectification(rect.id, {
      toStatus: "in-progress",
      by: "督导组",
      note: null,
      at: later(rect.updatedAt, 600_000),
    });
    // The school touched the same rectification, but earlier than the bureau did.
    edit(a.file, (db) =>
      db
        .prepare("UPDATE rectifications SET remark = '学校备注', updated_at = ? WHERE id = ?")
        .run(later(rect.updatedAt, 1_000), rect.id),
    );
    const r = ok(importDatabase(target, a.file));
    expect(r.rectifications.updated).toBe(0);
    const kept = target.getRectification(rect.id)!;
    expect(kept.status).toBe("in-progress");
    expect(kept.remark).toBeNull();
  });

  test("an answer under another id for the same (run, item): one row, the newer wins, the local id stays", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    const copy = path.join(dir, "a-other-pc.db");
    copyFileSync(a.file, copy);
    ok(importDatabase(target, a.file));
    const original = target.listAnswers(a.run.id)[0]!;
    edit(copy, (db) =>
      db
        .prepare("UPDATE answers SET id = 'another-id', note = '另一台电脑', updated_at = ? WHERE id = ?")
        .run(later(original.updatedAt), original.id),
    );
    const r = ok(importDatabase(target, copy));
    expect(r.answers).toMatchObject({ added: 0, updated: 1 });
    const rows = target.listAnswers(a.run.id).filter((x) => x.itemKey === original.itemKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: original.id, note: "另一台电脑" });
    // Importing it again changes nothing.
    const again = ok(importDatabase(target, copy));
    expect(again.answers.updated + again.answers.added).toBe(0);
  });

  test("a rectification under another id for the same (run, item): history re-pointed to the local one", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    const copy = path.join(dir, "a-other-pc.db");
    copyFileSync(a.file, copy);
    ok(importDatabase(target, a.file));
    const rect = a.rectifications[0]!;
    edit(copy, (db) => {
      db.pragma("foreign_keys = OFF");
      db.prepare(
        "UPDATE rectifications SET id = 'other-rect', owner = '钱老师', updated_at = ? WHERE id = ?",
      ).run(later(rect.updatedAt), rect.id);
      db.prepare(
        "UPDATE rectification_history SET id = 'other-history', rectification_id = 'other-rect' WHERE rectification_id = ?",
      ).run(rect.id);
    });
    const r = ok(importDatabase(target, copy));
    expect(r.rectifications).toMatchObject({ added: 0, updated: 1 });
    expect(r.history.added).toBe(1);
    expect(target.getRectification("other-rect")).toBeUndefined();
    expect(target.getRectification(rect.id)?.owner).toBe("钱老师");
    expect(target.listHistory(rect.id)).toHaveLength(2);
  });

  test("a unit matched by name under another id: its runs and rectifications are re-pointed to the local unit", () => {
    const local = target.ensureUnit("莲塘一小", { code: "3601210001", township: "莲塘镇", type: "小学" });
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    expect(a.unit.id).not.toBe(local.id);
    const r = ok(importDatabase(target, a.file));
    expect(r.units).toMatchObject({ added: 0 });
    expect(target.listUnits()).toHaveLength(1);
    expect(target.getRun(a.run.id)?.unitId).toBe(local.id);
    expect(target.listRectifications({ unitId: local.id })).toHaveLength(a.rectifications.length);
    // The roster's code and township are kept, not erased by the school's empty ones.
    expect(target.getUnit(local.id)).toMatchObject({ code: "3601210001", township: "莲塘镇", type: "小学" });
  });

  test("a unit matched by code under another name is the same unit", () => {
    const local = target.ensureUnit("南昌县莲塘第一小学", { code: "3601210001" });
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "3601210001" });
    ok(importDatabase(target, a.file));
    expect(target.listUnits()).toHaveLength(1);
    expect(target.getRun(a.run.id)?.unitId).toBe(local.id);
  });

  test("a unit renamed at the school since the last import is found by its id and renamed here", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小" });
    ok(importDatabase(target, a.file));
    edit(a.file, (db) =>
      db
        .prepare("UPDATE units SET name = '南昌县莲塘第一小学', updated_at = ? WHERE id = ?")
        .run(later(a.unit.updatedAt), a.unit.id),
    );
    const r = ok(importDatabase(target, a.file));
    expect(r.units).toMatchObject({ added: 0, updated: 1 });
    expect(target.listUnits().map((u) => u.name)).toEqual(["南昌县莲塘第一小学"]);
  });

  test("the same name with another code is reported, not merged, and its runs are skipped", () => {
    target.ensureUnit("莲塘一小", { code: "3601210001" });
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小", code: "9999" });
    const b = makeSchool(path.join(dir, "b.db"), { unit: "莲塘二小" });
    const report = importAll(target, [
      { file: a.file, display: "a.db" },
      { file: b.file, display: "b.db" },
    ]);
    const ra = report.files[0]!;
    expect(ra.ok && ra.conflicts).toEqual([
      { name: "莲塘一小", code: "9999", localCode: "3601210001", runsSkipped: 1 },
    ]);
    expect(ra.ok && ra.counts.runs.added).toBe(0);
    expect(ra.ok && ra.counts.answers.added).toBe(0);
    expect(report.runsSkipped).toBe(1);
    expect(target.getRun(a.run.id)).toBeUndefined();
    expect(target.getRun(b.run.id)).toBeDefined();
  });

  test("an answer revised to pass at the school drops the rectification; a late older copy does not bring it back", () => {
    const a = makeSchool(path.join(dir, "a.db"), { unit: "莲塘一小", finish: false });
    const v1 = path.join(dir, "a-v1.db");
    copyFileSync(a.file, v1);
    ok(importDatabase(target, a.file));
    const rect = a.rectifications[0]!;
    const school = openStore(a.file);
    const answer = school.listAnswers(a.run.id).find((x) => x.itemKey === rect.itemKey)!;
    school.saveAnswer(a.run.id, {
      itemKey: answer.itemKey,
      sectionId: answer.sectionId,
      itemId: answer.itemId,
      leader: answer.leader,
      result: "pass",
      note: null,
      evidence: null,
      naReason: null,
    });
    school.close();

    const r = ok(importDatabase(target, a.file));
    expect(r.rectifications.removed).toBe(1);
    expect(target.getRectification(rect.id)).toBeUndefined();
    expect(target.listHistory(rect.id)).toHaveLength(0);

    const late = ok(importDatabase(target, v1));
    expect(late.rectifications).toMatchObject({ added: 0, removed: 0 });
    expect(target.getRectification(rect.id)).toBeUndefined();
    expect(target.listAnswers(a.run.id).find((x) => x.itemKey === rect.itemKey)?.result).toBe("pass");
  });

  test("answers still in the school's WAL file are imported, and the school's files are left as they were", () => {
    const file = path.join(dir, "open.db");
    const school = openStore(file);
    try {
      const unit = school.ensureUnit("还开着的学校");
      school.createRun({
        unitId: unit.id,
        snapshot: school.saveSnapshot(builtin()),
        respondent: "王老师",
        leaders: [],
      });
      // Still open: the rows live in open.db-wal, not yet in open.db.
      expect(existsSync(`${file}-wal`)).toBe(true);
      const before = readdirSync(dir)
        .filter((f) => f.startsWith("open.db"))
        .map((f) => [f, readFileSync(path.join(dir, f)).toString("base64")]);
      const r = ok(importDatabase(target, file));
      expect(r.units.added).toBe(1);
      expect(r.runs.added).toBe(1);
      const after = readdirSync(dir)
        .filter((f) => f.startsWith("open.db"))
        .map((f) => [f, readFileSync(path.join(dir, f)).toString("base64")]);
      expect(after).toEqual(before);
    } finally {
      school.close();
    }
  });
});

describe("bad files are named with their reason; the target is untouched and the others still import", () => {
  function realSchool(name: string) {
    return makeSchool(path.join(dir, `${name}.db`), { unit: name });
  }

  test.each([
    [
      "corrupt",
      (file: string) => {
        const bytes = readFileSync(file);
        const start = 4096;
        noise(Math.floor(bytes.length / 2)).copy(bytes, start);
        writeFileSync(file, bytes);
      },
    ],
    [
      "corrupt",
      (file: string) => {
        const bytes = readFileSync(file);
        writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      },
    ],
    ["not-sqlite", (file: string) => writeFileSync(file, "这不是数据库\nnot a database\n".repeat(50))],
    [
      "foreign",
      (file: string) => {
        rmSync(file);
        const db = new Database(file);
        db.exec(
          "CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO students (name) VALUES ('张三');",
        );
        db.close();
      },
    ],
    ["newer", (file: string) => edit(file, (db) => db.pragma("user_version = 99"))],
    ["empty", (file: string) => writeFileSync(file, "")],
  ] as const)("%s", (reason, spoil) => {
    const good = realSchool("莲塘一小");
    ok(importDatabase(target, good.file));
    const bad = realSchool("坏学校");
    const other = realSchool("莲塘二小");
    spoil(bad.file);
    const before = dump(targetFile());

    const report = importAll(target, [
      { file: bad.file, display: "坏学校.db" },
      { file: other.file, display: "莲塘二小.db" },
    ]);
    const failed = report.files[0]!;
    expect(failed).toMatchObject({ ok: false, file: "坏学校.db", reason });
    if (reason === "newer") expect(failed.ok === false && failed.detail).toBe("99");
    expect(report.files[1]?.ok).toBe(true);
    expect(report.failed).toBe(1);

    // Only 莲塘二小's rows were added; nothing of the bad file reached the county.
    const after = dump(targetFile());
    expect(target.listUnits().map((u) => u.name)).toEqual(["莲塘一小", "莲塘二小"]);
    expect(after.answers?.length).toBe((before.answers?.length ?? 0) + (rowCounts(other.file).answers ?? 0));
    for (const row of before.answers ?? []) expect(after.answers).toContainEqual(row);
  });

  test("a failure in the middle of a merge rolls that file back entirely", () => {
    const a = realSchool("莲塘一小");
    // A run pointing at a snapshot nobody has: the foreign key fails after units were merged.
    edit(a.file, (db) => {
      db.pragma("foreign_keys = OFF");
      db.prepare("UPDATE runs SET checklist_hash = 'missing'").run();
    });
    const before = dump(targetFile());
    const r = importDatabase(target, a.file);
    expect(r).toMatchObject({ ok: false, reason: "failed" });
    expect(dump(targetFile())).toEqual(before);
  });

  test("the target database itself is refused", () => {
    const r = importDatabase(target, targetFile(), "county.db");
    expect(r).toMatchObject({ ok: false, reason: "self" });
  });

  test("a file written by an older lookback (lower user_version) is upgraded in the private copy only", () => {
    const file = path.join(dir, "old.db");
    const db = new Database(file);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.close();
    const size = statSync(file).size;
    const r = ok(importDatabase(target, file));
    expect(r.units.added).toBe(0);
    expect(statSync(file).size).toBe(size);
    const check = new Database(file, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(0);
    check.close();
  });
});

describe("sources", () => {
  test("a folder means every *.db in it, sorted; the target inside it is skipped", () => {
    const schools = path.join(dir, "收到的数据库");
    makeSchool(path.join(schools, "b.db"), { unit: "b" });
    makeSchool(path.join(schools, "a.DB"), { unit: "a" });
    writeFileSync(path.join(schools, "说明.txt"), "readme");
    const inside = path.join(schools, "county.db");
    copyFileSync(targetFile(), inside);
    const { sources, skippedTarget } = expandSources(["收到的数据库", "收到的数据库/b.db"], dir, inside);
    expect(sources.map((s) => s.display)).toEqual([
      path.join("收到的数据库", "a.DB"),
      path.join("收到的数据库", "b.db"),
    ]);
    expect(skippedTarget).toEqual([path.join("收到的数据库", "county.db")]);
  });

  test("a missing path or a folder without databases is a usage error", () => {
    expect(() => expandSources(["nowhere.db"], dir, targetFile())).toThrow(
      expect.objectContaining({ exitCode: 2 }),
    );
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    writeFileSync(path.join(empty, "x.txt"), "");
    expect(() => expandSources(["empty"], dir, targetFile())).toThrow(
      expect.objectContaining({ code: "import.noDb" }),
    );
  });
});

describe("rounds and the one-open-rectification rule", () => {
  test("a school still on the first schema, with duplicates, arrives migrated: nothing lost, one open", () => {
    const file = path.join(dir, "old-school.db");
    writeVersion1WithDuplicates(file);
    const before = readFileSync(file);
    ok(importDatabase(target, file));
    expect(readFileSync(file).equals(before)).toBe(true); // the school's file is never changed
    const rects = target.listRectifications();
    expect(rects.map((r) => [r.id, r.status, r.checklistId, r.continuedBy])).toEqual([
      ["x1", "in-progress", "mini", "x2"],
      ["x2", "open", "mini", null],
    ]);
    expect(
      target
        .listHistory("x1")
        .map((h) => h.id)
        .slice(0, 2),
    ).toEqual(["h1", "h2"]);
    expect(target.listAnswers("r2")[0]?.rectificationId).toBe("x2");
  });

  test("a file holding another open rectification of an item the bureau holds open is refused whole", () => {
    const file = path.join(dir, "old-school.db");
    writeVersion1WithDuplicates(file);
    ok(importDatabase(target, file));
    // The bureau's copy says x2 is closed and its item was found again in a run of its own.
    const unit = target.findUnitByName("莲塘一小")!;
    target.db
      .prepare(
        "UPDATE rectifications SET status = 'closed', updated_at = '2027-01-01T00:00:00.000Z' WHERE id = 'x2'",
      )
      .run();
    const snap = target.getSnapshot("h")!;
    const run = target.createRun({ unitId: unit.id, snapshot: snap, respondent: "督导组", leaders: [] });
    target.saveAnswer(run.id, {
      itemKey: "a.one",
      sectionId: "a",
      itemId: "one",
      leader: null,
      result: "fail",
      note: null,
      evidence: null,
      naReason: null,
      rectification: {
        problem: "督导发现",
        measure: "m",
        owner: "o",
        leaderInCharge: null,
        department: null,
        deadline: null,
        kind: "immediate",
        origin: "inspection",
        evidence: null,
      },
    });
    const other = path.join(dir, "other-copy.db");
    writeVersion1WithDuplicates(other);
    // The school reopened x2 later than the bureau closed it.
    edit(other, (db) => {
      db.prepare("UPDATE rectifications SET updated_at = '2027-02-01T00:00:00.000Z' WHERE id = 'x2'").run();
    });
    const snapshot = dump(targetFile());
    const r = importDatabase(target, other);
    expect(r).toMatchObject({ ok: false, reason: "open-twice" });
    expect(dump(targetFile())).toEqual(snapshot);
  });
});
