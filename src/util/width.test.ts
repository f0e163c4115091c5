// Display width, cutting and wrapping: what a terminal shows of Chinese and English text.
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { displayWidth, padEnd, padStart, truncate, wrap } from "./width.js";

const SAMPLES = [
  "",
  "lookback",
  "南昌县莲塘第一中学",
  "Look-back self-check of the first phase",
  "第一环节“回头看”自查",
  "（全角括号）、顿号，逗号。句号",
  "ＡＢＣ１２３",
  "mixed 中文 and English",
  "\x1b[31mred\x1b[39m 红色",
  "e\u0301te\u0301",
  "👍🏽 家庭 👨‍👩‍👧",
  "zero\u200bwidth",
  "tab\there",
  "𠀀 astral",
  "한국어 テスト",
  "🇨🇳 中国",
  "1️⃣ 2️⃣",
  "\x9b31mcsi\x9b0m",
  "\x1b]8;;https://example.com\x07link\x1b]8;;\x07",
  "ｶﾀｶﾅ 半角",
  "Ω≈ç√∫ µ ¢ ½",
  "\u00ad soft hyphen",
  "a\u0308o\u0308u\u0308",
  "क्षि tamil தமிழ்",
  "\u3000全角空格\u3000",
];

describe("displayWidth", () => {
  it.each(SAMPLES.map((s) => [JSON.stringify(s), s]))("%s measures as string-width does", (_, s) => {
    expect(displayWidth(s)).toBe(stringWidth(s));
  });

  it("counts an emoji shown as emoji two columns, a text-style pictograph (© ✔) one, as terminals draw them", () => {
    expect(displayWidth("✅")).toBe(2);
    expect(displayWidth("❤️")).toBe(2);
    expect(displayWidth("☺︎")).toBe(1);
    expect(displayWidth("✔")).toBe(1);
    expect(displayWidth("©")).toBe(1);
    expect(displayWidth("#️⃣")).toBe(2);
  });

  it("counts a CJK character as two columns", () => {
    expect(displayWidth("单位")).toBe(4);
    expect(displayWidth("a单b")).toBe(4);
  });
});

describe("truncate", () => {
  it("leaves what fits alone", () => {
    expect(truncate("南昌县", 6)).toBe("南昌县");
  });

  it("cuts at the end, never splitting a wide character", () => {
    expect(truncate("南昌县莲塘第一中学", 9)).toBe("南昌县莲…");
    expect(displayWidth(truncate("南昌县莲塘第一中学", 8))).toBeLessThanOrEqual(8);
    expect(truncate("abcdef", 4)).toBe("abc…");
  });

  it("in the middle keeps both ends, at the start keeps the end", () => {
    expect(truncate("南昌县莲塘第一中学", 15, "middle")).toBe("南昌…塘第一中学");
    expect(truncate("南昌县莲塘第一中学", 10, "middle")).toBe("南…一中学");
    expect(truncate("收到的数据库/向塘中学.db", 16, "start")).toBe("…库/向塘中学.db");
    for (const width of [1, 2, 3, 5, 10]) {
      for (const cut of ["end", "middle", "start"] as const) {
        expect(displayWidth(truncate("南昌县莲塘第一中学 school", width, cut))).toBeLessThanOrEqual(width);
      }
    }
  });

  it("keeps an emoji with its modifier whole", () => {
    const cut = truncate("ab👍🏽cd", 4);
    expect(cut === "ab…" || cut === "ab👍🏽…").toBe(true);
    expect(displayWidth(cut)).toBeLessThanOrEqual(4);
  });
});

describe("pad", () => {
  it("pads by display width", () => {
    expect(padEnd("单位", 6)).toBe("单位  ");
    expect(padStart("12", 4)).toBe("  12");
    expect(padEnd("单位名称", 4)).toBe("单位名称");
  });
});

describe("wrap", () => {
  const long =
    "逐项完成本单位自查；每个回答即时保存，可随时按 Ctrl-C 退出，再次运行即可继续。（括号里的说明，也不能断在开括号后。）";

  it("keeps every line within the width, and loses no character", () => {
    for (const width of [10, 17, 24, 40]) {
      const lines = wrap(long, width);
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(width);
      expect(lines.join("").replace(/ /g, "")).toBe(long.replace(/ /g, ""));
    }
  });

  it("never starts a line with closing punctuation nor ends one with opening punctuation", () => {
    for (let width = 8; width <= 40; width++) {
      const lines = wrap(long, width);
      for (const [i, l] of lines.entries()) {
        if (i > 0) expect(l, `width ${width}`).not.toMatch(/^[，。、；：？！）」』】”’…]/);
        expect(l, `width ${width}`).not.toMatch(/[（「『【“‘]$/);
      }
    }
  });

  it("breaks English at spaces and keeps words whole", () => {
    expect(wrap("walk through the self-check item by item", 16)).toEqual([
      "walk through the",
      "self-check item",
      "by item",
    ]);
  });

  it("cuts a word longer than the line, and keeps the line breaks it was given", () => {
    expect(wrap("/a/very/long/path/to/lookback.db", 10)).toEqual([
      "/a/very/lo",
      "ng/path/to",
      "/lookback.",
      "db",
    ]);
    expect(wrap("one\ntwo", 40)).toEqual(["one", "two"]);
  });
});
