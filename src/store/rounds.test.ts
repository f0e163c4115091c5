// A unit's rectifications across rounds, as the store keeps them: one per problem until 销号,
// enforced by the database itself, and older files with duplicates brought over intact.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mini } from "../../test/fixtures/rectify/seed.js";
import { writeVersion1WithDuplicates } from "../../test/fixtures/store/v1.js";
import { type AnswerInput, openStore, type Store } from "./store.js";
import type { RectificationFields, Run } from "./types.js";

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-rounds-"));
  store = openStore(path.join(dir, "t.db"));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const fields = (problem: string, extra: Partial<RectificationFields> = {}): RectificationFields => ({
  problem,
  measure: "每周集中学习",
  owner: "刘主任",
  leaderInCharge: null,
  department: null,
  deadline: "2027-01-31",
  kind: "deadline",
  origin: "self-check",
  evidence: null,
  ...extra,
});

function answer(run: Run, result: AnswerInput["result"], more: Partial<AnswerInput> = {}) {
  return store.saveAnswer(run.id, {
    itemKey: "a.one",
    sectionId: "a",
    itemId: "one",
    leader: null,
    result,
    note: null,
    evidence: null,
    naReason: result === "na" ? "不涉及" : null,
    ...(result === "partial" || result === "fail" ? { rectification: fields("学习时间不足") } : {}),
    ...more,
  });
}

function newRun(): Run {
  const unit = store.ensureUnit("莲塘一小");
  return store.createRun({
    unitId: unit.id,
    snapshot: store.saveSnapshot(mini(1)),
    respondent: "张老师",
    leaders: [],
  });
}

describe("rounds continue the same rectification", () => {
  it("a later fail continues the open one: same id, fields revised, the round noted in the history", () => {
    const first = newRun();
    const opened = answer(first, "fail").rectification!;
    store.finishRun(first.id);
    const second = newRun();
    const again = answer(second, "partial", {
      rectification: fields("学习时间仍不足", { owner: "王老师" }),
      continueNote: "第2轮自查：基本符合，继续整改",
    });
    expect(again.continued).toBe(true);
    expect(again.rectification?.id).toBe(opened.id);
    expect(again.answer.rectificationId).toBe(opened.id);
    const all = store.listRectifications({ unitId: opened.unitId });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      runId: first.id,
      checklistId: "mini",
      problem: "学习时间仍不足",
      owner: "王老师",
    });
    expect(store.listHistory(opened.id).map((h) => [h.fromStatus, h.toStatus, h.note])).toEqual([
      [null, "open", null],
      ["open", "open", "第2轮自查：基本符合，继续整改"],
    ]);
    // Revising the answer within the round adds no second note.
    answer(second, "fail", { continueNote: "again" });
    expect(store.listHistory(opened.id)).toHaveLength(2);
  });

  it("a done one found again goes back to 整改中; a pass may mark an open one done, never closed", () => {
    const first = newRun();
    const r = answer(first, "fail").rectification!;
    store.changeRectification(r.id, { toStatus: "done", by: "刘主任", note: null });
    store.finishRun(first.id);
    const second = newRun();
    answer(second, "fail", { continueNote: "第2轮：不符合" });
    expect(store.getRectification(r.id)?.status).toBe("in-progress");
    // Revised to pass before the round ends: the earlier round's rectification stays.
    const passed = answer(second, "pass", { markDone: { progress: "已每周集中学习", note: "第2轮：符合" } });
    expect(passed.markedDone?.id).toBe(r.id);
    expect(store.getRectification(r.id)).toMatchObject({
      status: "done",
      progress: "已每周集中学习",
      closedAt: null,
    });
    expect(passed.answer.rectificationId).toBe(r.id);
    expect(store.listRectifications({ unitId: r.unitId })).toHaveLength(1);
  });

  it("a closed one found again is a new rectification (a relapse), and a pass this run opened drops it", () => {
    const first = newRun();
    const r = answer(first, "fail").rectification!;
    store.changeRectification(r.id, { toStatus: "done", by: null, note: null });
    store.changeRectification(r.id, {
      toStatus: "closed",
      by: "督导组",
      note: null,
      patch: { closedAt: "2026-11-01", closedBy: "督导组" },
    });
    store.finishRun(first.id);
    const second = newRun();
    const relapse = answer(second, "fail");
    expect(relapse.continued).toBe(false);
    expect(relapse.rectification?.id).not.toBe(r.id);
    expect(relapse.rectification?.runId).toBe(second.id);
    answer(second, "pass");
    expect(store.listRectifications({ unitId: r.unitId }).map((x) => x.id)).toEqual([r.id]);
  });

  it("the database refuses a second not-closed rectification for the same item, whatever the code does", () => {
    const first = newRun();
    const r = answer(first, "fail").rectification!;
    store.finishRun(first.id);
    const second = newRun();
    const insert = () =>
      store.db
        .prepare(
          `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, kind, origin,
             status, created_at, updated_at)
           VALUES ('dup', ?, ?, 'mini', 'a.one', 'p', 'm', 'o', 'deadline', 'self-check', 'open', 'x', 'x')`,
        )
        .run(second.id, r.unitId);
    expect(insert).toThrow(/UNIQUE constraint failed: rectifications\.unit_id, rectifications\.checklist_id/);
    store.db.prepare("UPDATE rectifications SET status = 'closed' WHERE id = ?").run(r.id);
    expect(insert).not.toThrow();
  });
});

