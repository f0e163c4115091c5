// What is reported (progress, written, failures) comes in the units' order, a failed write
// stops nothing else, and it leaves no temporary file behind.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checklist } from "../../test/fixtures/export/seed.js";
import { openStore } from "../store/open.js";
import { exportLedgers, type ProgressEvent, selectTargets } from "./export.js";
import { loadTemplateOrThrow } from "./template.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("exportLedgers, unit by unit", () => {
  it("reports every unit in order, the failed one included, and leaves no temporary file", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lookback-export-order-"));
    const store = await openStore(path.join(dir, "t.db"), { intent: "write" });
    const snap = await store.saveSnapshot(checklist("self-check"));
    const names = Array.from({ length: 9 }, (_, i) => `第${i + 1}学校`);
    for (const name of names) {
      const unit = await store.ensureUnit(name);
      const run = await store.createRun({
        unitId: unit.id,
        snapshot: snap,
        respondent: "王老师",
        leaders: [],
      });
      await store.saveAnswer(run.id, {
        itemKey: "study.study-time",
        sectionId: "study",
        itemId: "study-time",
        leader: null,
        result: "fail",
        note: null,
        evidence: null,
        naReason: null,
        rectification: {
          problem: "学习时间不足",
          measure: "每周集中学习一次",
          owner: "王老师",
          leaderInCharge: null,
          department: null,
          deadline: "2027-01-31",
          kind: "deadline",
          origin: "self-check",
          evidence: null,
        },
      });
    }
    const out = path.join(dir, "out");
    // A folder where the fifth ledger should go: moving a file onto it fails.
    const blocked = path.join(out, "第5学校-整改台账.xlsx");
    mkdirSync(blocked, { recursive: true });
    writeFileSync(path.join(blocked, "keep"), "x");

    const events: ProgressEvent[] = [];
    const result = await exportLedgers(
      store,
      {
        units: [],
        all: true,
        outDir: out,
        format: "xlsx",
        template: loadTemplateOrThrow(undefined, (f) => f),
        force: true,
        today: "2026-11-27",
      },
      (e) => events.push(e),
    );
    await store.close();

    const sorted = [...names].sort();
    const expected = sorted.map((n) => `${n}-整改台账.xlsx`);
    const written = expected.filter((f) => f !== "第5学校-整改台账.xlsx");
    expect(result.written).toBe(written.length);
    expect(events.flatMap((e) => (e.kind === "written" ? [e.file] : []))).toEqual(written);
    const ledgers = readdirSync(out).filter((f) => f.endsWith("-整改台账.xlsx"));
    expect(ledgers.filter((f) => statSync(path.join(out, f)).isFile()).sort()).toEqual(written);
    expect(result.failures.map((f) => f.unit)).toEqual(["第5学校"]);
    const done = events.filter((e) => e.kind !== "start");
    expect(done.map((e) => ("n" in e ? e.n : 0))).toEqual(sorted.map((_, i) => i + 1));
    expect(done.find((e) => e.kind === "failed")).toMatchObject({ unit: "第5学校" });
    expect(result.summary).toBe("汇总.xlsx");
    expect(readdirSync(out).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("selectTargets: --unit finds a unit as every command does", () => {
  it("by name, by a look-alike of the name, and by its code (单位代码); an unknown one is named", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lookback-export-select-"));
    const store = await openStore(path.join(dir, "t.db"), { intent: "write" });
    try {
      const snap = await store.saveSnapshot(checklist("self-check"));
      const unit = await store.ensureUnit("莲塘第一中学", { code: "3601210001" });
      const run = await store.createRun({
        unitId: unit.id,
        snapshot: snap,
        respondent: "王老师",
        leaders: [],
      });
      const picked = async (name: string) =>
        (await selectTargets(store, { units: [name], all: false }, "t.db")).map((s) => s.runId);
      expect(await picked("莲塘第一中学")).toEqual([run.id]);
      expect(await picked(" 莲塘第一中学　")).toEqual([run.id]);
      expect(await picked("3601210001")).toEqual([run.id]);
      await expect(picked("莲塘第二中学")).rejects.toThrow(/莲塘第二中学/);
    } finally {
      await store.close();
    }
  });
});
