// Scores on hand-computed examples: weights, 不适用 left out, 基本符合's share, per-leader
// sections, section weights against pooled items, pass marks and grade boundaries.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadChecklistFile } from "../checklist/load.js";
import type { Checklist, Result } from "../checklist/schema.js";
import { DEFAULT_GRADES, scoringRule } from "../checklist/scoring.js";
import { gradeFor, ranksByScore, roundScore, type ScoredAnswer, scoreAnswers, scoreWords } from "./score.js";

const load = (file: string): Checklist => {
  const r = loadChecklistFile(path.resolve(file));
  if (!r.checklist) throw new Error(`${file}: ${JSON.stringify(r.diagnostics)}`);
  return r.checklist.checklist;
};
const weighted = load("test/fixtures/scoring/weighted.yaml");
const base = load("test/fixtures/tailor/base.yaml");
const answers = (spec: Record<string, Result>): ScoredAnswer[] =>
  Object.entries(spec).map(([itemKey, result]) => ({ itemKey, result }));

describe("a checklist with weights, section weights, a pass mark and its own grades", () => {
  it("a: (3×1 + 1×0.6) / (3 + 1) = 90 (三 不适用 left out); b: (0 + 0.6) / 2 = 30; total 0.6×90 + 0.4×30 = 66", () => {
    const s = scoreAnswers(
      weighted,
      answers({
        "a.one": "pass",
        "a.two": "partial",
        "a.three": "na",
        "b.four": "fail",
        "b.five": "partial",
      }),
      [],
    );
    expect(s.sections.map((x) => [x.id, x.score, x.weight, x.earned, x.possible])).toEqual([
      ["a", 90, 60, 3.6, 4],
      ["b", 30, 40, 0.6, 2],
    ]);
    expect(s.sectionWeighted).toBe(true);
    expect(s.score).toBe(66);
    expect(s.grade?.label).toBe("差"); // below 70
    // Below the total's pass mark 70, and section b below its own 50.
    expect(s.passed).toBe(false);
    expect(s.sections[1]).toMatchObject({ pass: 50, passed: false });
    expect(s.sections[0]).toMatchObject({ pass: null, passed: null });
    expect(s.sections[0]?.counts).toEqual({ pass: 1, partial: 1, fail: 0, na: 1, unanswered: 0 });
  });

  it("a section where everything is 不适用 is left out of the total: b alone, (1 + 0.6) / 2 = 80", () => {
    const s = scoreAnswers(
      weighted,
      answers({ "a.one": "na", "a.two": "na", "a.three": "na", "b.four": "pass", "b.five": "partial" }),
      [],
    );
    expect(s.sections[0]?.score).toBeNull();
    expect(s.score).toBe(80);
    expect(s.grade).toMatchObject({ label: "较好", label_en: "Fairly good" });
    expect(s.passed).toBe(true);
  });

  it("everything 符合: 100, the top grade, passed", () => {
    const all = weighted.sections.flatMap((x) => x.items.map((i) => [`${x.id}.${i.id}`, "pass"] as const));
    const s = scoreAnswers(weighted, answers(Object.fromEntries(all)), []);
    expect([s.score, s.grade?.label, s.passed]).toEqual([100, "好", true]);
  });

  it("no answer yet: no score, no grade, no verdict; every slot unanswered", () => {
    const s = scoreAnswers(weighted, [], []);
    expect([s.score, s.grade, s.passed]).toEqual([null, null, null]);
    expect(s.sections.map((x) => x.counts.unanswered)).toEqual([3, 2]);
  });
});

