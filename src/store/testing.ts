// The store's behaviour, written once against the port and run against every engine:
// src/store/sql/store.test.ts runs it on SQLite, src/store/pg/store.test.ts on PostgreSQL.
// Each test gets a fresh, empty database from the factory. Not shipped (the build leaves it
// out): it needs vitest.
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadChecklistSet } from "../checklist/load.js";
import type { LoadedChecklist } from "../checklist/schema.js";
import type { Params } from "./driver.js";
import {
  type AnswerInput,
  RectificationChanged,
  type RectificationRow,
  RunAlreadyOpen,
  type Store,
} from "./port.js";
import { describeEvidence } from "./testing-evidence.js";
import { describeLedgerReads } from "./testing-ledgers.js";
import type { RectificationFields, Run } from "./types.js";

export interface StoreFixture {
  store: Store;
  /** Raw SQL on the same database (portable dialect): for what the database itself must refuse. */
  sql(text: string, params?: Params): Promise<unknown>;
  /** Closes the store and removes the database. */
  dispose(): Promise<void>;
}

const checklists = new Map<number, LoadedChecklist>();

/** The `mini` checklist of the test fixtures, version 1 or 2 (a.three replaced by a.four). */
export function miniChecklist(version: 1 | 2 = 1): LoadedChecklist {
  let loaded = checklists.get(version);
  if (!loaded) {
    const dir = path.resolve(`test/fixtures/rectify/v${version}`);
    loaded = loadChecklistSet({ checklistsDir: dir, cwd: dir }).checklists.find(
      (c) => c.checklist.id === "mini",
    );
    if (!loaded) throw new Error(`mini v${version} did not load`);
    checklists.set(version, loaded);
  }
  return loaded;
}

