// Bounds on everything read, on the built CLI: each hostile file of the kind that used to hang
// lookback or take gigabytes is refused quickly, with one message that names the limit.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeZip } from "../src/ledger/zip.js";

const BIN = path.resolve("bin/lookback.js");
const EXAMPLE = readFileSync(path.resolve("docs/answers-example.yaml"), "utf8");
let dir: string;

function lookback(args: string[]) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, "--db", path.join(dir, "l.db"), ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en" },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-bounds-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("answers files", () => {
  it("60,000 unknown keys: refused at the key limit, in well under the minutes it used to take", () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  study.k${i}: pass`).join("\n");
    writeFileSync(path.join(dir, "many.yaml"), `unit: 甲校\nrespondent: 王\nanswers:\n${keys}\n`);
    const r = lookback(["check", "--answers", "many.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("more than 20000 keys, the limit for one YAML file");
    expect(r.ms).toBeLessThan(10_000);
  });

  it("thousands of unknown or repeated keys: the first 100 problems, then one line", () => {
    const head = "unit: 甲校\nrespondent: 王\nleaders: [李书记]\nanswers:\n";
    const unknown = Array.from({ length: 4_500 }, (_, i) => `  study.k${i}: pass`).join("\n");
    writeFileSync(path.join(dir, "unknown.yaml"), `${head}${unknown}\n`);
    // Repeated keys: the YAML library's own check compares each key with every other.
    const dup = Array.from({ length: 15_000 }, () => "  study.study-time: pass").join("\n");
    writeFileSync(path.join(dir, "dup.yaml"), `${head}${dup}\n`);
    for (const file of ["unknown.yaml", "dup.yaml"]) {
      const r = lookback(["check", "--answers", file]);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toContain("Checking stopped after 100 problems");
      expect(r.stderr.match(/ error: /g)?.length).toBe(101);
      expect(r.ms, file).toBeLessThan(10_000);
    }
  });

  it("a __proto__ key is an unknown item, not dropped without a word", () => {
    writeFileSync(path.join(dir, "proto.yaml"), `${EXAMPLE}  __proto__: pass\n`);
    const r = lookback(["check", "--answers", "proto.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/proto\.yaml:\d+:3 +error: .*__proto__/);
  });

  it("a 4.9 MB answers file (one enormous note) is refused by the field's limit, quickly", () => {
    const big = EXAMPLE.replace("note: 以集中学习为主，形式较单一", `note: ${"长".repeat(1_600_000)}`);
    writeFileSync(path.join(dir, "big.yaml"), big);
    const r = lookback(["check", "--answers", "big.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is too long (at most 2000 characters)");
    expect(r.ms).toBeLessThan(10_000);
  });

  it("more leading cadres than the limit", () => {
    const leaders = Array.from({ length: 60 }, (_, i) => `干部${i}`).join("、");
    writeFileSync(
      path.join(dir, "l.yaml"),
      EXAMPLE.replace("leaders: [李书记, 王校长]", `leaders: ${leaders}`),
    );
    const r = lookback(["check", "--answers", "l.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("60 leading cadres is more than the limit of 50");
  });
});

describe("rosters", () => {
  it("a CSV with an unclosed quote is refused with the row it opens on", () => {
    writeFileSync(path.join(dir, "q.csv"), '单位名称,乡镇\n莲塘一小,莲塘镇\n"向塘中学,向塘镇\n甲校,乙镇\n');
    const r = lookback(["units", "import", "q.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("a quoted field opens on row 3 and is never closed");
    expect(existsDb()).toBe(false);
  });

  it("a million-row CSV is refused at the row limit, creating nothing", () => {
    const rows = Array.from({ length: 1_000_000 }, (_, i) => `学校${i}`).join("\n");
    writeFileSync(path.join(dir, "m.csv"), `单位名称\n${rows}\n`);
    const r = lookback(["units", "import", "m.csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("has more than 100000 rows, the limit for a roster");
    expect(r.ms).toBeLessThan(15_000);
    expect(existsDb()).toBe(false);
  });

  it("an XLSX with a value at XFD1048576 is refused by that cell's address, at once", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("名册");
    ws.addRow(["单位名称"]);
    ws.addRow(["莲塘一小"]);
    ws.getCell("XFD1048576").value = "x";
    await wb.xlsx.writeFile(path.join(dir, "far.xlsx"));
    const r = lookback(["units", "import", "far.xlsx"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("has a value in cell XFD1048576, past the roster limit");
    expect(r.ms).toBeLessThan(10_000);
  });

  it("an XLSX zip bomb is refused within the unzipped budget", () => {
    const part = (name: string, text: string) => ({ name, data: Buffer.from(text) });
    const bomb = writeZip([
      part("[Content_Types].xml", "<Types/>"),
      part("xl/workbook.xml", '<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>'),
      part(
        "xl/_rels/workbook.xml.rels",
        '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x/worksheet"/></Relationships>',
      ),
      { name: "xl/worksheets/sheet1.xml", data: Buffer.alloc(100 * 1024 * 1024, 0x20) },
    ]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    writeFileSync(path.join(dir, "bomb.xlsx"), bomb);
    const r = lookback(["units", "import", "bomb.xlsx"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unzips to more than 64 MB");
  });
});

describe("checklists", () => {
  it("a symbolic link to a checklist is followed; a broken one is reported, not ignored", () => {
    const real = path.join(dir, "elsewhere");
    mkdirSync(real);
    const mini = readFileSync(path.resolve("test/fixtures/check/mini/mini.yaml"));
    writeFileSync(path.join(real, "mini.yaml"), mini);
    mkdirSync(path.join(dir, "checklists"));
    symlinkSync(path.join(real, "mini.yaml"), path.join(dir, "checklists", "linked.yaml"));
    const list = lookback(["list", "--json"]);
    expect(list.stdout).toContain('"mini"');
    symlinkSync(path.join(real, "gone.yaml"), path.join(dir, "checklists", "broken.yaml"));
    const v = lookback(["validate", "checklists"]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/broken\.yaml:1:1 +error: Cannot read the file/);
  });
});

function existsDb(): boolean {
  try {
    readFileSync(path.join(dir, "l.db"));
    return true;
  } catch {
    return false;
  }
}
