// Bad weights, pass marks and grade bands, each reported at its line and column.
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { loadChecklistFile } from "./load.js";

const fixture = (name: string) => path.resolve("test/fixtures/scoring", name);
const found = (name: string) =>
  loadChecklistFile(fixture(name)).diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}:${d.col}`);

beforeEach(() => setLang("en"));

describe("weights and grades that cannot score", () => {
  it("a negative weight, a weight that is not a number, a share of 基本符合 above 1", () => {
    expect(found("bad-weights.yaml")).toEqual([
      "error out-of-range@7:12",
      "error out-of-range@17:17",
      "error wrong-type@22:17",
    ]);
    const [partial, negative, text] = loadChecklistFile(fixture("bad-weights.yaml")).diagnostics;
    expect([partial?.message, partial?.hint]).toEqual([
      "`partial` is 1.5, above the highest allowed value 1 in `scoring`.",
      "Write a number from 0 to 1.",
    ]);
    expect([negative?.message, negative?.hint]).toEqual([
      "`weight` is -1, below the lowest allowed value 0 in section 1 `a` › item 1 `one`.",
      "Write a number of at least 0.",
    ]);
    expect([text?.message, text?.hint]).toEqual([
      "`weight` should be a number, but is text in section 1 `a` › item 2 `two`.",
      "Write a number without quotes, e.g. `weight: 2`.",
    ]);
  });

  it("a section whose items' weights add up to 0", () => {
    expect(found("zero-section.yaml")).toEqual(["error zero-weights@23:17"]);
    expect(loadChecklistFile(fixture("zero-section.yaml")).checklist).toBeUndefined();
  });

  it("weights on some sections only; two grades with the same lower bound; no grade from 0", () => {
    expect(found("some-sections.yaml")).toEqual([
      "warning grades-gap@7:3",
      "error duplicate-grade@11:12",
      "warning missing-label-en@12:7",
      "error partial-section-weights@20:5",
    ]);
  });

  it("in Chinese too", () => {
    setLang("zh-CN");
    const d = loadChecklistFile(fixture("zero-section.yaml")).diagnostics[0]!;
    expect(d.message).toBe("环节 `b` 各项目的权重合计为 0：该环节永远无法计分。");
  });

  it("a checklist with every scoring key, well set, is clean", () => {
    const r = loadChecklistFile(fixture("weighted.yaml"));
    expect(r.diagnostics).toEqual([]);
    expect(r.checklist?.checklist.scoring).toEqual({
      partial: 0.6,
      pass: 70,
      grades: [
        { min: 85, label: "好", label_en: "Good" },
        { min: 70, label: "较好", label_en: "Fairly good" },
        { min: 0, label: "差", label_en: "Poor" },
      ],
    });
  });
});
