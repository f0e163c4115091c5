// The supervision group's round travels by import: a run's group and members and each answer's
// method arrive as the school (or the group's laptop) stored them, are validated like every
// column, and a file of the schema before them still imports, with none.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type ImportTarget, importTargets } from "../../test/helpers/import-target.js";
import { builtin, createSchool } from "../../test/helpers/school.js";
import { SCHEMA_INSPECTION } from "../store/migrations.js";
import { openStore } from "../store/open.js";
import type { Run } from "../store/types.js";
import { importDatabase } from "./session.js";

const GROUP = { group: "县教育局第二督导组", members: ["王督导", "李督导"] };

/** A file holding one unit's inspection: three answers, each by its method, one finding of 暗访. */
async function inspectionFile(file: string): Promise<Run> {
  const store = await openStore(file, { intent: "write" });
  try {
    const unit = await store.ensureUnit("莲塘一小");
    const run = await store.createRun({
      unitId: unit.id,
      snapshot: await store.saveSnapshot(builtin("inspection")),
      respondent: "王督导",
      leaders: [],
      inspection: GROUP,
    });
    const answer = (itemKey: string, method: "document-check" | "unannounced" | null) => {
      const [sectionId = "", itemId = ""] = itemKey.split(".");
      return { itemKey, sectionId, itemId, leader: null, note: null, evidence: null, naReason: null, method };
    };
    await store.saveAnswer(run.id, { ...answer("announced.materials", "document-check"), result: "pass" });
    await store.saveAnswer(run.id, { ...answer("announced.study", null), result: "pass" });
    await store.saveAnswer(run.id, {
      ...answer("unannounced.cadre-style", "unannounced"),
      result: "fail",
      rectification: {
        problem: "窗口人员态度生硬",
        measure: "作风整顿",
        owner: "赵主任",
        leaderInCharge: null,
        department: null,
        deadline: "2099-01-31",
        kind: "deadline",
        origin: "visit",
        evidence: null,
      },
    });
    return run;
  } finally {
    await store.close();
  }
}

/** Take the file back to the schema before the inspection step, as the previous lookback made it. */
function previousSchema(file: string): void {
  const db = new Database(file);
  try {
    // The steps after the inspection's too (units.near_group, rectifications.short_len).
    db.exec(`DROP TRIGGER rectifications_short_id_insert;
      DROP TRIGGER rectifications_short_id_delete;
      DROP TRIGGER rectifications_short_id_update;
      ALTER TABLE rectifications DROP COLUMN short_len;
      DROP INDEX units_near_group;
      ALTER TABLE units DROP COLUMN near_group;
      ALTER TABLE runs DROP COLUMN inspectors;
      ALTER TABLE runs DROP COLUMN inspection_group;
      ALTER TABLE answers DROP COLUMN method;
      ALTER TABLE answer_drafts DROP COLUMN method;`);
    db.pragma(`user_version = ${SCHEMA_INSPECTION - 1}`);
  } finally {
    db.close();
  }
}

function edit(file: string, sql: string, params: unknown[] = []): void {
  const db = new Database(file);
  try {
    db.pragma("ignore_check_constraints = ON");
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

for (const factory of importTargets()) {
  describe.skipIf(factory.skip)(`inspections imported into ${factory.engine}`, () => {
    let dir: string;
    let t: ImportTarget;
    beforeEach(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), "lookback-import-inspection-"));
      t = await factory.create();
    });
    afterEach(async () => {
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    test("the group, its members and the methods arrive; twice changes nothing; a later change of the group comes", async () => {
      const file = path.join(dir, "group.db");
      const run = await inspectionFile(file);
      expect((await importDatabase(t.store, file)).ok).toBe(true);
      expect((await t.store.getRun(run.id))?.inspection).toEqual(GROUP);
      expect((await t.store.listAnswers(run.id)).map((a) => [a.itemKey, a.method])).toEqual([
        ["announced.materials", "document-check"],
        ["announced.study", null],
        ["unannounced.cadre-style", "unannounced"],
      ]);
      expect((await t.store.listRectifications({ runId: run.id }))[0]?.origin).toBe("visit");
      const before = await t.dump();
      expect((await importDatabase(t.store, file)).ok).toBe(true);
      expect(await t.dump()).toEqual(before);
      edit(file, "UPDATE runs SET inspectors = ?, rev = rev + 1 WHERE id = ?", ['["王督导"]', run.id]);
      expect((await importDatabase(t.store, file)).ok).toBe(true);
      expect((await t.store.getRun(run.id))?.inspection).toEqual({ group: GROUP.group, members: ["王督导"] });
    });

    test("a school file of the schema before inspections still imports, without group or methods", async () => {
      const school = await createSchool(path.join(dir, "old.db"), { unit: "向塘中学" });
      previousSchema(school.file);
      const r = await importDatabase(t.store, school.file);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect((await t.store.getRun(school.run.id))?.inspection).toBeNull();
      const answers = await t.store.listAnswers(school.run.id);
      expect(answers.length).toBeGreaterThan(10);
      expect(answers.every((a) => a.method === null)).toBe(true);
    });

    test("members that are not a list of names, an unknown method, members without a group: refused whole", async () => {
      // SQLite's own check of the file catches what a CHECK constraint forbids (corrupt); import's
      // checks the rest, naming table and column.
      const cases: [string, unknown[], Record<string, unknown>][] = [
        [
          "UPDATE runs SET inspectors = '王督导'",
          [],
          { reason: "invalid", table: "runs", column: "inspectors", problem: "json" },
        ],
        [
          "UPDATE runs SET inspectors = ?",
          ['["王督导","王督导"]'],
          { reason: "invalid", table: "runs", column: "inspectors", problem: "memberTwice" },
        ],
        ["UPDATE answers SET method = 'phone-call'", [], { reason: "corrupt" }],
        ["UPDATE runs SET inspection_group = NULL", [], { reason: "corrupt" }],
      ];
      for (const [sql, params, expected] of cases) {
        const file = path.join(dir, `${randomUUID()}.db`);
        await inspectionFile(file);
        edit(file, sql, params);
        const before = await t.dump();
        const r = await importDatabase(t.store, file);
        expect(r.ok ? undefined : { reason: r.reason, ...r.invalid }, sql).toMatchObject(expected);
        expect(await t.dump()).toEqual(before);
      }
    });
  });
}
