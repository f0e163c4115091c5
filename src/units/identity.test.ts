// One unit identity: the stored form of a name, the key under which look-alikes are one unit,
// the names refused, and the near names (typos, short forms) that must not pass silently.
import { describe, expect, it } from "vitest";
import { isNearKey, NearIndex, nearNames, normalizeUnitName, unitKey } from "./identity.js";

const name = (raw: string) => {
  const n = normalizeUnitName(raw);
  return n.ok ? n.name : n.problem;
};

describe("normalizeUnitName", () => {
  it("stores the display form: NFC, no invisible characters, one plain space, trimmed", () => {
    expect(name("  南昌县\u3000莲塘 一中 ")).toBe("南昌县 莲塘 一中");
    expect(name("莲塘\u200b一中\ufeff")).toBe("莲塘一中");
    expect(name("e\u0301cole")).toBe("\u00e9cole");
    expect(name("莲塘\u00a0一中")).toBe("莲塘 一中");
  });

  it("refuses control and direction-changing characters, empty names and names past the limit", () => {
    expect(name("莲塘\n一中")).toBe("control");
    expect(name("莲塘\t一中")).toBe("control");
    expect(name("莲塘\u0007")).toBe("control");
    expect(name("学校\u202egpj.exe")).toBe("bidi");
    expect(name("\u2066学校")).toBe("bidi");
    expect(name(" \u200b ")).toBe("empty");
    expect(name("校".repeat(101))).toBe("too-long");
    expect(name("校".repeat(100))).toBe("校".repeat(100));
    expect(name("\ud800学校")).toBe("control");
  });
});

describe("unitKey: look-alikes are one unit", () => {
  const same = [
    ["南昌县莲塘第一中学", "南昌县莲塘第一中学".normalize("NFD")],
    ["莲塘一中(高中部)", "莲塘一中（高中部）"],
    ["莲塘一中【高中部】", "莲塘一中(高中部)"],
    ["ABC学校", "ＡＢＣ学校"],
    ["abc学校", "ABC学校"],
    ["第1中学", "第１中学"],
    ["⼀中", "一中"],
    ["莲塘 一中", "莲塘一中"],
    ["莲塘\u200b一中", "莲塘一中"],
    ["向塘-中学", "向塘—中学"],
  ];
  for (const [a, b] of same) {
    it(`${JSON.stringify(a)} ≡ ${JSON.stringify(b)}`, () => expect(unitKey(a!)).toBe(unitKey(b!)));
  }
  it("different schools keep different keys", () => {
    expect(unitKey("莲塘一小")).not.toBe(unitKey("莲塘二小"));
    expect(unitKey("a/b*c?d")).not.toBe(unitKey("a:b*c?d"));
  });
});

describe("near names", () => {
  it("a typo or a short form is near", () => {
    expect(isNearKey(unitKey("南昌县莲塘一中"), unitKey("南昌县莲塘第一中学"))).toBe(true);
    expect(isNearKey(unitKey("莲塘一中"), unitKey("南昌县莲塘第一中学"))).toBe(true);
    expect(isNearKey(unitKey("连塘第一中学"), unitKey("莲塘第一中学"))).toBe(true);
    expect(isNearKey(unitKey("向塘镇中心小学"), unitKey("向塘镇中心小学校"))).toBe(true);
  });

  it("another number or another level of school is another unit, not a typo", () => {
    expect(isNearKey(unitKey("莲塘一小"), unitKey("莲塘二小"))).toBe(false);
    expect(isNearKey(unitKey("莲塘第一中学"), unitKey("莲塘第十一中学"))).toBe(false);
    expect(isNearKey(unitKey("向塘中学"), unitKey("向塘小学"))).toBe(false);
    expect(isNearKey(unitKey("第3学校"), unitKey("第30学校"))).toBe(false);
    expect(isNearKey(unitKey("县教体局"), unitKey("县教体局"))).toBe(false);
  });

  it("nearNames lists the nearest first; the index finds the same as a plain scan", () => {
    const known = ["南昌县莲塘第一中学", "南昌县莲塘第二中学", "南昌县向塘中学", "莲塘一小"].map((n) => ({
      name: n,
      key: unitKey(n),
    }));
    expect(nearNames("南昌县莲塘一中", known)).toEqual(["南昌县莲塘第一中学"]);
    expect(nearNames("莲塘三小", known)).toEqual([]);
    const index = new NearIndex(known);
    for (const probe of ["南昌县莲塘一中", "南昌县向塘中", "莲塘1小", "无关单位"]) {
      expect(index.near(probe)).toEqual(
        known.filter((k) => isNearKey(unitKey(probe), k.key)).map((k) => k.name),
      );
    }
  });
});
