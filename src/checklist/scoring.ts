// A checklist's scoring rule (`scoring`: how much 基本符合 earns, the pass mark, the grade
// bands) with lookback's defaults filled in. How a run's answers are scored with it is
// src/run/score.ts.
import type { Checklist, Grade } from "./schema.js";

export const DEFAULT_PARTIAL = 0.5;

/** lookback's own bands, for a checklist that sets none (the notice sets none). */
export const DEFAULT_GRADES: readonly Grade[] = [
  { min: 90, label: "好", label_en: "Good" },
  { min: 80, label: "较好", label_en: "Fairly good" },
  { min: 60, label: "一般", label_en: "Fair" },
  { min: 0, label: "差", label_en: "Poor" },
];

/** A checklist's scoring rule with the defaults filled in; grades highest first. */
export interface ScoringRule {
  partial: number;
  pass: number | null;
  grades: Grade[];
}

export function scoringRule(checklist: Pick<Checklist, "scoring">): ScoringRule {
  const s = checklist.scoring;
  return {
    partial: s?.partial ?? DEFAULT_PARTIAL,
    pass: s?.pass ?? null,
    grades: [...(s?.grades ?? DEFAULT_GRADES)].sort((a, b) => b.min - a.min),
  };
}
