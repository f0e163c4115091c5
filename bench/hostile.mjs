#!/usr/bin/env node
// Hostile inputs, measured: each file that once hung lookback, took gigabytes or broke the
// county, run through the built CLI under /usr/bin/time -v. Prints exit code, wall time and
// peak memory (max RSS) per case; the targets are < 300 MB and a few seconds each.
//
//   npm run build && node bench/hostile.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { bin, root } from "./util.mjs";

const TIME = "/usr/bin/time";
const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-hostile-"));
const f = (name) => path.join(dir, name);
const EXAMPLE = readFileSync(path.join(root, "docs/answers-example.yaml"), "utf8");

function lookback(db, args, extra = {}) {
  return spawnSync(process.execPath, [bin, "--db", db, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1", ...extra },
  });
}

/** Run under /usr/bin/time -v: exit code, seconds, MB. */
function measure(args, opts = {}) {
  const r = spawnSync(TIME, ["-v", process.execPath, bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, LOOKBACK_LANG: "en", NO_COLOR: "1" },
    timeout: opts.timeout ?? 120_000,
  });
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Number.NaN;
  const message =
    r.stderr.split("\n").find((l) => /^(error|hint)|: refused|not imported|error:/.test(l.trim())) ??
    r.stdout.split("\n")[0];
  return {
    code: r.status ?? (r.signal ? `killed ${r.signal}` : "?"),
    seconds,
    rss,
    message: (message ?? "").trim().slice(0, 110),
  };
}

/** A school's database as `check --answers` writes it. */
function school(file, unit = "莲塘一小") {
  writeFileSync(f("a.yaml"), EXAMPLE.replace("unit: 南昌县莲塘第一中学", `unit: ${unit}`));
  const r = lookback(file, ["check", "--answers", f("a.yaml")]);
  if (r.status !== 0) throw new Error(r.stderr);
  return file;
}

function edited(name, fn) {
  const file = school(f(name));
  const db = new Database(file);
  db.pragma("foreign_keys = OFF");
  fn(db);
  db.close();
  return file;
}

const county = f("county.db");
school(f("base.db"), "向塘中学");
lookback(county, ["import", f("base.db")]);

const cases = [];
const add = (what, args, opts) => cases.push({ what, args, opts });

// --- school databases -------------------------------------------------------------------
add("import: runs.leaders not JSON", [
  "--db",
  county,
  "import",
  edited("leaders.db", (d) => d.exec("UPDATE runs SET leaders = '[oops'")),
]);
add("import: units.name a BLOB", [
  "--db",
  county,
  "import",
  edited("blob.db", (d) => d.exec("UPDATE units SET name = X'00FF00'")),
]);
add("import: snapshot text forged under the built-in's hash", [
  "--db",
  county,
  "import",
  edited("forged.db", (d) =>
    d.exec("UPDATE checklist_snapshots SET content = replace(content, '学习时间', '【已被篡改】学习时间')"),
  ),
]);
add("import: a view over an endless recursive query", [
  "--db",
  county,
  "import",
  edited("view.db", (d) => {
    d.exec("DROP TABLE rectification_history");
    d.exec(
      "CREATE VIEW rectification_history AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n",
    );
  }),
]);
add("import: a 100 MB note", [
  "--db",
  county,
  "import",
  edited("note.db", (d) =>
    d.prepare("UPDATE answers SET note = ? WHERE rowid = 1").run("n".repeat(100 * 1024 * 1024)),
  ),
]);
add("import: a 50 MB problem", [
  "--db",
  county,
  "import",
  edited("problem.db", (d) =>
    d.prepare("UPDATE rectifications SET problem = ? WHERE rowid = 1").run("字".repeat(17 * 1024 * 1024)),
  ),
]);
add("import: 300k answer rows (over the row limit)", [
  "--db",
  county,
  "import",
  edited("rows.db", (d) => {
    const ins = d.prepare(
      "INSERT INTO answers (id, run_id, item_key, section_id, item_id, leader, result, answered_at, updated_at) SELECT lower(hex(randomblob(4))) || '-0000-4000-8000-' || lower(hex(randomblob(6))), run_id, item_key || ?, section_id, item_id, leader, result, answered_at, updated_at FROM answers LIMIT 1",
    );
    d.transaction(() => {
      for (let i = 0; i < 300_000; i++) ins.run(`#${i}`);
    })();
  }),
]);
// A school a year ahead sends the same file twice; the second time must change nothing.
const skewed = f("skewed.db");
writeFileSync(f("a.yaml"), EXAMPLE.replace("unit: 南昌县莲塘第一中学", "unit: 钟快学校"));
spawnSync("faketime", [
  "-f",
  "+365d",
  process.execPath,
  bin,
  "--db",
  skewed,
  "check",
  "--answers",
  f("a.yaml"),
]);
lookback(county, ["import", skewed]);
add("import: a year-ahead school's file again (unchanged)", ["--db", county, "import", skewed]);
add("import: /dev/zero", ["--db", county, "import", "/dev/zero"]);
execFileSync("mkfifo", [f("pipe.db")]);
add("import: a FIFO", ["--db", county, "import", f("pipe.db")]);