describe("the defaults: no weights, no scoring block", () => {
  it("pools the items: a (1 + 0.5 + 0) / 3, b 不适用, 六查 the leaders' mean; 2 / 4 = 50, 差", () => {
    const s = scoreAnswers(
      base,
      answers({
        "a.one": "pass",
        "a.two": "partial",
        "a.three": "fail",
        "b.four": "na",
        "lead.x@张书记": "pass",
        "lead.x@李校长": "fail",
      }),
      ["张书记", "李校长", "王主任"],
    );
    expect(s.rule).toEqual({ partial: 0.5, pass: null, grades: [...DEFAULT_GRADES] });
    expect(s.sectionWeighted).toBe(false);
    expect(s.sections.map((x) => [x.id, x.score, x.earned, x.possible])).toEqual([
      ["a", 50, 1.5, 3],
      ["b", null, 0, 0],
      ["lead", 50, 0.5, 1],
    ]);
    // The per-leader item weighs as one item, whatever the number of leaders; 王主任 not yet answered.
    expect(s.sections[2]?.counts).toEqual({ pass: 1, partial: 0, fail: 1, na: 0, unanswered: 1 });
    expect(s.score).toBe(50);
    expect(s.grade?.label).toBe("差");
    expect(s.passed).toBeNull();
  });

  it("a per-leader section counts the run's leaders only: an answer naming someone else is not scored", () => {
    const s = scoreAnswers(
      base,
      answers({ "lead.x@张书记": "pass", "lead.x@李校长": "partial", "lead.x@外人": "fail" }),
      ["张书记", "李校长"],
    );
    expect(s.sections[2]).toMatchObject({
      score: 75,
      counts: { pass: 1, partial: 1, fail: 0, unanswered: 0 },
    });
  });

  it("a per-leader section of a run without leaders has no items, so no score (as in the check and the ledger)", () => {
    const s = scoreAnswers(base, answers({ "a.one": "pass" }), []);
    expect(s.sections[2]).toMatchObject({ score: null, possible: 0, counts: { unanswered: 0 } });
    expect(s.score).toBe(100);
  });
});

describe("grades and rounding", () => {
  const rule = scoringRule({});
  it.each([
    [100, "好"],
    [90, "好"],
    [89.99, "较好"],
    [80, "较好"],
    [79.99, "一般"],
    [60, "一般"],
    [59.99, "差"],
    [0, "差"],
  ])("%s → %s", (score, label) => {
    expect(gradeFor(score, rule)?.label).toBe(label);
  });

  it("bands given out of order are sorted; a score below every band gets none", () => {
    const r = scoringRule({
      scoring: {
        grades: [
          { min: 60, label: "合格" },
          { min: 90, label: "优秀" },
        ],
      },
    });
    expect(r.grades.map((g) => g.min)).toEqual([90, 60]);
    expect(gradeFor(59, r)).toBeNull();
    expect(scoringRule({ scoring: { grades: [] } }).grades).toEqual([]);
  });

  it("rounds to two decimals, halves up, without floating-point noise", () => {
    expect(roundScore(200 / 3)).toBe(66.67);
    expect(roundScore(100 * 0.7)).toBe(70);
    expect(roundScore(89.995)).toBe(90);
    expect(roundScore(89.994)).toBe(89.99);
  });

  it("decides the grade on the rounded score, the one people see: 17999 / 20000 = 89.995 reads 90, 好", () => {
    const c: Checklist = {
      id: "r",
      version: "1",
      title: "r",
      source: "s",
      sections: [
        {
          id: "s",
          title: "s",
          items: [
            { id: "a", text: "a", weight: 17999 },
            { id: "b", text: "b", weight: 2001 },
          ],
        },
      ],
    };
    const s = scoreAnswers(c, answers({ "s.a": "pass", "s.b": "fail" }), []);
    expect(s.score).toBe(90);
    expect(s.grade?.label).toBe("好");
    // (17999 + 2001 × 0.5) / 20000 = 94.9975, read 95
    expect(scoreAnswers(c, answers({ "s.a": "pass", "s.b": "partial" }), []).score).toBe(95);
  });
});

describe("what lists and ledgers show", () => {
  it("ranks: highest first, ties share a rank and the next skips (1, 2, 2, 4), none without a score", () => {
    const ranks = ranksByScore([
      ["a", 75],
      ["b", 89.77],
      ["c", 75],
      ["d", null],
      ["e", 50],
    ]);
    expect([...ranks].sort()).toEqual([
      ["a", 2],
      ["b", 1],
      ["c", 2],
      ["e", 4],
    ]);
  });

  it("score in words, in the ledger's language", () => {
    const s = { score: 86.5, grade: "较好", gradeEn: "Fairly good", passed: null };
    expect(scoreWords(s, "zh-CN")).toBe("86.5（较好）");
    expect(scoreWords(s, "en")).toBe("86.5 (Fairly good)");
    expect(scoreWords({ ...s, score: null }, "zh-CN")).toBe("—");
    expect(scoreWords(null, "en")).toBe("—");
  });
});
