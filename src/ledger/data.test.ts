import { describe, expect, it } from "vitest";
import type { Unit } from "../store/types.js";
import { summaryCell, totalCells } from "./cells.js";
import { buildSummaryRows, completionRate, emptyCounts, sumCounts, type UnitSummary } from "./data.js";
import { DEFAULT_LABELS } from "./labels.js";

const unit = (name: string): Unit => ({
  id: name,
  name,
  code: null,
  township: null,
  type: null,
  createdAt: "",
  updatedAt: "",
});
const L = DEFAULT_LABELS["zh-CN"];

describe("the county summary rows", () => {
  it("has a row for every unit given, 未开展 for one without a run", () => {
    const counts = {
      ...emptyCounts(),
      answered: 27,
      total: 28,
      rectifications: 4,
      done: 1,
      closed: 1,
      open: 2,
      overdue: 1,
    };
    const done: UnitSummary = {
      run: { id: "r1", status: "complete", respondent: "王老师" },
      checklist: { id: "self-check", version: "1.0.0", title: "第一环节“回头看”自查", kind: "self-check" },
      counts,
      score: { score: 86.5, grade: "较好", gradeEn: "Fairly good", passed: null },
    };
    const rows = buildSummaryRows([unit("甲校"), unit("乙校")], (u) =>
      u.name === "甲校" ? done : undefined,
    );
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(summaryCell("run_status", rows[0]!, L)).toBe("已完成");
    expect(summaryCell("run_status", rows[1]!, L)).toBe("未开展");
    expect(summaryCell("answered", rows[1]!, L)).toBeNull();
    expect(summaryCell("completion_rate", rows[0]!, L)).toEqual({ rate: 0.5 });
    expect(summaryCell("checklist", rows[1]!, L)).toBeNull();
    const totals = sumCounts(rows);
    expect(totals.rectifications).toBe(4);
    expect(totalCells(["seq", "unit", "rectifications", "completion_rate"], totals, "合计")).toEqual([
      null,
      "合计",
      4,
      { rate: 0.5 },
    ]);
  });

  it("has no completion rate without rectifications", () => {
    expect(completionRate(emptyCounts())).toBeNull();
  });
});
