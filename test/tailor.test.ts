// Tailoring end to end, on the built CLI, as a bureau and its schools meet it: a three-level chain
// in a checklists folder; `list` shows the chain and `show` the resolved checklist; a school
// answers the resolved checklist; its run keeps what it answered when the parent changes
// later; and `compare` holds a run of the parent against a run of the child.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExplainedChecklist } from "../src/checklist/explain.js";
import type { Comparison } from "../src/compare/compare.js";

const BIN = path.resolve("bin/lookback.js");
const FIXTURES = path.resolve("test/fixtures/tailor");
let dir: string;
let checklists: string;

function lookback(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, "--checklists", checklists, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      NO_COLOR: "1",
      LOOKBACK_LANG: "en",
      LOOKBACK_DB: path.join(dir, "lookback.db"),
      COLUMNS: "100",
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An answers file: every item `pass` unless said otherwise. */
function answers(name: string, checklist: string, items: string[], results: Record<string, unknown> = {}) {
  const file = path.join(dir, name);
  const lines = [
    `unit: 莲塘一小`,
    `checklist: ${checklist}`,
    `respondent: 张老师`,
    `leaders: [李书记]`,
    "answers:",
  ];
  for (const key of items) lines.push(`  ${key}: ${JSON.stringify(results[key] ?? "pass")}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const NA = { result: "na", na_reason: "本校无此情况" };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-tailor-e2e-"));
  checklists = path.join(dir, "checklists");
  mkdirSync(checklists);
  copyFileSync(path.join(FIXTURES, "base.yaml"), path.join(checklists, "base.yaml"));
  copyFileSync(path.join(FIXTURES, "chain/middle.yaml"), path.join(checklists, "middle.yaml"));
  copyFileSync(path.join(FIXTURES, "chain/leaf.yaml"), path.join(checklists, "leaf.yaml"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a three-level chain in a checklists folder", () => {
  it("validate checks the --checklists folder; one file of it alone finds its parents there", () => {
    const all = lookback(["validate"]);
    expect(all.stdout).toBe("3 file(s) checked, 3 checklist(s), no problems.\n");
    const one = lookback(["validate", path.join(checklists, "leaf.yaml")]);
    expect([one.code, one.stdout]).toEqual([0, "1 file(s) checked, 1 checklist(s), no problems.\n"]);
  });

  it("list shows the chain, and list --json each parent with its file", () => {
    const r = lookback(["list"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^leaf\s.*middle ← base/m);
    expect(r.stdout).toMatch(/^middle\s.*\bbase\b/m);
    const json = JSON.parse(lookback(["list", "--json"]).stdout) as {
      checklists: { id: string; items: number; extends: { id: string; file: string }[] }[];
    };
    const leaf = json.checklists.find((c) => c.id === "leaf")!;
    expect(leaf.extends.map((p) => [p.id, path.basename(p.file)])).toEqual([
      ["middle", "middle.yaml"],
      ["base", "base.yaml"],
    ]);
    expect(leaf.items).toBe(6);
    expect(json.checklists.find((c) => c.id === "base")!.extends).toEqual([]);
  });

  it("show prints the resolved checklist, each item marked with where it comes from and what changed", () => {
    const r = lookback(["show", "leaf"]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain("Extends middle 2.0.0 ← base 1.0.0.");
    expect(out).toMatch(
      /^ {2}a\.five {2}Five\?\n {6}added by middle \(checklists\/middle\.yaml:17\)\n {6}evidence changed by leaf \(checklists\/leaf\.yaml:9\)$/m,
    );
    expect(out).toMatch(
      /^ {2}a\.two {2}Two, changed\? {2}\[weight 2\]\n {6}text, text_en, weight changed by middle \(checklists\/middle\.yaml:11\)$/m,
    );
    expect(out).toMatch(/^ {2}a\.one {2}One\?\n {6}moved by leaf \(checklists\/leaf\.yaml:14\)$/m);
    expect(out).toMatch(/^Section B, renamed · b\n {2}title, title_en changed by leaf/m);
    expect(out).toMatch(
      /^Removed:\n {2}a\.three {2}by middle \(checklists\/middle\.yaml:8\)\n {2}lead {2}by leaf \(checklists\/leaf\.yaml:6\)$/m,
    );
    const zh = lookback(["--lang", "zh", "show", "leaf"]).stdout;
    expect(zh).toContain("扩展自 middle 2.0.0 ← base 1.0.0。");
    expect(zh).toContain("由 middle 添加（checklists/middle.yaml:17）");
  });

  it("show --json is the same data, with the resolved checklist as a run stores it", () => {
    const data = JSON.parse(lookback(["show", "leaf", "--json"]).stdout) as ExplainedChecklist;
    expect(data.chain.map((l) => l.id)).toEqual(["leaf", "middle", "base"]);
    const a = data.sections[0]!;
    expect(
      a.items.map((i) => [
        i.key,
        i.from.checklist,
        i.changed.map((c) => c.field),
        i.moved?.checklist ?? null,
      ]),
    ).toEqual([
      ["a.five", "middle", ["evidence"], null],
      ["a.two", "base", ["text", "text_en", "weight"], null],
      ["a.one", "base", [], "leaf"],
    ]);
    expect(a.items[0]!.from).toMatchObject({
      file: path.join(checklists, "middle.yaml"),
      line: 17,
      builtin: false,
    });
    expect(data.removed.map((r) => [r.id, r.checklist, r.line])).toEqual([
      ["a.three", "middle", 8],
      ["lead", "leaf", 6],
    ]);
    expect(data.checklist.lineage).toEqual([
      { id: "middle", version: "2.0.0" },
      { id: "base", version: "1.0.0" },
    ]);
    expect(data.scoring).toMatchObject({ partial: 0.5, pass: null, sectionWeighted: false });
  });

  it("show of a checklist that is not loaded: exit 2, with a did-you-mean", () => {
    const r = lookback(["show", "leef"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("No checklist `leef` is loaded.");
    expect(r.stderr).toContain("Did you mean `leaf`?");
  });
});

describe("a school answers the resolved checklist; its run keeps it when the parent changes", () => {
  const db = () => new Database(path.join(dir, "lookback.db"), { readonly: true });
  const leafItems = ["a.five", "a.two", "a.one", "c.seven", "b.six", "b.four"];
  let firstHash = "";

  it("the run stores the resolved checklist, complete in itself, under the hash of its text", () => {
    const r = lookback(["check", "--answers", answers("leaf-1.yaml", "leaf", leafItems, { "b.six": NA })]);
    expect(r.code, r.stderr).toBe(0);
    const conn = db();
    const snap = conn.prepare("SELECT * FROM checklist_snapshots WHERE checklist_id = 'leaf'").get() as {
      hash: string;
      content: string;
      version: string;
    };
    conn.close();
    firstHash = snap.hash;
    expect(createHash("sha256").update(snap.content, "utf8").digest("hex")).toBe(snap.hash);
    expect(snap.version).toBe("3.0.0");
    expect(snap.content).not.toMatch(/^extends:/m);
    expect(snap.content).toMatch(/^lineage:\n {2}- id: "middle"\n {4}version: "2\.0\.0"\n {2}- id: "base"/m);
    // The same as `show --json` says a run stores.
    const shown = JSON.parse(lookback(["show", "leaf", "--json"]).stdout) as ExplainedChecklist;
    expect(shown.checklist.sections.flatMap((s) => s.items.map((i) => `${s.id}.${i.id}`))).toEqual(leafItems);
  });

  it("after the parent changes, the past run still shows what it answered; a new run answers the new checklist", () => {
    const base = path.join(checklists, "base.yaml");
    writeFileSync(
      base,
      readFileSync(base, "utf8")
        .replace("text: 四？", "text: 四（基础清单已更正）？")
        .replace(
          "      - id: four",
          "      - id: eight\n        text: 八？\n        text_en: Eight?\n        basis: 八\n      - id: four",
        ),
    );
    const status = JSON.parse(lookback(["status", "--json"]).stdout) as {
      runs: { checklist: { id: string; hash: string }; total: number; answered: number }[];
    };
    expect(status.runs.map((r) => [r.checklist.id, r.checklist.hash, r.answered, r.total])).toEqual([
      ["leaf", firstHash, 6, 6],
    ]);
    const out = path.join(dir, "export-1");
    expect(lookback(["export", "--all", "--format", "json", "--out", out]).code).toBe(0);
    expect(readFileSync(path.join(out, "莲塘一小-整改台账.json"), "utf8")).toContain("四？");

    const r = lookback([
      "check",
      "--new",
      "--answers",
      answers("leaf-2.yaml", "leaf", [...leafItems, "b.eight"]),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const conn = db();
    const snaps = conn
      .prepare(
        "SELECT hash, content FROM checklist_snapshots WHERE checklist_id = 'leaf' ORDER BY created_at",
      )
      .all() as {
      hash: string;
      content: string;
    }[];
    conn.close();
    expect(snaps).toHaveLength(2);
    expect(snaps[0]!.hash).toBe(firstHash);
    expect(snaps[0]!.content).not.toContain("基础清单已更正");
    expect(snaps[1]!.content).toContain("四（基础清单已更正）？");
    // The second look-back: the item the parent gained is new, the rest compares (不适用 → 符合: no change).
    const cmp = (JSON.parse(lookback(["compare", "--json"]).stdout) as { comparisons: Comparison[] })
      .comparisons;
    expect(cmp).toHaveLength(1);
    expect(cmp[0]!.items.filter((i) => i.change !== "unchanged").map((i) => [i.key, i.change])).toEqual([
      ["b.eight", "new"],
    ]);
    expect(cmp[0]!.items.find((i) => i.key === "b.four")?.text).toBe("四（基础清单已更正）？");
  });
});

describe("compare between a run on the parent and a run on the child", () => {
  let db: string;
  const run = (args: string[]) => lookback(args, { LOOKBACK_DB: db });

  beforeAll(() => {
    db = path.join(dir, "compare.db");
    copyFileSync(path.join(FIXTURES, "base.yaml"), path.join(checklists, "base.yaml"));
    const first = answers("base.yaml", "base", ["a.one", "a.two", "a.three", "b.four", "lead.x@李书记"], {
      "a.two": {
        result: "fail",
        rectification: { problem: "二未做到", measure: "补做", owner: "王老师", deadline: "+30" },
      },
    });
    expect(run(["check", "--answers", first]).code).toBe(0);
    const second = answers(
      "middle.yaml",
      "middle",
      ["a.one", "a.five", "a.two", "c.seven", "b.four", "lead.x@李书记"],
      {
        "b.four": {
          result: "partial",
          rectification: { problem: "四不够", measure: "补", owner: "王老师", deadline: "+30" },
        },
      },
    );
    const r = run(["check", "--answers", second]);
    expect(r.code, r.stderr).toBe(0);
  });

  it("--json: the same ids compare; the child's own items are new, the ones it removed removed", () => {
    const { comparisons } = JSON.parse(run(["compare", "--json"]).stdout) as { comparisons: Comparison[] };
    expect(comparisons).toHaveLength(1);
    const c = comparisons[0]!;
    expect([c.checklistId, c.current.checklistId, c.previous.checklistId, c.runCount]).toEqual([
      "middle",
      "middle",
      "base",
      2,
    ]);
    expect(c.items.map((i) => [i.key, i.previous, i.current, i.change, i.inPreviousChecklist])).toEqual([
      ["a.one", "pass", "pass", "unchanged", true],
      ["a.five", null, "pass", "new", false],
      ["a.two", "fail", "pass", "fixed", true],
      ["c.seven", null, "pass", "new", false],
      ["b.four", "pass", "partial", "regressed", true],
      ["lead.x@李书记", "pass", "pass", "unchanged", true],
      ["a.three", "pass", null, "removed", true],
    ]);
    expect(c.counts).toMatchObject({ fixed: 1, regressed: 1, new: 2, removed: 1, unchanged: 2 });
  });

  it("text: the heading names both checklists; --checklist of either finds the pair", () => {
    const r = run(["compare"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("莲塘一小 · middle (previous run: base)");
    expect(r.stdout).toMatch(/New items\n\s+a\.five\s+Five\?\s+— → pass\n\s+c\.seven/);
    expect(r.stdout).toMatch(/Removed items\n\s+a\.three\s+Three\?\s+pass → —/);
    const viaParent = JSON.parse(run(["compare", "--checklist", "base", "--json"]).stdout) as {
      comparisons: Comparison[];
    };
    const viaChild = JSON.parse(run(["compare", "--checklist", "middle", "--json"]).stdout) as {
      comparisons: Comparison[];
    };
    expect(viaParent.comparisons).toHaveLength(1);
    expect(viaChild.comparisons).toHaveLength(1);
  });
});
