// 评估评价: a run's answers as a score from 0 to 100, per section and in total, with its grade
// and whether it passes. Pure: a checklist (resolved) and answers in, numbers out; the callers
// (status, ledgers, the summary, crosscheck) read answers from the store and show the result.
//
// The rule, and its defaults when a checklist says nothing:
// - an item earns its weight (default 1) times its credit: 符合 1, 基本符合 `scoring.partial`
//   (default 0.5), 不符合 0; 不适用 and unanswered items are left out, of the earned points and of
//   the possible ones alike;
// - an item of a `per: leader` section earns the mean credit of the leaders who answered it, so
//   such a section weighs the same however many leaders the unit has;
// - a section's score is 100 × earned / possible (none when nothing in it counts);
// - the total: when every section has a `weight`, the weighted mean of the section scores (a
//   section with no score is left out); when none has, 100 × all earned / all possible, i.e. each
//   section counts as much as its counted items weigh;
// - the grade is the band with the highest `min` the rounded total reaches (default bands
//   好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60, 差 below); `passed` when the total reaches `scoring.pass` and
//   each section its own `pass` (null when the checklist sets no pass mark).
// Scores are rounded to two decimals; grades and pass marks are decided on the rounded figure,
// the one people see.

import type { Checklist, Grade, Result, Section } from "../checklist/schema.js";
import { type ScoringRule, scoringRule } from "../checklist/scoring.js";
import { type RunItem, runItems } from "./items.js";

/** An answer as the store keeps it: `section.item`, or `section.item@leader` in a per-leader section. */
export interface ScoredAnswer {
  itemKey: string;
  result: Result;
}

export type ResultCounts = Record<Result | "unanswered", number>;

export interface SectionScore {
  id: string;
  /** The section's weight in the total: its `weight`, or else the weight of its counted items. */
  weight: number;
  earned: number;
  possible: number;
  /** 0–100, rounded to two decimals; null when nothing in the section counts. */
  score: number | null;
  /** The section's pass mark, if it has one. */
  pass: number | null;
  passed: boolean | null;
  /** Answers by result, per slot (an item of a per-leader section counts once per leader). */
  counts: ResultCounts;
}

export interface RunScore {
  /** 0–100, rounded to two decimals; null when nothing counts (every answer 不适用, or none yet). */
  score: number | null;
  grade: Grade | null;
  /** null when the checklist sets no pass mark, or there is no score. */
  passed: boolean | null;
  sections: SectionScore[];
  rule: ScoringRule;
  /** Whether every section has a weight (the total is then their weighted mean). */
  sectionWeighted: boolean;
}

/**
 * Rounded to two decimals, halves up as people round: 89.995 is 90 (binary floating point
 * holds it as 89.99499…, which would round down), and 100 × 0.7 is 70, not 70.00000000000001.
 */
export function roundScore(x: number): number {
  return Math.round(x * 100 + 1e-6) / 100;
}

export function gradeFor(score: number | null, rule: ScoringRule): Grade | null {
  if (score === null) return null;
  return rule.grades.find((g) => score >= g.min) ?? null;
}

function credit(result: Result, rule: ScoringRule): number | undefined {
  if (result === "pass") return 1;
  if (result === "partial") return rule.partial;
  if (result === "fail") return 0;
  return undefined;
}

/**
 * The run's items laid out as the checklist is: per section, per item, its slots (a per-leader
 * section's item once per leader). Worked out once per list of items: status scores every run of
 * a province with the few lists it keeps, and looking each item up by its key was a string built
 * and hashed per item of every run.
 */
const layouts = new WeakMap<readonly RunItem[], RunItem[][][]>();

function layoutOf(checklist: Checklist, items: readonly RunItem[]): RunItem[][][] {
  const known = layouts.get(items);
  if (known) return known;
  const slots = new Map<string, RunItem[]>();
  for (const slot of items) {
    const k = `${slot.section.id}\u0000${slot.item.id}`;
    const list = slots.get(k);
    if (list) list.push(slot);
    else slots.set(k, [slot]);
  }
  const layout = checklist.sections.map((s) => s.items.map((i) => slots.get(`${s.id}\u0000${i.id}`) ?? []));
  layouts.set(items, layout);
  return layout;
}

/**
 * A section's score: each item earns the mean credit of its answers (one per leader in a
 * per-leader section), weighted; 不适用 and unanswered items are left out of the denominator.
 * `slotsOfItems[i]` holds the slots of the section's i-th item.
 */
