// One unit identity on every path, on the built CLI: an answers file, a roster, a school's
// database, rename and merge; look-alike names are one unit, near names are not created
// silently, and export file names never let two units share a file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rawAll } from "./helpers/raw-sql.js";
import { createSchool } from "./helpers/school.js";

const BIN = path.resolve("bin/lookback.js");
const EXAMPLE = readFileSync(path.resolve("docs/answers-example.yaml"), "utf8");
let dir: string;
const db = () => path.join(dir, "全县.db");

function lookback(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "--db", db(), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The example answers file under another unit name. */
function answers(unit: string, file = "a.yaml"): string {
  writeFileSync(path.join(dir, file), EXAMPLE.replace("unit: 南昌县莲塘第一中学", `unit: "${unit}"`));
  return file;
}

/** The units' names, by name, as the file holds them. */
const units = () => rawAll<{ name: string }>(db(), "SELECT name FROM units ORDER BY name").map((u) => u.name);

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-identity-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("answers files", () => {
  it("look-alikes of a known unit are that unit; a near name fails with “did you mean”, unless --new-unit", async () => {
    expect(lookback(["units", "add", "南昌县莲塘第一中学"]).code).toBe(0);
    // NFD, a zero-width space, full-width letters: the same unit.
    for (const look of [
      "南昌县莲塘第一中学".normalize("NFD"),
      "南昌县莲塘\u200b第一中学",
      "南昌县　莲塘第一中学",
    ]) {
      const r = lookback(["check", "--answers", answers(look), "--new"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("of 南昌县莲塘第一中学 ·");
    }
    expect(units()).toEqual(["南昌县莲塘第一中学"]);

    const near = lookback(["check", "--answers", answers("南昌县莲塘一中")]);
    expect(near.code).toBe(2);
    expect(near.stderr).toContain("There is no unit “南昌县莲塘一中” yet, but there is 南昌县莲塘第一中学");
    expect(near.stderr).toContain("run again with --new-unit");
    expect(near.stderr).toContain("Nothing was stored.");
    expect(units()).toEqual(["南昌县莲塘第一中学"]);

    const made = lookback(["check", "--answers", answers("南昌县莲塘一中"), "--new-unit"]);
    expect(made.code, made.stderr).toBe(0);
    expect(units()).toHaveLength(2);
  });

  it("names with control or direction-changing characters are refused", async () => {
    for (const bad of ["莲塘\\n一中", "学校\u202egpj", "校".repeat(101)]) {
      const r = lookback(["check", "--answers", answers(bad)]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain("Nothing was stored.");
    }
    expect(existsSync(db())).toBe(false);
  });
});

describe("rosters", () => {
  it("a look-alike row is the known unit; a near row is refused with the known name, unless --new-unit", async () => {
    expect(lookback(["units", "add", "南昌县莲塘第一中学", "--code", "001"]).code).toBe(0);
    writeFileSync(path.join(dir, "r.csv"), "单位名称,乡镇\n南昌县莲塘第一中学\u200b,莲塘镇\n");
    const same = lookback(["units", "import", "r.csv"]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain("1 updated");
    expect(units()).toEqual(["南昌县莲塘第一中学"]);

    writeFileSync(path.join(dir, "near.csv"), "单位名称\n南昌县莲塘一中\n向塘中学\n");
    const near = lookback(["units", "import", "near.csv"]);
    expect(near.code).toBe(2);
    expect(near.stderr).toContain(
      "row 2, column 单位名称: 南昌县莲塘一中 is not a known unit, but 南昌县莲塘第一中学 is",
    );
    expect(near.stderr).toContain("lookback units rename OLD NEW");
    expect(units()).toEqual(["南昌县莲塘第一中学"]);
    expect(lookback(["units", "import", "near.csv", "--new-unit"]).code).toBe(0);
    expect(units()).toHaveLength(3);
  });

  it("rows within a file that are look-alikes of each other are one unit named twice", async () => {
    writeFileSync(path.join(dir, "twice.csv"), "单位名称\n莲塘一中（高中部）\n莲塘一中(高中部)\n");
    const r = lookback(["units", "import", "twice.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("row 3, column 单位名称: 莲塘一中(高中部) is already on row 2");
  });
});

describe("schools' databases", () => {
  it("a school naming itself with a look-alike is the unit of the roster; a near new one is warned about", async () => {
    expect(lookback(["units", "add", "南昌县莲塘第一中学"]).code).toBe(0);
    await createSchool(path.join(dir, "a.db"), { unit: "南昌县莲塘第一中学".normalize("NFD") });
    await createSchool(path.join(dir, "b.db"), { unit: "南昌县莲塘一中" });
    const r = lookback(["import", "a.db", "b.db"]);
    expect(r.code, r.stderr).toBe(0);
    expect(units().sort()).toEqual(["南昌县莲塘一中", "南昌县莲塘第一中学"]);
    expect(r.stderr).toContain("new unit 南昌县莲塘一中 was added; its name is close to 南昌县莲塘第一中学");
    expect(r.stderr).toContain('lookback units merge "南昌县莲塘一中" "南昌县莲塘第一中学"');
  });
});

describe("rename and merge", () => {
  it("merge moves runs, rectifications and history, records it, and a later file of the merged unit finds its new home", async () => {
    await createSchool(path.join(dir, "short.db"), { unit: "莲塘一中" });
    await createSchool(path.join(dir, "full.db"), {
      unit: "南昌县莲塘第一中学",
      code: "3601210001",
      checklist: "standards",
    });
    expect(lookback(["import", "short.db", "full.db"]).code).toBe(0);
    const before = JSON.parse(lookback(["rectify", "list", "--json"]).stdout).count as number;

    const m = lookback(["units", "merge", "莲塘一中", "南昌县莲塘第一中学"]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(
      /Merged 莲塘一中 into 南昌县莲塘第一中学: 1 run\(s\) and \d+ rectification\(s\) moved/,
    );
    expect(units()).toEqual(["南昌县莲塘第一中学"]);
    const after = JSON.parse(lookback(["rectify", "list", "--json"]).stdout);
    expect(after.count).toBe(before);
    expect(new Set(after.rectifications.map((r: { unit: { name: string } }) => r.unit.name))).toEqual(
      new Set(["南昌县莲塘第一中学"]),
    );
    expect(rawAll(db(), "SELECT from_name, runs FROM unit_merges")).toEqual([
      { from_name: "莲塘一中", runs: 1 },
    ]);
    // The school still calls itself 莲塘一中 and sends its file again: it lands on the merged unit.
    const again = lookback(["import", "short.db"]);
    expect(again.code, again.stderr).toBe(0);
    expect(units()).toEqual(["南昌县莲塘第一中学"]);

    // Codes that differ are different units: not merged.
    expect(lookback(["units", "add", "另一所学校", "--code", "999"]).code).toBe(0);
    const refused = lookback(["units", "merge", "另一所学校", "南昌县莲塘第一中学"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("have different codes");
  });

  it("rename keeps the unit and refuses a name another unit has (look-alikes included)", async () => {
    expect(lookback(["units", "add", "莲塘一中"]).code).toBe(0);
    expect(lookback(["units", "add", "向塘中学"]).code).toBe(0);
    const r = lookback(["units", "rename", "莲塘一中", "南昌县莲塘第一中学"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Renamed 莲塘一中 to 南昌县莲塘第一中学");
    const taken = lookback(["units", "rename", "南昌县莲塘第一中学", "向塘\u200b中学"]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain("is already the name of another unit (向塘中学)");
    expect(lookback(["units", "rename", "向塘中学", "向塘\n中学"]).code).toBe(2);
    expect(units().sort()).toEqual(["南昌县莲塘第一中学", "向塘中学"]);
  });
});

describe("export file names", () => {
  it("two units whose names make the same safe name never write the same file, export after export", async () => {
    for (const name of ["a/b*c?d", "a:b*c?d"]) {
      await createSchool(
        path.join(dir, `${name.replace(/[/:*?]/g, "_")}-${name.length}-${name.charCodeAt(1)}.db`),
        {
          unit: name,
        },
      );
    }
    expect(
      lookback(["import", ...readdirSync(dir).filter((f) => f.endsWith(".db") && f !== "全县.db")]).code,
    ).toBe(0);
    const out = path.join(dir, "out");
    for (const name of ["a/b*c?d", "a:b*c?d", "a/b*c?d"]) {
      expect(lookback(["export", "--unit", name, "--out", out, "--force"]).code).toBe(0);
    }
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^a_b_c_d~[0-9a-f]{8}-整改台账\.xlsx$/);
  });
});
