import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ranksByScore } from "../run/score.js";
import type { StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";
import { emptyCounts, type InspectionBrief, type UnitSummary } from "./data.js";
import { SummaryFile } from "./summary-file.js";

const unit = (name: string): Unit => ({
  id: `id-${name}`,
  name,
  code: name === "甲校" ? "X1" : null,
  township: null,
  type: null,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
});
const summary = (score: number | null): UnitSummary => ({
  run: { id: `run-${score}`, status: "complete", respondent: "王老师" },
  checklist: { id: "self-check", version: "1.0.0", title: "自查", kind: "self-check" },
  counts: { ...emptyCounts(), answered: 3, rectifications: 1 },
  score: { score, grade: null, gradeEn: null, passed: null },
});
/** Only what SummaryFile reads of a store: its units, in order. */
const storeOf = (units: Unit[]) =>
  ({
    async *iterateUnits() {
      yield* units;
    },
  }) as unknown as StoreReads;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "summary-file-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("SummaryFile", () => {
  const names = ["丁校", "丙校", "乙校", "甲校", "戊校"];
  const scores = new Map<string, number | null>([
    ["丁校", 80],
    ["丙校", 92.5],
    ["甲校", 80],
    ["戊校", null],
  ]);

  async function rowsOf(order: string[]) {
    const file = new SummaryFile(path.join(dir, "kept"), path.join(dir, "rows"));
    // 乙校 has no run; the others come in the ledgers' order.
    for (const name of order) if (name !== "乙校") file.add(`id-${name}`, summary(scores.get(name) ?? null));
    const inspection = { runId: "i1", group: "第一组" } as InspectionBrief;
    const { rows, count } = await file.rows(storeOf(names.map(unit)), new Map([["id-丙校", inspection]]));
    return { file, rows, count, inspection };
  }

  it("gives every unit in the store's order, each with its summary, rank and inspection; walked again from the file", async () => {
    const { file, rows, count, inspection } = await rowsOf(names);
    expect(count).toBe(5);
    const list = [...rows];
    expect([...rows]).toEqual(list);
    expect(list.map((r) => [r.seq, r.unit.name, r.run?.id ?? null, r.rank])).toEqual([
      [1, "丁校", "run-80", 2],
      [2, "丙校", "run-92.5", 1],
      [3, "乙校", null, null],
      [4, "甲校", "run-80", 2],
      [5, "戊校", "run-null", null],
    ]);
    // The ranks are those of ranksByScore over the same scores.
    const expected = ranksByScore([...scores].map(([n, s]) => [n, s]));
    for (const r of list) expect(r.rank).toBe(expected.get(r.unit.name) ?? null);
    expect(list[0]?.unit).toEqual(unit("丁校"));
    expect(list[3]?.unit.code).toBe("X1");
    expect(list[0]?.counts).toEqual({ ...emptyCounts(), answered: 3, rectifications: 1 });
    expect(list[1]?.inspection).toEqual(inspection);
    expect(list[2]?.counts).toBeNull();
    file.remove();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("finds each unit's summary when the ledgers came in another order", async () => {
    const { file, rows } = await rowsOf([...names].reverse());
    expect([...rows].map((r) => [r.unit.name, r.run?.id ?? null])).toEqual([
      ["丁校", "run-80"],
      ["丙校", "run-92.5"],
      ["乙校", null],
      ["甲校", "run-80"],
      ["戊校", "run-null"],
    ]);
    file.remove();
    expect(existsSync(path.join(dir, "rows"))).toBe(false);
  });
});
