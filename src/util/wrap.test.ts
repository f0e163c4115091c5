import { describe, expect, it } from "vitest";
import { padDisplay, wrapText } from "./wrap.js";

const width = (s: string) => [...s].reduce((n, c) => n + (/[\u2e80-\ua4cf\uff00-\uff60]/.test(c) ? 2 : 1), 0);

describe("wrapping by display width", () => {
  const text =
    "是否开门搞活动，广泛征求意见，认真查找“四风”问题、切实做到边学边改？Whether the unit opened its doors.";

  it("never starts a line with closing punctuation nor ends one with an opening quote", () => {
    for (const columns of [8, 9, 10, 11, 12, 15, 20, 31, 40]) {
      const lines = wrapText(text, columns);
      expect(lines.join("").replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
      for (const line of lines) {
        expect(width(line), `${columns}: ${line}`).toBeLessThanOrEqual(columns);
        expect(line, `${columns}`).not.toMatch(/^[、，。？！”）]/);
        expect(line, `${columns}`).not.toMatch(/[“（]$/);
      }
    }
  });

  it("keeps Latin words whole and cuts only a word longer than a line", () => {
    expect(wrapText("Whether the unit opened its doors.", 12)).toEqual([
      "Whether the",
      "unit opened",
      "its doors.",
    ]);
    expect(wrapText("a six-checks.planning@李卫东 b", 10)).toEqual([
      "a",
      "six-checks",
      ".planning@",
      "李卫东 b",
    ]);
  });

  it("pads by display width so that CJK and Latin columns line up", () => {
    expect(padDisplay("学习", 6)).toBe("学习  ");
    expect(padDisplay("7/7", 5, "start")).toBe("  7/7");
  });
});
