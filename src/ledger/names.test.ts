import { describe, expect, it } from "vitest";
import {
  MAX_NAME_BYTES,
  sanitizeFileStem,
  truncateBytes,
  uniqueFileNames,
  uniqueSheetNames,
} from "./names.js";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const WINDOWS_BAD = /[/\\:*?"<>|\u0000-\u001f]/;

describe("sanitizeFileStem", () => {
  it.each([
    ["南昌县莲塘第一中学", "南昌县莲塘第一中学"],
    ["莲塘镇中心小学（本部）", "莲塘镇中心小学（本部）"],
    ["《焦裕禄》学习小组", "《焦裕禄》学习小组"],
    ["a/b", "a_b"],
    ["a\\b", "a_b"],
    ["南昌县：莲塘*一中?", "南昌县：莲塘_一中_"],
    ['"引号"<尖括号>|竖线', "_引号__尖括号__竖线"],
    ["  .x. ", "x"],
    ["...隐藏", "隐藏"],
    ["一中. . ", "一中"],
    ["CON", "_CON"],
    ["con", "_con"],
    ["Nul", "_Nul"],
    ["COM1", "_COM1"],
    ["LPT9", "_LPT9"],
    ["CON.txt", "_CON.txt"],
    ["aux.学校", "_aux.学校"],
    ["COM10", "COM10"],
    ["CON .txt", "_CON .txt"],
    ["CONSOLE", "CONSOLE"],
    ["制表\t符\n换行", "制表符换行"],
    ["\u202egnp.exe", "gnp.exe"],
    ["", "unit"],
    ["...", "unit"],
    ["///", "___"],
  ])("%j → %j", (input, expected) => {
    expect(sanitizeFileStem(input)).toBe(expected);
  });

  it("never returns a name that is unsafe on Windows or POSIX", () => {
    const roster = [
      "南昌县莲塘第一中学",
      "南昌县莲塘第二中学",
      "向塘镇中心小学",
      "蒋巷镇（联圩）中学",
      "南昌县教体局/机关",
      "幼儿园 ",
      " .幼儿园",
      "PRN",
      "a:b",
      "..",
      ".",
      "x".repeat(300),
      "南昌县".repeat(100),
    ];
    for (const name of roster) {
      const s = sanitizeFileStem(name);
      expect(s).not.toMatch(WINDOWS_BAD);
      expect(s).not.toMatch(/^[.\s]|[.\s]$/);
      expect(s).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(bytes(s)).toBeLessThanOrEqual(MAX_NAME_BYTES);
      expect(s.length).toBeGreaterThan(0);
    }
  });

  it("caps long names in bytes without cutting a character", () => {
    const long = "南昌县莲塘第一中学".repeat(30); // 810 bytes
    const s = sanitizeFileStem(long);
    expect(bytes(s)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(bytes(s)).toBeGreaterThan(MAX_NAME_BYTES - 3);
    expect(long.startsWith(s)).toBe(true);
    expect(s).not.toContain("\ufffd");
  });

  it("does not split an emoji or a combined character", () => {
    expect(truncateBytes("ab👨‍👩‍👧", 5)).toBe("ab");
    expect(truncateBytes("e\u0301e\u0301", 3)).toBe("e\u0301");
  });
});

describe("uniqueFileNames", () => {
  const opts = { suffix: "-整改台账", ext: ".xlsx" };

  it("adds the suffix and extension", () => {
    expect(uniqueFileNames(["南昌县莲塘第一中学"], opts)).toEqual(["南昌县莲塘第一中学-整改台账.xlsx"]);
  });

  it("numbers names that collide after sanitizing, case-insensitively", () => {
    expect(uniqueFileNames(["a/b", "a:b", "A_B", "a?b"], opts)).toEqual([
      "a_b-整改台账.xlsx",
      "a_b(2)-整改台账.xlsx",
      "A_B(3)-整改台账.xlsx",
      "a_b(4)-整改台账.xlsx",
    ]);
  });

  it("marks a name that had to change with the start of the unit's id: stable, never shared", () => {
    const a = { name: "a/b*c?d", id: "3f2a9c1e-0000-4000-8000-000000000001" };
    const b = { name: "a:b*c?d", id: "77c0d412-0000-4000-8000-000000000002" };
    const plainUnit = { name: "南昌县莲塘第一中学", id: "11111111-0000-4000-8000-000000000003" };
    expect(uniqueFileNames([a, b, plainUnit], opts)).toEqual([
      "a_b_c_d~3f2a9c1e-整改台账.xlsx",
      "a_b_c_d~77c0d412-整改台账.xlsx",
      "南昌县莲塘第一中学-整改台账.xlsx",
    ]);
    // Exported one at a time, in either order, each unit keeps its own file.
    expect(uniqueFileNames([b], opts)).toEqual(["a_b_c_d~77c0d412-整改台账.xlsx"]);
    expect(uniqueFileNames([a], opts)).toEqual(["a_b_c_d~3f2a9c1e-整改台账.xlsx"]);
    // A name cut short for length is marked too.
    const long = { name: "很长的单位名称".repeat(14), id: "22222222-0000-4000-8000-000000000004" };
    const [cut] = uniqueFileNames([long], opts);
    expect(cut).toContain("~22222222-整改台账.xlsx");
    expect(bytes(cut ?? "")).toBeLessThanOrEqual(MAX_NAME_BYTES);
  });

  it("keeps clear of names already taken (the summary)", () => {
    expect(uniqueFileNames(["汇总"], { suffix: "", ext: ".xlsx", taken: ["汇总.xlsx"] })).toEqual([
      "汇总(2).xlsx",
    ]);
  });

  it("guards a device name formed with the suffix", () => {
    const [name] = uniqueFileNames(["CON.x"], opts);
    expect(name).toBe("_CON.x-整改台账.xlsx");
    expect(uniqueFileNames(["CON"], opts)).toEqual(["CON-整改台账.xlsx"]);
  });

  it("keeps whole names under the byte cap, counter included", () => {
    const long = "很长的单位名称".repeat(40);
    const names = uniqueFileNames([long, long, long], opts);
    for (const n of names) {
      expect(bytes(n)).toBeLessThanOrEqual(MAX_NAME_BYTES);
      expect(n.endsWith("-整改台账.xlsx")).toBe(true);
    }
    expect(new Set(names).size).toBe(3);
  });
});

describe("uniqueSheetNames", () => {
  it("removes forbidden characters, caps at 31 and keeps names unique", () => {
    const names = uniqueSheetNames([
      "整改台账",
      "整改台账",
      "a/b:c*d?e[f]g\\h",
      "很".repeat(40),
      "'引号'",
      "",
      "History",
    ]);
    expect(names[0]).toBe("整改台账");
    expect(names[1]).toBe("整改台账(2)");
    expect(names[2]).toBe("a_b_c_d_e_f_g_h");
    expect(names[3]).toHaveLength(31);
    expect(names[4]).toBe("’引号’");
    for (const n of names) {
      expect(n.length).toBeGreaterThan(0);
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[:\\/?*[\]]/);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });
});