// --- answers files, templates, checklists ----------------------------------------------------
const keys = (n) => Array.from({ length: n }, (_, i) => `  study.k${i}: pass`).join("\n");
writeFileSync(f("keys60k.yaml"), `unit: 甲校\nrespondent: 王\nanswers:\n${keys(60_000)}\n`);
add("check --answers: 60,000 unknown keys", ["--db", f("x.db"), "check", "--answers", f("keys60k.yaml")]);
let big = `unit: 甲校\nrespondent: 王\nleaders: [李]\nanswers:\n`;
for (let i = 0; big.length < 4.9 * 1024 * 1024; i++) big += `  study.k${i}: pass\n`;
writeFileSync(f("keys49.yaml"), big);
add("check --answers: 4.9 MB of keys", ["--db", f("x.db"), "check", "--answers", f("keys49.yaml")]);
const dup = `unit: 甲校\nrespondent: 王\nleaders: [李]\nanswers:\n${"  study.study-time: pass\n".repeat(20_000)}`;
writeFileSync(f("dup.yaml"), dup);
add("check --answers: 20,000 repeated keys", ["--db", f("x.db"), "check", "--answers", f("dup.yaml")]);
add("check --answers /dev/zero", ["--db", f("x.db"), "check", "--answers", "/dev/zero"]);
execFileSync("mkfifo", [f("pipe.yaml")]);
add("check --answers FIFO", ["--db", f("x.db"), "check", "--answers", f("pipe.yaml")]);
add("export --template /dev/zero", [
  "--db",
  county,
  "export",
  "--all",
  "--template",
  "/dev/zero",
  "--out",
  f("o"),
]);
add("validate /dev/zero", ["validate", "/dev/zero"]);
add("validate FIFO", ["validate", f("pipe.yaml")]);

// --- rosters ----------------------------------------------------------------------------
writeFileSync(
  f("million.csv"),
  `单位名称\n${Array.from({ length: 1_000_000 }, (_, i) => `学校${i}`).join("\n")}\n`,
);
add("units import: 1M-row CSV", ["--db", f("r.db"), "units", "import", f("million.csv")]);
writeFileSync(f("quote.csv"), `单位名称\n莲塘一小\n"向塘中学\n${"甲校\n".repeat(10_000)}`);
add("units import: CSV with an unclosed quote", ["--db", f("r.db"), "units", "import", f("quote.csv")]);
add("units import /dev/zero", ["--db", f("r.db"), "units", "import", "/dev/zero"]);
const { writeZip } = await import(path.join(root, "dist/ledger/zip.js"));
const part = (name, text) => ({ name, data: Buffer.from(text) });
const wbParts = (sheet, shared) => [
  part("[Content_Types].xml", "<Types/>"),
  part("xl/workbook.xml", '<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>'),
  part(
    "xl/_rels/workbook.xml.rels",
    '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x/worksheet"/><Relationship Id="rId2" Target="sharedStrings.xml" Type="x/sharedStrings"/></Relationships>',
  ),
  { name: "xl/worksheets/sheet1.xml", data: sheet },
  { name: "xl/sharedStrings.xml", data: shared },
];
writeFileSync(
  f("far.xlsx"),
  writeZip(
    wbParts(
      Buffer.from(
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>单位名称</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>',
      ),
      Buffer.from("<sst/>"),
    ),
  ),
);
add("units import: 1 KB XLSX with a cell at XFD1048576", [
  "--db",
  f("r.db"),
  "units",
  "import",
  f("far.xlsx"),
]);
writeFileSync(
  f("bomb-sheet.xlsx"),
  writeZip(wbParts(Buffer.alloc(1024 * 1024 * 1024, 0x20), Buffer.from("<sst/>"))),
);
add("units import: XLSX bomb, 1 GB sheet", ["--db", f("r.db"), "units", "import", f("bomb-sheet.xlsx")]);
writeFileSync(
  f("bomb-strings.xlsx"),
  writeZip(
    wbParts(
      Buffer.from("<worksheet/>"),
      Buffer.concat([Buffer.from("<sst>"), Buffer.alloc(600 * 1024 * 1024, 0x20), Buffer.from("</sst>")]),
    ),
  ),
);
add("units import: XLSX bomb, 600 MB shared strings", [
  "--db",
  f("r.db"),
  "units",
  "import",
  f("bomb-strings.xlsx"),
]);

const before = createHash("sha256").update(readFileSync(county)).digest("hex");
const rows = [];
for (const c of cases) {
  process.stderr.write(`hostile: ${c.what} …\n`);
  rows.push({ what: c.what, ...measure(c.args, c.opts) });
}
const after = createHash("sha256").update(readFileSync(county)).digest("hex");
console.log(
  `${"case".padEnd(52)} ${"exit".padStart(4)} ${"wall s".padStart(7)} ${"peak MB".padStart(8)}  message`,
);
for (const r of rows) {
  const ok = r.rss < 300 && r.seconds < 10 ? "" : "  <-- MISSED";
  console.log(
    `${r.what.padEnd(52)} ${String(r.code).padStart(4)} ${r.seconds.toFixed(2).padStart(7)} ${r.rss.toFixed(0).padStart(8)}  ${r.message}${ok}`,
  );
}
console.log(`\ncounty database unchanged by all of them: ${before === after ? "yes" : "NO"}`);
rmSync(dir, { recursive: true, force: true });