export const fields = (problem: string, extra: Partial<RectificationFields> = {}): RectificationFields => ({
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

/** An answer to `itemKey` (default a.one), with a rectification when it is partial or fail. */
export function answerInput(result: AnswerInput["result"], more: Partial<AnswerInput> = {}): AnswerInput {
  const itemKey = more.itemKey ?? "a.one";
  const [sectionId = "", itemId = ""] = itemKey.split("@")[0]!.split(".");
  return {
    itemKey,
    sectionId,
    itemId,
    leader: null,
    result,
    note: null,
    evidence: null,
    naReason: result === "na" ? "不涉及" : null,
    ...(result === "partial" || result === "fail" ? { rectification: fields("学习时间不足") } : {}),
    ...more,
  };
}

/** Whatever `p` rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** The behaviour every engine's store must show. */
export function describeStore(
  engine: string,
  make: () => Promise<StoreFixture>,
  skip: string | false = false,
): void {
  describe.skipIf(skip !== false)(`store on ${engine}${skip ? ` (skipped: ${skip})` : ""}`, () => {
    let fx: StoreFixture;
    let store: Store;
    beforeEach(async () => {
      fx = await make();
      store = fx.store;
    });
    afterEach(async () => {
      await fx?.dispose();
    });

    const newRun = async (unitName = "莲塘一小", version: 1 | 2 = 1): Promise<Run> => {
      const unit = await store.ensureUnit(unitName);
      return store.createRun({
        unitId: unit.id,
        snapshot: await store.saveSnapshot(miniChecklist(version)),
        respondent: "张老师",
        leaders: [],
      });
    };
    const answer = (run: Run, result: AnswerInput["result"], more: Partial<AnswerInput> = {}) =>
      store.saveAnswer(run.id, answerInput(result, more));
    const ctx = { store: () => store, fx: () => fx, newRun, answer };

    describeRounds(ctx);
    describeUnits(ctx);
    describeRuns(ctx);
    describeRectifications(ctx);
    describeTransactions(ctx);
    describeSets(ctx);
    describeEvidence(ctx);
    describeLedgerReads(ctx);
    describeInspection(ctx);
  });
}

// Each describe… function below is a list of tests (one `it` each, none long): longer than a
// screen as a list, not as logic.
export interface StoreCtx {
  store(): Store;
  fx(): StoreFixture;
  newRun(unitName?: string, version?: 1 | 2): Promise<Run>;
  answer(
    run: Run,
    result: AnswerInput["result"],
    more?: Partial<AnswerInput>,
  ): ReturnType<Store["saveAnswer"]>;
}

// A group of conformance tests on rounds, one `it` per rule: it is long because the list of
// rules is; each test inside is short.
function describeRounds({ store, fx, newRun, answer }: StoreCtx): void {
  describe("rounds continue the same rectification", () => {
    it("a later fail continues the open one: same id, fields revised, the round noted in the history", async () => {
      const first = await newRun();
      const opened = (await answer(first, "fail")).rectification!;
      await store().finishRun(first.id);
      const second = await newRun();
      const again = await answer(second, "partial", {
        rectification: fields("学习时间仍不足", { owner: "王老师" }),
        continueNote: "第2轮自查：基本符合，继续整改",
      });
      expect(again.continued).toBe(true);
      expect(again.rectification?.id).toBe(opened.id);
      expect(again.answer.rectificationId).toBe(opened.id);
      const all = await store().listRectifications({ unitId: opened.unitId });
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({
        runId: first.id,
        checklistId: "mini",
        problem: "学习时间仍不足",
        owner: "王老师",
      });
      expect((await store().listHistory(opened.id)).map((h) => [h.fromStatus, h.toStatus, h.note])).toEqual([
        [null, "open", null],
        ["open", "open", "第2轮自查：基本符合，继续整改"],
      ]);
      // Revising the answer within the round adds no second note.
      await answer(second, "fail", { continueNote: "again" });
      expect(await store().listHistory(opened.id)).toHaveLength(2);
    });

    it("a done one found again goes back to 整改中; a pass may mark an open one done, never closed", async () => {
      const first = await newRun();
      const r = (await answer(first, "fail")).rectification!;
      await store().changeRectification(r.id, { toStatus: "done", by: "刘主任", note: null });
      await store().finishRun(first.id);
      const second = await newRun();
      await answer(second, "fail", { continueNote: "第2轮：不符合" });
      expect((await store().getRectification(r.id))?.status).toBe("in-progress");
      // Revised to pass before the round ends: the earlier round's rectification stays.
      const passed = await answer(second, "pass", {
        markDone: { progress: "已每周集中学习", note: "第2轮：符合" },
      });
      expect(passed.markedDone?.id).toBe(r.id);
      expect(await store().getRectification(r.id)).toMatchObject({
        status: "done",
        progress: "已每周集中学习",
        closedAt: null,
      });
      expect(passed.answer.rectificationId).toBe(r.id);
      expect(await store().listRectifications({ unitId: r.unitId })).toHaveLength(1);
      // Still linked when the pass is given again without marking anything.
      expect((await answer(second, "pass")).answer.rectificationId).toBe(r.id);
    });

    it("a closed one found again is a new rectification (a relapse), and a pass this run opened drops it", async () => {
      const first = await newRun();
      const r = (await answer(first, "fail")).rectification!;
      await store().changeRectification(r.id, { toStatus: "done", by: null, note: null });
      await store().changeRectification(r.id, {
        toStatus: "closed",
        by: "督导组",
        note: null,
        patch: { closedAt: "2026-11-01", closedBy: "督导组" },
      });
      await store().finishRun(first.id);
      const second = await newRun();
      const relapse = await answer(second, "fail");
      expect(relapse.continued).toBe(false);
      expect(relapse.rectification?.id).not.toBe(r.id);
      expect(relapse.rectification?.runId).toBe(second.id);
      await answer(second, "pass");
      expect((await store().listRectifications({ unitId: r.unitId })).map((x) => x.id)).toEqual([r.id]);
    });

    it("the database refuses a second not-closed rectification for the same item, whatever the code does", async () => {
      const first = await newRun();
      const r = (await answer(first, "fail")).rectification!;
      await store().finishRun(first.id);
      const second = await newRun();
      const insert = () =>
        fx().sql(
          `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, kind,
             origin, status, created_at, updated_at)
           VALUES ('dup', ?, ?, 'mini', 'a.one', 'p', 'm', 'o', 'deadline', 'self-check', 'open', 'x', 'x')`,
          [second.id, r.unitId],
        );
      expect(String(await rejection(insert()))).toMatch(/unique|duplicate/i);
      await fx().sql("UPDATE rectifications SET status = 'closed' WHERE id = ?", [r.id]);
      await insert();
      expect(await store().listRectifications({ unitId: r.unitId, itemKey: "a.one" })).toHaveLength(2);
    });

    it("a finished run's answers no longer change; a problem needs its rectification", async () => {
      const run = await newRun();
      expect(String(await rejection(answer(run, "fail", { rectification: undefined })))).toMatch(
        /needs its rectification/,
      );
      await answer(run, "pass");
      await store().finishRun(run.id);
      expect(String(await rejection(answer(run, "fail")))).toMatch(/complete/);
      expect((await store().listAnswers(run.id)).map((a) => a.result)).toEqual(["pass"]);
    });

    it("answers come back in the order first given, revised in place", async () => {
      const run = await newRun();
      await answer(run, "pass", { itemKey: "a.two" });
      await answer(run, "na", { itemKey: "a.one" });
      await answer(run, "fail", { itemKey: "a.two" });
      const list = await store().listAnswers(run.id);
      expect(list.map((a) => [a.itemKey, a.result])).toEqual([
        ["a.two", "fail"],
        ["a.one", "na"],
      ]);
      expect(list[0]?.rectificationId).toBeTruthy();
      expect(list[1]?.naReason).toBe("不涉及");
    });
  });

  describe("drafts", () => {
    it("keep each field as it comes, start afresh for another result, and go with the stored answer", async () => {
      const run = await newRun();
      await store().saveDraft(run.id, "a.one", { result: "fail" });
      await store().saveDraft(run.id, "a.one", { result: "fail", problem: "学习时间不足" });
      const kept = await store().saveDraft(run.id, "a.one", {
        result: "fail",
        owner: "刘主",
        partialField: "owner",
      });
      expect(kept).toMatchObject({ owner: "刘主", problem: "学习时间不足", partialField: "owner" });
      await store().saveDraft(run.id, "a.two", {
        result: "na",
        naReason: "不涉及",
        partialField: "naReason",
      });
      expect(await store().listDrafts(run.id)).toMatchObject([
        {
          itemKey: "a.one",
          result: "fail",
          problem: "学习时间不足",
          owner: "刘主",
          partialField: "owner",
          measure: null,
        },
        { itemKey: "a.two", result: "na", naReason: "不涉及", partialField: "naReason" },
      ]);
      await store().saveDraft(run.id, "a.one", { result: "pass", markDone: true });
      // Found by item: both drafts may carry the same millisecond (the order is then by key).
      expect((await store().listDrafts(run.id)).find((d) => d.itemKey === "a.one")).toMatchObject({
        result: "pass",
        problem: null,
        markDone: true,
      });
      await answer(run, "pass");
      expect((await store().listDrafts(run.id)).map((d) => d.itemKey)).toEqual(["a.two"]);
      await store().deleteDraft(run.id, "a.two");
      expect(await store().listDrafts(run.id)).toEqual([]);
    });
  });
}

function describeUnits({ store, fx, newRun, answer }: StoreCtx): void {
  describe("units", () => {
    it("a name is one unit, look-alikes included; codes and roster fields are kept", async () => {
      const u = await store().ensureUnit("莲塘一小", { code: "3601", township: "莲塘镇", type: "小学" });
      expect(await store().ensureUnit("莲塘一小")).toEqual(u);
      // Full-width spaces and a zero-width space fold to the same key.
      expect((await store().ensureUnit("莲塘\u200b一小")).id).toBe(u.id);
      expect((await store().findUnitByName("莲塘　一小"))?.id).toBe(u.id);
      expect((await store().findUnitByCode("3601"))?.id).toBe(u.id);
      expect(await store().findUnitByName("莲塘二小")).toBeUndefined();
      expect(String(await rejection(store().ensureUnit("  ")))).toMatch(/not a valid unit name/);
      const renamed = await store().updateUnit(u.id, { name: "莲塘第一小学", type: "完小" });
      expect(renamed).toMatchObject({ name: "莲塘第一小学", code: "3601", township: "莲塘镇", type: "完小" });
      expect(await store().getUnit(u.id)).toMatchObject({ name: "莲塘第一小学", type: "完小" });
    });

    it("lists units by name (code point order) and names in the order they were made", async () => {
      for (const name of ["b校", "a校", "C校"]) await store().ensureUnit(name);
      expect((await store().listUnits()).map((u) => u.name)).toEqual(["C校", "a校", "b校"]);
      expect((await store().unitNames()).map((u) => u.name)).toEqual(["b校", "a校", "C校"]);
      expect((await store().unitNames())[0]?.key).toBeTruthy();
      const all = await store().unitIdsAndNames();
      expect(all.names).toEqual(["b校", "a校", "C校"]);
      expect(all.ids).toEqual((await store().unitNames()).map((u) => u.id));
    });

    it("unitIdsAndNames in a transaction streams (the transaction goes on after it)", async () => {
      for (const name of ["甲校", "乙校"]) await store().ensureUnit(name);
      const seen = await store().read(async (tx) => {
        const all = await tx.unitIdsAndNames();
        return { all, units: (await tx.listUnits()).length };
      });
      expect(seen.all.names).toEqual(["甲校", "乙校"]);
      expect(seen.units).toBe(2);
    });

    it("names near a name: those of its numbers and school level only, renames included", async () => {
      for (const name of ["莲塘第一小学", "莲塘一中", "向塘一小", "莲塘二小"]) await store().ensureUnit(name);
      const near = async (name: string) => (await store().unitNamesNear(name)).map((u) => u.name);
      // 一小 is the group of 莲塘一小, 莲塘第一小学 and 向塘一小; 一中 and 二小 are other groups.
      expect(await near("莲塘一小")).toEqual(["莲塘第一小学", "向塘一小"]);
      expect(await near("莲塘二小")).toEqual(["莲塘二小"]);
      const second = (await store().findUnitByName("莲塘二小"))!;
      await store().updateUnit(second.id, { name: "莲塘第一小学分校" });
      expect(await near("莲塘一小")).toEqual(["莲塘第一小学", "向塘一小", "莲塘第一小学分校"]);
      expect(await near("莲塘二小")).toEqual([]);
      expect((await store().unitNamesNear("莲塘一小"))[0]?.key).toBeTruthy();
    });

    it("the database refuses two units of one name, and two of one code", async () => {
      await store().ensureUnit("莲塘一小", { code: "1" });
      const add = (id: string, name: string, code: string | null) =>
        fx().sql(
          "INSERT INTO units (id, name, code, created_at, updated_at, name_key) VALUES (?, ?, ?, 'x', 'x', ?)",
          [id, name, code, name],
        );
      expect(String(await rejection(add("u2", "莲塘一小", null)))).toMatch(/unique|duplicate/i);
      expect(String(await rejection(add("u3", "莲塘二小", "1")))).toMatch(/unique|duplicate/i);
    });

    it("merge moves runs and rectifications, sets aside FROM's unfinished run, records the merge", async () => {
      const fromRun = await newRun("莲塘一小（旧）");
      const rect = (await answer(fromRun, "fail", { itemKey: "a.two" })).rectification!;
      const intoRun = await newRun("莲塘一小");
      const from = (await store().getUnit(fromRun.unitId))!;
      await store().updateUnit(from.id, { code: "3601", township: "莲塘镇" });
      const outcome = await store().mergeUnit(from.id, intoRun.unitId);
      expect(outcome).toMatchObject({ runs: 1, rectifications: 1, setAside: 1 });
      expect(outcome.into).toMatchObject({
        id: intoRun.unitId,
        name: "莲塘一小",
        code: "3601",
        township: "莲塘镇",
      });
      expect(await store().getUnit(from.id)).toBeUndefined();
      expect((await store().getRectification(rect.id))?.unitId).toBe(intoRun.unitId);
      expect((await store().listRuns({ unitId: intoRun.unitId })).map((r) => r.id)).toEqual([intoRun.id]);
      const all = await store().listRuns({ unitId: intoRun.unitId, includeSetAside: true });
      expect(all.find((r) => r.id === fromRun.id)?.supersededBy).toBe(intoRun.id);
      expect((await store().mergedInto(from.id, "whatever"))?.id).toBe(intoRun.unitId);
      expect((await store().mergedInto("unknown", "莲塘一小（旧）"))?.id).toBe(intoRun.unitId);
      expect(await store().mergedInto("unknown", "别的学校")).toBeUndefined();
      expect(String(await rejection(store().mergeUnit(intoRun.unitId, intoRun.unitId)))).toMatch(
        /cannot merge/,
      );
    });

    it("a chain of merges leads to the last unit", async () => {
      const a = await store().ensureUnit("甲校");
      const b = await store().ensureUnit("乙校");
      const c = await store().ensureUnit("丙校");
      await store().mergeUnit(a.id, b.id);
      await store().mergeUnit(b.id, c.id);
      expect((await store().mergedInto(a.id, "甲校"))?.id).toBe(c.id);
    });
  });
}

function describeRuns({ store, fx, newRun, answer }: StoreCtx): void {
  describe("runs", () => {
    it("runs found by the start of their id (as a person types it), by id, a limit kept", async () => {
      const snapshot = await store().saveSnapshot(miniChecklist(1));
      const made = async (id: string, unitName: string) =>
        store().createRun({
          id,
          unitId: (await store().ensureUnit(unitName)).id,
          snapshot,
          respondent: "张老师",
          leaders: [],
        });
      const b = await made("abc10000-0000-4000-8000-000000000002", "莲塘一小");
      const a = await made("abc10000-0000-4000-8000-000000000001", "莲塘二小");
      const c = await made("abd20000-0000-4000-8000-000000000003", "莲塘三小");
      expect((await store().findRuns("abc1")).map((r) => r.id)).toEqual([a.id, b.id]);
      expect((await store().findRuns("ABD")).map((r) => r.id)).toEqual([c.id]);
      expect((await store().findRuns("ab", 2)).map((r) => r.id)).toEqual([a.id, b.id]);
      expect(await store().findRuns("f")).toEqual([]);
      expect(await store().read((tx) => tx.findRuns(a.id))).toMatchObject([{ id: a.id, unitId: a.unitId }]);
    });

    it("one unfinished run per unit and checklist: a second is RunAlreadyOpen, naming the open one", async () => {
      const first = await newRun();
      const e = await rejection(newRun());
      expect(e).toBeInstanceOf(RunAlreadyOpen);
      expect((e as RunAlreadyOpen).open.id).toBe(first.id);
      // Another checklist, or another unit, is not the same run.
      await newRun("莲塘二小");
      await store().finishRun(first.id);
      const second = await newRun();
      expect(await store().latestRun(first.unitId, "mini", { unfinishedOnly: true })).toMatchObject({
        id: second.id,
      });
      expect((await store().latestRun(first.unitId, "mini"))?.id).toBe(second.id);
      // The rule is the database's own, whatever writes to it.
      await store().supersedeRun(second.id, first.id);
      const third = await newRun();
      expect(
        String(await rejection(fx().sql("UPDATE runs SET superseded_by = NULL WHERE id = ?", [second.id]))),
      ).toMatch(/unique|duplicate/i);
      expect((await store().getRun(third.id))?.status).toBe("in-progress");
    });

    it("a run set aside is kept with its answers, never the latest, listed only when asked", async () => {
      const first = await newRun();
      await answer(first, "pass");
      await store().supersedeRun(first.id, "later");
      const second = await newRun();
      expect((await store().getRun(first.id))?.supersededBy).toBe("later");
      expect((await store().listRuns()).map((r) => r.id)).toEqual([second.id]);
      expect((await store().listRuns({ includeSetAside: true })).map((r) => r.id)).toEqual([
        first.id,
        second.id,
      ]);
      expect((await store().latestRun(second.unitId, "mini"))?.id).toBe(second.id);
      expect(await store().listAnswers(first.id)).toHaveLength(1);
    });

    it("runs are listed in the order they were stored, whatever clock wrote their start times; filtered by unit and checklist", async () => {
      const a = await newRun("甲校");
      const b = await newRun("乙校");
      // A machine whose clock was years behind: its start time changes nothing in the order.
      await fx().sql("UPDATE runs SET started_at = '2020-01-01T00:00:00.000Z' WHERE id = ?", [b.id]);
      expect((await store().listRuns()).map((r) => r.id)).toEqual([a.id, b.id]);
      expect((await store().listRuns({ unitId: a.unitId })).map((r) => r.id)).toEqual([a.id]);
      expect(await store().listRuns({ checklistId: "other" })).toEqual([]);
      expect(await store().runChecklists()).toEqual(["mini"]);
      expect(await store().runChecklists(a.unitId)).toEqual(["mini"]);
      expect(await store().runChecklists("nobody")).toEqual([]);
      expect(await store().runSnapshotHashes()).toEqual([a.checklistHash]);
    });

    it("updateRun and finishRun change what they say; the snapshot is kept once, by content", async () => {
      const run = await newRun();
      const updated = await store().updateRun(run.id, {
        respondent: "李老师",
        leaders: ["张书记"],
        answersFileHash: "abc",
      });
      expect(updated).toMatchObject({ respondent: "李老师", leaders: ["张书记"], answersFileHash: "abc" });
      expect(await store().getRun(run.id)).toMatchObject({ respondent: "李老师", leaders: ["张书记"] });
      const done = await store().finishRun(run.id);
      expect(done.status).toBe("complete");
      expect(done.finishedAt).toBeTruthy();
      const snap = await store().saveSnapshot(miniChecklist(1));
      expect(snap.hash).toBe(run.checklistHash);
      expect((await store().getSnapshot(run.checklistHash))?.content).toBe(miniChecklist(1).text);
      expect(await store().getSnapshot("nothing")).toBeUndefined();
      expect(await store().getRun("nothing")).toBeUndefined();
    });

    it("the database has an id of its own, the same each time it is asked", async () => {
      const id = await store().databaseId();
      expect(id).toMatch(/^[0-9a-f]{16,}$/);
      expect(await store().databaseId()).toBe(id);
    });
  });
}

// A group of conformance tests on rectifications, one `it` per rule: it is long because the list of
// rules is; each test inside is short.
function describeRectifications({ store, fx, newRun, answer }: StoreCtx): void {
  describe("rectifications", () => {
    it("a status change is refused when the rectification changed since it was read", async () => {
      const run = await newRun();
      const r = (await answer(run, "fail")).rectification!;
      const moved = await store().changeRectification(r.id, {
        toStatus: "in-progress",
        by: "刘主任",
        note: "开始整改",
        expectedRev: r.rev,
      });
      expect(moved.rev).toBe(r.rev + 1);
      expect((await store().getRectification(r.id))?.rev).toBe(moved.rev);
      const e = await rejection(
        store().changeRectification(r.id, { toStatus: "done", by: "王老师", note: null, expectedRev: r.rev }),
      );
      expect(e).toBeInstanceOf(RectificationChanged);
      expect((e as RectificationChanged).current).toMatchObject({ status: "in-progress", rev: moved.rev });
      expect((await store().listHistory(r.id)).map((h) => h.toStatus)).toEqual(["open", "in-progress"]);
    });

    it("several officers at once: one move wins, the others are refused, the history stays whole", async () => {
      const run = await newRun();
      const r = (await answer(run, "fail")).rectification!;
      const tries = ["甲", "乙", "丙", "丁"].map((by) =>
        store().changeRectification(r.id, { toStatus: "in-progress", by, note: null, expectedRev: r.rev }),
      );
      const settled = await Promise.allSettled(tries);
      expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
      for (const s of settled.filter((x) => x.status === "rejected")) {
        expect((s as PromiseRejectedResult).reason).toBeInstanceOf(RectificationChanged);
      }
      const history = await store().listHistory(r.id);
      expect(history.map((h) => [h.fromStatus, h.toStatus])).toEqual([
        [null, "open"],
        ["open", "in-progress"],
      ]);
    });

    it("history is in the order it was written, whatever the clocks said", async () => {
      const run = await newRun();
      const r = (await answer(run, "fail")).rectification!;
      await store().changeRectification(r.id, {
        toStatus: "in-progress",
        by: null,
        note: "1",
        at: "2099-01-01T00:00:00.000Z",
      });
      await store().changeRectification(r.id, {
        toStatus: "done",
        by: null,
        note: "2",
        at: "2001-01-01T00:00:00.000Z",
      });
      await store().changeRectification(r.id, {
        toStatus: "closed",
        by: "督导组",
        note: "3",
        patch: { closedAt: "2026-12-01", closedBy: "督导组" },
      });
      expect((await store().listHistory(r.id)).map((h) => h.note)).toEqual([null, "1", "2", "3"]);
      expect(await store().getRectification(r.id)).toMatchObject({
        status: "closed",
        closedBy: "督导组",
        closedAt: "2026-12-01",
      });
    });

    it("lists by the day found, then item key; filters by unit, run, status, checklist and item", async () => {
      const run = await newRun();
      const b = (await answer(run, "fail", { itemKey: "a.two" })).rectification!;
      const a = (await answer(run, "partial", { itemKey: "a.one" })).rectification!;
      await fx().sql("UPDATE rectifications SET created_at = '2026-01-01T00:00:00.000Z'");
      expect((await store().listRectifications()).map((r) => r.id)).toEqual([a.id, b.id]);
      expect(
        (await store().listRectifications({ runId: run.id, itemKey: "a.two" })).map((r) => r.id),
      ).toEqual([b.id]);
      expect(await store().listRectifications({ status: "done" })).toEqual([]);
      expect(await store().listRectifications({ checklistId: "mini", unitId: run.unitId })).toHaveLength(2);
      expect(await store().listRectifications({ unitId: "nobody" })).toEqual([]);
    });

    it("short ids: 8 characters, longer where another id shares them; prefixes find by id", async () => {
      const run = await newRun();
      const real = (await answer(run, "fail")).rectification!;
      // In one statement: the ids it adds are each other's neighbours.
      const row = "(?, ?, ?, 'mini', ?, 'p', 'm', 'o', 'deadline', 'self-check', 'closed', 'x', 'x')";
      await fx().sql(
        `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, kind,
           origin, status, created_at, updated_at) VALUES ${[row, row, row].join(", ")}`,
        (
          [
            ["abcdef01-1111-4000-8000-000000000000", "k1"],
            ["abcdef01-2222-4000-8000-000000000000", "k2"],
            ["abcdef02-0000-4000-8000-000000000000", "k3"],
          ] as const
        ).flatMap(([id, key]) => [id, run.id, run.unitId, key]),
      );
      const ids = [
        "abcdef01-1111-4000-8000-000000000000",
        "abcdef01-2222-4000-8000-000000000000",
        "abcdef02-0000-4000-8000-000000000000",
        real.id,
      ];
      const short = await store().shortIds(ids);
      expect([...short.values()]).toEqual(["abcdef01-1", "abcdef01-2", "abcdef02", real.id.slice(0, 8)]);
      expect((await store().findRectifications("abcdef01")).map((r) => r.itemKey)).toEqual(["k1", "k2"]);
      expect((await store().findRectifications("ABCDEF", 2)).map((r) => r.itemKey)).toEqual(["k1", "k2"]);
      expect(await store().findRectifications("abcdef03")).toEqual([]);
      expect((await store().shortIds([])).size).toBe(0);
    });

    it("short ids follow the ids stored: one removed gives its neighbour its 8 characters back", async () => {
      const run = await newRun();
      const real = (await answer(run, "fail")).rectification!;
      const twin = `${real.id.slice(0, 35)}${real.id.endsWith("0") ? "1" : "0"}`;
      await fx().sql(
        `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, kind,
           origin, status, created_at, updated_at)
         VALUES (?, ?, ?, 'mini', 'k1', 'p', 'm', 'o', 'deadline', 'self-check', 'closed', 'x', 'x')`,
        [twin, run.id, run.unitId],
      );
      // 35 characters shared: each needs all 36.
      expect([...(await store().shortIds([real.id, twin])).values()]).toEqual([real.id, twin]);
      const listed = await collect(store().iterateRectifications({ runId: run.id }));
      expect(listed.map((r) => r.shortId).sort()).toEqual([real.id, twin].sort());
      // The same item passes in the same run: the run's own rectification no longer stands.
      await answer(run, "pass");
      expect(await store().getRectification(real.id)).toBeUndefined();
      expect([...(await store().shortIds([twin])).values()]).toEqual([twin.slice(0, 8)]);
    });
  });
}

function describeTransactions({ store, newRun, answer }: StoreCtx): void {
  describe("transactions", () => {
    it("write commits all or nothing; its error is passed on", async () => {
      const boom = new Error("boom");
      const e = await rejection(
        store().write(async (tx) => {
          await tx.ensureUnit("甲校");
          await tx.ensureUnit("乙校");
          throw boom;
        }),
      );
      expect(e).toBe(boom);
      expect(await store().listUnits()).toEqual([]);
      const names = await store().write(async (tx) => {
        await tx.ensureUnit("甲校");
        return (await tx.listUnits()).map((u) => u.name);
      });
      expect(names).toEqual(["甲校"]);
    });

    it("a savepoint's failure rolls back to it alone", async () => {
      const run = await newRun();
      await store().write(async (tx) => {
        await tx.saveAnswer(run.id, answerInput("pass", { itemKey: "a.one" }));
        const e = await rejection(
          tx.savepoint(async (sp) => {
            await sp.saveAnswer(run.id, answerInput("pass", { itemKey: "a.two" }));
            await sp.createRun({
              unitId: run.unitId,
              snapshot: (await sp.getSnapshot(run.checklistHash))!,
              respondent: "x",
              leaders: [],
            });
          }),
        );
        expect(e).toBeInstanceOf(RunAlreadyOpen);
        await tx.saveAnswer(run.id, answerInput("na", { itemKey: "a.three" }));
      });
      expect((await store().listAnswers(run.id)).map((a) => a.itemKey)).toEqual(["a.one", "a.three"]);
    });

    it("answers given at once all land, each with its rectification", async () => {
      const run = await newRun();
      const keys = ["a.one", "a.two", "a.three"];
      await Promise.all(keys.map((itemKey) => answer(run, "fail", { itemKey })));
      const rects = await store().listRectifications({ runId: run.id });
      expect(rects.map((r) => r.itemKey).sort()).toEqual([...keys].sort());
      expect((await store().listAnswers(run.id)).every((a) => a.rectificationId !== null)).toBe(true);
    });

    it("read sees one state across its calls", async () => {
      const run = await newRun();
      await answer(run, "fail");
      const seen = await store().read(async (tx) => {
        const runs = await tx.listRuns();
        const rects = await tx.listRectifications({ runId: runs[0]!.id });
        return [runs.length, rects.length];
      });
      expect(seen).toEqual([1, 1]);
    });
  });
}

/**
 * Rows that a database from before short ids were kept (SINCE_SHORT_ID - 1) may hold: three
 * rectifications, two sharing their first 9 characters. Portable SQL, one statement each.
 */
export const SHARED_PREFIX_ROWS: readonly string[] = [
  "INSERT INTO units (id, name, created_at, updated_at) VALUES ('u1', '莲塘一小', 'x', 'x')",
  "INSERT INTO checklist_snapshots VALUES ('h', 'self-check', '1', 't', 'x', 'x')",
  `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
     started_at, updated_at) VALUES ('r1', 'u1', 'h', 'self-check', '1', '王老师', 'complete', 'x', 'x')`,
  ...["abcdef01-1111", "abcdef01-2222", "abcdef02-0000"].map(
    (
      id,
      i,
    ) => `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner,
       kind, origin, status, created_at, updated_at)
     VALUES ('${id}-4000-8000-000000000000', 'r1', 'u1', 'self-check', 'k${i}', 'p', 'm', 'o', 'deadline',
       'self-check', 'closed', 'x', 'x')`,
  ),
];

/** What SHARED_PREFIX_ROWS' short ids are, in id order. */
export const SHARED_PREFIX_SHORT_IDS = ["abcdef01-1", "abcdef01-2", "abcdef02"];

/** Everything an async iterable yields. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** `n` complete runs of the mini checklist, one unit each (unit-0001…), made by bulk SQL. */
export async function bulkRuns(fx: StoreFixture, store: Store, n: number): Promise<void> {
  const snap = await store.saveSnapshot(miniChecklist(1));
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})`;
  await fx.sql(
    `INSERT INTO units (id, name, created_at, updated_at, name_key)
     ${numbers} SELECT 'unit-' || i, '单位' || i, 'x', 'x', '单位' || i FROM n`,
  );
  await fx.sql(
    `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
       started_at, updated_at)
     ${numbers} SELECT 'run-' || i, 'unit-' || i, ?, 'mini', '1.0.0', 'p', 'complete', '2026-01-01', 'x' FROM n`,
    [snap.hash],
  );
}

// A group of conformance tests on set-based reads, one `it` per rule: it is long because the list of
// rules is; each test inside is short.
function describeSets({ store, fx, newRun, answer }: StoreCtx): void {
  describe("set-based reads", () => {
    it("iterateRectifications: by unit, checklist and item, with unit, round and short id; filters", async () => {
      const first = await newRun("乙校");
      await answer(first, "fail", {
        itemKey: "a.two",
        rectification: fields("p", { deadline: "2020-01-01" }),
      });
      const closed = (await answer(first, "fail", { itemKey: "a.one" })).rectification!;
      await store().changeRectification(closed.id, { toStatus: "closed", by: "督导组", note: null });
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      const again = (await answer(second, "partial", { itemKey: "a.one" })).rectification!;
      const other = (await answer(await newRun("甲校"), "fail", { itemKey: "a.three" })).rectification!;
      await store().updateUnit(other.unitId, { code: "3601" });
      const rows = await collect(store().iterateRectifications());
      const expected = [...rows].sort((a, b) =>
        `${a.unitId} ${a.checklistId} ${a.itemKey}`.localeCompare(
          `${b.unitId} ${b.checklistId} ${b.itemKey}`,
        ),
      );
      expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      expect(rows).toHaveLength(4);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(again.id)).toMatchObject({
        round: 2,
        unit: { name: "乙校", code: null },
        runId: second.id,
      });
      expect(byId.get(closed.id)).toMatchObject({ round: 1, status: "closed" });
      expect(byId.get(other.id)).toMatchObject({
        round: 1,
        unit: { id: other.unitId, name: "甲校", code: "3601" },
      });
      const short = await store().shortIds(rows.map((r) => r.id));
      for (const r of rows) expect(r.shortId).toBe(short.get(r.id));
      const ids = async (q: Parameters<Store["iterateRectifications"]>[0]) =>
        (await collect(store().iterateRectifications(q))).map((r) => r.id).sort();
      expect(await ids({ overdueOn: "2026-06-01" })).toEqual([
        byId.get(rows.find((r) => r.itemKey === "a.two")!.id)!.id,
      ]);
      expect(await ids({ statuses: ["closed", "done"] })).toEqual([closed.id]);
      expect(await ids({ unitId: other.unitId })).toEqual([other.id]);
      expect(await ids({ runId: second.id, status: "open" })).toEqual([again.id]);
      expect(await ids({ checklistId: "other" })).toEqual([]);
    });

    it("iterateRectifications with urgentOn: each row's round (none for a run set aside) and short id, as a one-unit list gives them", async () => {
      const first = await newRun("乙校");
      await answer(first, "fail", { itemKey: "a.one" });
      await store().finishRun(first.id);
      // A run set aside (unfinished, replaced) between two rounds: no round of its own, not counted.
      const aside = await newRun("乙校");
      await answer(aside, "fail", { itemKey: "a.two" });
      await fx().sql("UPDATE runs SET superseded_by = ? WHERE id = ?", [first.id, aside.id]);
      const third = await newRun("乙校");
      const late = (await answer(third, "fail", { itemKey: "a.three" })).rectification!;
      // Ids sharing their first ten letters: short ids longer than eight.
      await fx().sql(
        `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, kind,
           origin, status, created_at, updated_at)
         SELECT ?, run_id, unit_id, checklist_id, 'b.x', 'p', 'm', 'o', 'deadline', 'self-check', 'open', 'x', 'x'
         FROM rectifications WHERE id = ?
         UNION ALL SELECT ?, run_id, unit_id, checklist_id, 'b.y', 'p', 'm', 'o', 'deadline', 'self-check', 'open',
           'x', 'x' FROM rectifications WHERE id = ?`,
        ["abcdefabcd-1", late.id, "abcdefabcd-2", late.id],
      );
      await answer(await newRun("甲校"), "fail", { itemKey: "a.one" });
      const today = "2026-03-01";
      const wide = await collect(store().iterateRectifications({ urgentOn: today }));
      expect(wide).toHaveLength(6);
      for (const unitId of new Set(wide.map((r) => r.unitId))) {
        const narrow = await collect(store().iterateRectifications({ urgentOn: today, unitId }));
        expect(wide.filter((r) => r.unitId === unitId)).toEqual(narrow);
      }
      const byId = new Map(wide.map((r) => [r.id, r]));
      expect(byId.get(late.id)?.round).toBe(2);
      expect(wide.find((r) => r.runId === aside.id)?.round).toBeNull();
      expect(byId.get("abcdefabcd-1")?.shortId).toBe("abcdefabcd-1");
    });

    it("iterateRectifications reads past a page without losing or repeating a row; ledgerOnly drops continued ones", async () => {
      await bulkRuns(fx(), store(), 3);
      const numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)";
      await fx().sql(
        `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, kind,
           origin, status, created_at, updated_at)
         ${numbers} SELECT 'r-' || i, 'run-' || (1 + i % 3), 'unit-' || (1 + i % 3), 'mini', 'k' || i, 'p', 'm',
           'o', 'deadline', 'self-check', 'closed', 'x', 'x' FROM n`,
      );
      await fx().sql("UPDATE rectifications SET continued_by = 'r-2' WHERE id = 'r-1'");
      const rows = await collect(store().iterateRectifications());
      expect(rows).toHaveLength(2500);
      expect(new Set(rows.map((r) => r.id)).size).toBe(2500);
      const keys = rows.map((r) => `${r.unitId}|${r.itemKey}`);
      expect(keys).toEqual([...keys].sort());
      expect(rows.every((r) => r.round === 1 && r.unit.name.startsWith("单位"))).toBe(true);
      const ledger = await collect(store().iterateRectifications({ ledgerOnly: true, unitId: "unit-2" }));
      expect(ledger.map((r) => r.id)).not.toContain("r-1");
      expect(ledger).toHaveLength(834 - 1);
    });

    it("iterateRectifications with urgentOn: overdue (longest first), to do, done, closed; then unit and item; streamed in read(tx)", async () => {
      await bulkRuns(fx(), store(), 3);
      // A unit name past the BMP (U+20000) sorts after one in U+FF00s by code point, before it by
      // UTF-16 unit: the engines' order is the code point one.
      await fx().sql(
        "UPDATE units SET name = CASE id WHEN 'unit-1' THEN '\u{20000}校' WHEN 'unit-2' THEN '\uFF21校' ELSE '乙校' END",
      );
      const statuses = ["open", "in-progress", "done", "closed"];
      const deadlines = ["2026-01-10", "2026-02-01", null, "2026-08-01", "2026-01-10"];
      const values: string[] = [];
      const params: (string | null)[] = [];
      for (let i = 0; i < 40; i++) {
        values.push("(?, ?, ?, 'mini', ?, 'p', 'm', 'o', ?, 'deadline', 'self-check', ?, 'x', 'x')");
        const unit = 1 + (i % 3);
        params.push(`r-${String(i).padStart(2, "0")}`, `run-${unit}`, `unit-${unit}`, `k${(i * 17) % 40}`);
        params.push(deadlines[i % 5] ?? null, statuses[(i * 7) % 4] ?? "open");
      }
      await fx().sql(
        `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner, deadline,
           kind, origin, status, created_at, updated_at) VALUES ${values.join(", ")}`,
        params,
      );
      const today = "2026-03-01";
      const group = (r: RectificationRow) => {
        const todo = r.status === "open" || r.status === "in-progress";
        if (todo && r.deadline !== null && r.deadline < today) return 0;
        return todo ? 1 : r.status === "done" ? 2 : 3;
      };
      const codePoints = (a: string, b: string) => {
        const x = [...a].map((c) => c.codePointAt(0) ?? 0);
        const y = [...b].map((c) => c.codePointAt(0) ?? 0);
        for (let i = 0; i < Math.min(x.length, y.length); i++)
          if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
        return x.length - y.length;
      };
      const byStore = await collect(store().iterateRectifications());
      const expected = [...byStore].sort(
        (a, b) =>
          group(a) - group(b) ||
          Number(a.deadline === null) - Number(b.deadline === null) ||
          (a.deadline ?? "").localeCompare(b.deadline ?? "") ||
          codePoints(a.unit.name, b.unit.name) ||
          codePoints(a.itemKey, b.itemKey),
      );
      const inTx = await store().read((tx) => collect(tx.iterateRectifications({ urgentOn: today })));
      expect(inTx.map((r) => r.id)).toEqual(expected.map((r) => r.id));
      expect(inTx[0]).toMatchObject({
        status: expect.stringMatching(/open|in-progress/),
        deadline: "2026-01-10",
      });
      expect(inTx.find((r) => r.unitId === "unit-1")?.unit.name).toBe("\u{20000}校");
      const outside = await collect(store().iterateRectifications({ urgentOn: today, statuses: ["done"] }));
      expect(outside.map((r) => r.id)).toEqual(expected.filter((r) => r.status === "done").map((r) => r.id));
      for (const r of inTx) expect(r.shortId).toBe(byStore.find((b) => b.id === r.id)?.shortId);
    });

    it("runDetails: each run with unit, round, answers, its rectifications and the closed ones of earlier rounds", async () => {
      const first = await newRun("乙校");
      const closed = (await answer(first, "fail", { itemKey: "a.one" })).rectification!;
      await store().changeRectification(closed.id, { toStatus: "closed", by: "督导组", note: null });
      await answer(first, "pass", { itemKey: "a.two" });
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      const relapse = (await answer(second, "fail", { itemKey: "a.one" })).rectification!;
      const aside = await newRun("甲校");
      await store().supersedeRun(aside.id, "later");
      const details = await collect(store().runDetails());
      expect(details.map((d) => [d.run.id, d.round])).toEqual([
        [first.id, 1],
        [second.id, 2],
      ]);
      const [one, two] = details;
      expect(one?.unit.name).toBe("乙校");
      expect(one?.answers.map((a) => a.itemKey)).toEqual(["a.one", "a.two"]);
      expect(one?.rectifications.map((r) => r.id)).toEqual([closed.id]);
      expect(one?.closedEarlier).toEqual([]);
      expect(two?.rectifications.map((r) => r.id)).toEqual([relapse.id]);
      expect(two?.closedEarlier.map((r) => r.id)).toEqual([closed.id]);
      const all = await collect(store().runDetails({ includeSetAside: true }));
      expect(all.find((d) => d.run.id === aside.id)).toMatchObject({ round: null, unit: { name: "甲校" } });
      expect((await collect(store().runDetails({ unitId: aside.unitId }))).length).toBe(0);
    });

    it("a school's clock put right between two rounds: the second round is still round 2, and the latest", async () => {
      const first = await newRun("乙校");
      const found = (await answer(first, "fail", { itemKey: "a.one" })).rectification!;
      await store().changeRectification(found.id, { toStatus: "closed", by: "督导组", note: null });
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      // Round 1 was started while the school's clock read 2030; round 2 after it was set right.
      await fx().sql("UPDATE runs SET started_at = '2030-06-01T00:00:00.000Z' WHERE id = ?", [first.id]);
      expect((await store().latestRun(second.unitId, "mini"))?.id).toBe(second.id);
      expect((await store().listRuns({ unitId: second.unitId })).map((r) => r.id)).toEqual([
        first.id,
        second.id,
      ]);
      const details = await collect(store().runDetails({ unitId: second.unitId }));
      expect(details.map((d) => [d.run.id, d.round])).toEqual([
        [first.id, 1],
        [second.id, 2],
      ]);
      expect(details[1]?.closedEarlier.map((r) => r.id)).toEqual([found.id]);
      const rows = await collect(store().iterateRectifications({ unitId: second.unitId }));
      expect(rows.map((r) => r.round)).toEqual([1]);
      // What says which came first across checklists too: the order stored, not the clock.
      const [d1, d2] = details;
      expect(d1 && d2 && d1.stored < d2.stored).toBe(true);
      const summaries = await collect(store().runSummaries({ unitId: second.unitId }));
      expect(summaries.map((d) => d.stored)).toEqual(details.map((d) => d.stored));
      const keys = await store().runKeys({ unitId: second.unitId });
      expect(keys.map((k) => k.stored)).toEqual(details.map((d) => d.stored));
      const byIds = await collect(store().runSummaries({ runIds: [second.id, first.id] }));
      expect(byIds.map((d) => d.stored)).toEqual([d2?.stored, d1?.stored]);
    });

    it("runDetails reads page after page; the loop body may use the store between runs", async () => {
      await bulkRuns(fx(), store(), 450);
      let n = 0;
      const seen = new Set<string>();
      for await (const d of store().runDetails()) {
        seen.add(d.run.id);
        if (n++ % 100 === 0) expect((await store().getUnit(d.run.unitId))?.name).toBe(d.unit.name);
      }
      expect(seen.size).toBe(450);
      const inTx = await store().read(
        async (tx) => (await collect(tx.runDetails({ unitId: "unit-7" }))).length,
      );
      expect(inTx).toBe(1);
    });

    it("runSummaries: the runs of runDetails, their answers and rectifications as the few columns counts need", async () => {
      const first = await newRun("乙校");
      const closed = (await answer(first, "fail", { itemKey: "a.one" })).rectification!;
      await store().changeRectification(closed.id, { toStatus: "closed", by: "督导组", note: null });
      await answer(first, "pass", { itemKey: "a.two" });
      await answer(first, "na", { itemKey: "a.three", naReason: "不涉及" });
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      await answer(second, "fail", {
        itemKey: "a.one",
        rectification: fields("p", { deadline: "2020-01-01" }),
      });
      await answer(second, "partial", { itemKey: "a.two", rectification: fields("q", { deadline: null }) });
      const aside = await newRun("甲校");
      await store().supersedeRun(aside.id, "later");
      await store().updateUnit((await newRun("丙校")).unitId, { code: "3601" });
      // Answered out of key order: the summary keeps the order they were given in.
      await answer(second, "pass", { itemKey: "a.three" });
      const details = await collect(store().runDetails({ includeSetAside: true }));
      const summaries = await collect(store().runSummaries({ includeSetAside: true }));
      const state = (r: { status: string; deadline: string | null; continuedBy: string | null }) => [
        r.status,
        r.deadline,
        r.continuedBy,
      ];
      expect(summaries.map((d) => d.run)).toEqual(details.map((d) => d.run));
      for (const [i, d] of details.entries()) {
        const sum = summaries[i]!;
        expect(sum.unit).toEqual({ id: d.unit.id, name: d.unit.name, code: d.unit.code });
        expect(sum.round).toBe(d.round);
        expect(sum.answers).toEqual(
          d.answers.map((a) => ({
            itemKey: a.itemKey,
            result: a.result,
            rectificationId: a.rectificationId,
            method: a.method,
          })),
        );
        expect(sum.rectifications.map(state).sort()).toEqual(d.rectifications.map(state).sort());
        expect(sum.closedEarlier).toEqual(d.closedEarlier);
      }
      expect(summaries.find((d) => d.run.id === second.id)?.closedEarlier.map((r) => r.id)).toEqual([
        closed.id,
      ]);
      expect(summaries.find((d) => d.run.id === aside.id)?.answers).toEqual([]);
      // By ids: in the order given, an id of no run left out.
      const ids = [second.id, "no-such-run", aside.id, first.id];
      expect((await collect(store().runSummaries({ runIds: ids }))).map((d) => d.run.id)).toEqual([
        second.id,
        aside.id,
        first.id,
      ]);
      expect(await collect(store().runSummaries({ runIds: [] }))).toEqual([]);
      expect((await collect(store().runSummaries())).map((d) => d.run.id)).not.toContain(aside.id);
    });

    it("runKeys: the runs of runDetails in its order, with their unit's name and place in the stored order", async () => {
      const a = await newRun("乙校");
      await store().finishRun(a.id);
      const b = await newRun("乙校");
      const aside = await newRun("甲校");
      await store().supersedeRun(aside.id, "later");
      const order = (await collect(store().runDetails({ includeSetAside: true }))).map((d) => ({
        runId: d.run.id,
        unitName: d.unit.name,
        stored: d.stored,
      }));
      expect(await store().runKeys({ includeSetAside: true })).toEqual(order);
      expect((await store().runKeys()).map((k) => k.runId).sort()).toEqual([a.id, b.id].sort());
      expect((await store().runKeys({ unitId: aside.unitId })).length).toBe(0);
    });

    it("runSummaries by ids reads page after page, the next read while the loop body uses the store", async () => {
      await bulkRuns(fx(), store(), 450);
      const ids = (await store().runKeys()).map((k) => k.runId).reverse();
      const seen: string[] = [];
      for await (const d of store().runSummaries({ runIds: ids })) {
        if (seen.length % 100 === 0) expect((await store().getUnit(d.run.unitId))?.name).toBe(d.unit.name);
        seen.push(d.run.id);
      }
      expect(seen).toEqual(ids);
      // Leaving early inside a transaction: nothing of the loop outlives it.
      const firstTwo = await store().read(async (tx) => {
        const out: string[] = [];
        for await (const d of tx.runSummaries({ runIds: ids })) {
          out.push(d.run.id);
          if (out.length === 2) break;
        }
        return out;
      });
      expect(firstTwo).toEqual(ids.slice(0, 2));
      expect((await store().getRun(ids[0]!))?.id).toBe(ids[0]);
    });

    it("unitRunCounts withoutRunsOnly: the units with no run but those set aside", async () => {
      const run = await newRun("乙校");
      await store().finishRun(run.id);
      const aside = await newRun("丁校");
      await store().supersedeRun(aside.id, "later");
      await store().ensureUnit("甲校");
      const names = (await store().unitRunCounts({ withoutRunsOnly: true })).map((c) => c.unit.name);
      expect(names).toEqual(["丁校", "甲校"]);
    });

    it("unitRunCounts: every unit by name, with its runs and complete runs", async () => {
      const run = await newRun("乙校");
      await store().finishRun(run.id);
      await newRun("乙校");
      await store().ensureUnit("甲校");
      expect((await store().unitRunCounts()).map((c) => [c.unit.name, c.runs, c.completeRuns])).toEqual([
        ["乙校", 2, 1],
        ["甲校", 0, 0],
      ]);
    });

    it("unitRunCounts of unitIds: those units only, past one statement's worth of ids", async () => {
      await bulkRuns(fx(), store(), 700);
      await store().ensureUnit("无运行校");
      const ids = (await store().unitNames()).map((u) => u.id).reverse();
      const counts = await store().unitRunCounts({ unitIds: ids });
      expect(counts).toHaveLength(701);
      expect(new Set(counts.map((c) => c.unit.id))).toEqual(new Set(ids));
      expect(counts.filter((c) => c.runs === 1)).toHaveLength(700);
      const some = await store().unitRunCounts({ unitIds: ["unit-7", "unit-1", "no-such-unit"] });
      expect(some.map((c) => c.unit.name)).toEqual(["单位1", "单位7"]);
      const none = await store().unitRunCounts({ unitIds: ids, withoutRunsOnly: true });
      expect(none.map((c) => c.unit.name)).toEqual(["无运行校"]);
    });
  });
}

function describeInspection({ store, fx, newRun, answer }: StoreCtx): void {
  describe("inspection runs (督导检查)", () => {
    const group = { group: "县教育局第二督导组", members: ["王督导", "李督导"] };
    const inspectionRun = async () => {
      const unit = await store().ensureUnit("莲塘一小");
      return store().createRun({
        unitId: unit.id,
        snapshot: await store().saveSnapshot(miniChecklist()),
        respondent: "王督导",
        leaders: [],
        inspection: group,
      });
    };

    it("a run keeps its group and members; a self-check has none", async () => {
      const run = await inspectionRun();
      expect(run.inspection).toEqual(group);
      expect((await store().getRun(run.id))?.inspection).toEqual(group);
      const self = await newRun("塘南中学");
      expect((await store().getRun(self.id))?.inspection).toBeNull();
      const changed = await store().updateRun(run.id, { inspection: { group: "第三督导组", members: [] } });
      expect(changed.inspection).toEqual({ group: "第三督导组", members: [] });
      expect((await store().listRuns({ unitId: run.unitId }))[0]?.inspection).toEqual({
        group: "第三督导组",
        members: [],
      });
      // Changing the respondent leaves the group as it is.
      await store().updateRun(run.id, { respondent: "李督导" });
      expect((await store().getRun(run.id))?.inspection?.group).toBe("第三督导组");
    });

    it("an answer keeps its method, revised with the answer; runDetails reads both", async () => {
      const run = await inspectionRun();
      await answer(run, "pass", { method: "document-check" });
      await answer(run, "fail", {
        itemKey: "a.two",
        method: "unannounced",
        rectification: fields("窗口人员态度生硬", { origin: "visit" }),
      });
      expect((await store().listAnswers(run.id)).map((a) => [a.itemKey, a.method])).toEqual([
        ["a.one", "document-check"],
        ["a.two", "unannounced"],
      ]);
      await answer(run, "pass", { method: "site-visit" });
      await answer(run, "na", { itemKey: "a.three" });
      const details = [];
      for await (const d of store().runDetails({ unitId: run.unitId })) details.push(d);
      expect(details[0]?.run.inspection).toEqual(group);
      expect(details[0]?.answers.map((a) => a.method)).toEqual(["site-visit", "unannounced", null]);
      expect(details[0]?.rectifications.map((r) => r.origin)).toEqual(["visit"]);
    });

    it("a draft keeps the method chosen", async () => {
      const run = await inspectionRun();
      await store().saveDraft(run.id, "a.one", { result: "fail", method: "hear-report" });
      expect((await store().listDrafts(run.id))[0]).toMatchObject({ method: "hear-report", problem: null });
    });

    it("the database refuses a method it does not know, and members without a group", async () => {
      const run = await inspectionRun();
      await answer(run, "pass");
      expect(
        await rejection(fx().sql("UPDATE answers SET method = 'phone-call' WHERE run_id = ?", [run.id])),
      ).toBeInstanceOf(Error);
      expect(
        await rejection(fx().sql("UPDATE runs SET inspection_group = NULL WHERE id = ?", [run.id])),
      ).toBeInstanceOf(Error);
    });
  });
}