describe("drafts", () => {
  it("keep each field as it comes, start afresh for another result, and go with the stored answer", () => {
    const run = newRun();
    store.saveDraft(run.id, "a.one", { result: "fail" });
    store.saveDraft(run.id, "a.one", { result: "fail", problem: "学习时间不足" });
    store.saveDraft(run.id, "a.one", { result: "fail", owner: "刘主", partialField: "owner" });
    expect(store.listDrafts(run.id)).toMatchObject([
      {
        itemKey: "a.one",
        result: "fail",
        problem: "学习时间不足",
        owner: "刘主",
        partialField: "owner",
        measure: null,
      },
    ]);
    store.saveDraft(run.id, "a.one", { result: "pass", markDone: true });
    expect(store.listDrafts(run.id)).toMatchObject([{ result: "pass", problem: null, markDone: true }]);
    answer(run, "pass");
    expect(store.listDrafts(run.id)).toEqual([]);
  });
});

describe("an older database with duplicates", () => {
  it("is migrated without losing or changing a row: the older open one is continued by the newer", () => {
    store.close();
    const file = path.join(dir, "old.db");
    writeVersion1WithDuplicates(file);
    store = openStore(file);
    const rects = store.listRectifications({ unitId: "u" });
    expect(rects.map((r) => [r.id, r.problem, r.status, r.checklistId, r.continuedBy])).toEqual([
      ["x1", "第一轮", "in-progress", "mini", "x2"],
      ["x2", "第二轮", "open", "mini", null],
    ]);
    const history = store.listHistory("x1");
    expect(history.slice(0, 2).map((h) => h.id)).toEqual(["h1", "h2"]);
    expect(history[2]).toMatchObject({ by: "lookback", fromStatus: "in-progress", toStatus: "in-progress" });
    expect(history[2]?.note).toContain("x2");
    expect(history[2]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(store.listAnswers("r2")[0]?.rectificationId).toBe("x2");
    expect(store.listAnswers("r1")[0]?.rectificationId).toBe("x1");
    expect(store.db.pragma("foreign_key_check")).toEqual([]);
    // From now on the database holds the rule itself.
    expect(() =>
      store.db.prepare("UPDATE rectifications SET continued_by = NULL WHERE id = 'x1'").run(),
    ).toThrow(/UNIQUE/);
  });
});