function scoreSection(
  section: Section,
  slotsOfItems: readonly (readonly RunItem[])[],
  answers: ReadonlyMap<string, Result>,
  rule: ScoringRule,
): SectionScore {
  const counts: ResultCounts = { pass: 0, partial: 0, fail: 0, na: 0, unanswered: 0 };
  let earned = 0;
  let possible = 0;
  section.items.forEach((item, i) => {
    // The credits' sum, added up in slot order as before, and how many there are.
    let sum = 0;
    let n = 0;
    for (const slot of slotsOfItems[i] ?? []) {
      const result = answers.get(slot.key);
      counts[result ?? "unanswered"]++;
      const c = result === undefined ? undefined : credit(result, rule);
      if (c !== undefined) {
        sum += c;
        n++;
      }
    }
    if (n === 0) return;
    const w = item.weight ?? 1;
    possible += w;
    earned += (w * sum) / n;
  });
  const score = possible > 0 ? roundScore((100 * earned) / possible) : null;
  const pass = section.pass ?? null;
  return {
    id: section.id,
    weight: section.weight ?? possible,
    earned,
    possible,
    score,
    pass,
    passed: pass === null || score === null ? null : score >= pass,
    counts,
  };
}

/**
 * The score of a set of answers to a (resolved) checklist. `leaders`: the run's leading cadres,
 * for per-leader sections (unanswered slots are then counted too); else those the answers name.
 */
export function scoreAnswers(
  checklist: Checklist,
  answers: Iterable<ScoredAnswer>,
  leaders: readonly string[],
  items?: readonly RunItem[],
): RunScore {
  const rule = scoringRule(checklist);
  const byKey = new Map<string, Result>();
  for (const a of answers) byKey.set(a.itemKey, a.result);
  const layout = layoutOf(checklist, items ?? runItems(checklist, leaders));
  const sections = checklist.sections.map((s, i) => scoreSection(s, layout[i] ?? [], byKey, rule));
  const sectionWeighted = checklist.sections.every((s) => s.weight !== undefined);
  let total: number | null = null;
  if (sectionWeighted) {
    const scored = sections.filter((s) => s.score !== null);
    const weights = scored.reduce((n, s) => n + s.weight, 0);
    if (weights > 0) {
      const sum = scored.reduce((n, s) => n + (s.weight * (100 * s.earned)) / s.possible, 0);
      total = roundScore(sum / weights);
    }
  } else {
    const possible = sections.reduce((n, s) => n + s.possible, 0);
    if (possible > 0) total = roundScore((100 * sections.reduce((n, s) => n + s.earned, 0)) / possible);
  }
  const marks = [
    ...(rule.pass === null || total === null ? [] : [total >= rule.pass]),
    ...sections.flatMap((s) => (s.passed === null ? [] : [s.passed])),
  ];
  return {
    score: total,
    grade: gradeFor(total, rule),
    passed: total === null || marks.length === 0 ? null : marks.every(Boolean),
    sections,
    rule,
    sectionWeighted,
  };
}

/** What lists and ledgers show of a run's score: the number, its grade in both languages, the pass. */
export interface ScoreBrief {
  score: number | null;
  grade: string | null;
  gradeEn: string | null;
  passed: boolean | null;
}

export function briefScore(s: RunScore): ScoreBrief {
  return {
    score: s.score,
    grade: s.grade?.label ?? null,
    gradeEn: s.grade?.label_en ?? null,
    passed: s.passed,
  };
}

/** `86.5（较好）` / `86.5 (Fairly good)`, or `—` when nothing counts yet. */
export function scoreWords(s: ScoreBrief | null, language: "zh-CN" | "en"): string {
  if (!s || s.score === null) return "—";
  const grade = language === "en" ? (s.gradeEn ?? s.grade) : s.grade;
  if (!grade) return String(s.score);
  return language === "en" ? `${s.score} (${grade})` : `${s.score}（${grade}）`;
}

/**
 * Competition ranks (1, 2, 2, 4) by score, highest first, for the ids given; one without a
 * score has no rank.
 */
export function ranksByScore(scores: Iterable<[string, number | null]>): Map<string, number> {
  const scored = [...scores].filter((e): e is [string, number] => e[1] !== null).sort((a, b) => b[1] - a[1]);
  const out = new Map<string, number>();
  scored.forEach(([id, score], i) => {
    const prev = scored[i - 1];
    out.set(id, prev && prev[1] === score ? (out.get(prev[0]) ?? i + 1) : i + 1);
  });
  return out;
}
