// Tailoring with `extends`: a three-level chain resolved item by item, with where each part
// comes from; every kind of mistake reported in the file, line and column it was made in.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { loadChecklistSet, validateFiles } from "./load.js";
import { type Place, positionOf } from "./place.js";

const T = path.resolve("test/fixtures/tailor");
const BASE = path.join(T, "base.yaml");
const at = (...parts: string[]) => path.join(T, ...parts);

/** Diagnostics as `severity code@file:line:col`, the file relative to the fixtures. */
const summary = (files: string[], opts: { checklistsDir?: string } = {}) =>
  validateFiles(files, { cwd: T, ...opts }).diagnostics.map(
    (d) => `${d.severity} ${d.code}@${path.relative(T, d.file)}:${d.line}:${d.col}`,
  );

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-tailor-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => setLang("en"));

describe("a three-level chain: base ← middle ← leaf", () => {
  const report = validateFiles([BASE, at("chain/middle.yaml"), at("chain/leaf.yaml")], {
    cwd: T,
    strict: true,
  });
  const leaf = report.files[2]!.checklist!;

  it("resolves clean, even under --strict", () => {
    expect(report.diagnostics).toEqual([]);
    expect(report.files.map((f) => f.checklist?.checklist.id)).toEqual(["base", "middle", "leaf"]);
  });

  it("applies removals, overrides, moves and additions level by level, in order", () => {
    const c = leaf.checklist;
    expect(c.sections.map((s) => [s.id, s.items.map((i) => i.id)])).toEqual([
      ["a", ["five", "two", "one"]],
      ["c", ["seven"]],
      ["b", ["six", "four"]],
    ]);
    const a = c.sections[0]!;
    expect(a.items[1]).toMatchObject({
      id: "two",
      text: "二（改）？",
      text_en: "Two, changed?",
      weight: 2,
      evidence: "记录",
    });
    expect(a.items[0]).toMatchObject({ id: "five", evidence: "五的记录", basis: "五" });
    expect(c.sections[2]).toMatchObject({ title: "乙（改）", title_en: "Section B, renamed" });
  });

  it("keeps the id, version and what it does not set of its own, the rest from up the chain", () => {
    const c = leaf.checklist;
    expect([c.id, c.version, c.title, c.title_en, c.source]).toEqual([
      "leaf",
      "3.0.0",
      "中间清单",
      "Middle checklist",
      "测试通知",
    ]);
    expect(c.lineage).toEqual([
      { id: "middle", version: "2.0.0" },
      { id: "base", version: "1.0.0" },
    ]);
    expect(leaf.parents.map((p) => [p.id, path.basename(p.file)])).toEqual([
      ["middle", "middle.yaml"],
      ["base", "base.yaml"],
    ]);
  });

  it("keeps item ids stable: every item base keeps has the same full id in leaf", () => {
    const keys = (c: typeof leaf.checklist) =>
      c.sections.flatMap((s) => s.items.map((i) => `${s.id}.${i.id}`));
    const baseKeys = keys(report.files[0]!.checklist!.checklist);
    const leafKeys = new Set(keys(leaf.checklist));
    expect(baseKeys.filter((k) => !leafKeys.has(k))).toEqual(["a.three", "lead.x"]);
  });

  it("knows for each item the file and line it comes from, and who changed or moved it", () => {
    const res = leaf.resolution();
    const item = (s: string, i: string) =>
      res.sections.find((x) => x.section.id === s)!.items.find((x) => x.item.id === i)!;
    const where = (p: Place) => `${path.relative(T, p.file)}:${positionOf(p).line}`;
    const two = item("a", "two");
    expect(where(two.defined)).toBe("base.yaml:16");
    expect(two.changed.map((c) => `${c.field} ${c.at.checklistId} ${where(c.at)}`)).toEqual([
      "text middle chain/middle.yaml:11",
      "text_en middle chain/middle.yaml:12",
      "weight middle chain/middle.yaml:13",
    ]);
    const one = item("a", "one");
    expect(one.moved && where(one.moved)).toBe("chain/leaf.yaml:14");
    expect(where(item("a", "five").defined)).toBe("chain/middle.yaml:17");
    expect(res.removed.map((r) => `${r.id} ${r.at.checklistId}`)).toEqual(["a.three middle", "lead leaf"]);
    expect(res.chain.map((l) => l.id)).toEqual(["leaf", "middle", "base"]);
  });

  it("finds parents outside the files given: the --checklists folder, then the built-ins", () => {
    const dir = path.join(tmp, "elsewhere");
    cpSync(BASE, path.join(dir, "base.yaml"));
    cpSync(at("chain/middle.yaml"), path.join(dir, "middle.yaml"));
    const r = validateFiles([at("chain/leaf.yaml")], { cwd: T, checklistsDir: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]?.checklist?.parents.map((p) => p.file)).toEqual([
      path.join(dir, "middle.yaml"),
      path.join(dir, "base.yaml"),
    ]);
  });

  it("resolves the same way in the set a command uses", () => {
    const dir = path.join(tmp, "set");
    for (const f of [BASE, at("chain/middle.yaml"), at("chain/leaf.yaml")])
      cpSync(f, path.join(dir, path.basename(f)));
    const set = loadChecklistSet({ checklistsDir: dir, cwd: tmp });
    expect(set.diagnostics).toEqual([]);
    const fromSet = set.checklists.find((c) => c.checklist.id === "leaf")!;
    expect(fromSet.checklist).toEqual(leaf.checklist);
    expect(fromSet.text).toBe(leaf.text);
    expect(fromSet.hash).toBe(leaf.hash);
  });
});

describe("every mistake of a child, where it was made", () => {
  const cases: [string, string[]][] = [
    [
      "unknown-ids.yaml",
      [
        "error not-in-parent@errors/unknown-ids.yaml:5:5",
        "error not-in-parent@errors/unknown-ids.yaml:7:9",
        "error not-in-parent@errors/unknown-ids.yaml:9:9",
      ],
    ],
    ["bad-refs.yaml", ["error bad-ref@errors/bad-refs.yaml:5:5", "error bad-ref@errors/bad-refs.yaml:7:9"]],
    [
      "conflicts.yaml",
      [
        "error duplicate-ref@errors/conflicts.yaml:6:5",
        "error removed-here@errors/conflicts.yaml:9:9",
        "error removed-here@errors/conflicts.yaml:14:13",
      ],
    ],
    [
      "in-parent.yaml",
      [
        "warning missing-title-en@errors/in-parent.yaml:6:5",
        "error section-in-parent@errors/in-parent.yaml:6:5",
        "error in-parent@errors/in-parent.yaml:8:13",
      ],
    ],
    [
      "anchors.yaml",
      [
        "error bad-anchor@errors/anchors.yaml:6:12",
        "error both-anchors@errors/anchors.yaml:9:5",
        "error unknown-anchor@errors/anchors.yaml:14:16",
        "error unknown-anchor@errors/anchors.yaml:21:13",
      ],
    ],
    [
      "wrong-kind.yaml",
      [
        "error wrong-kind@errors/wrong-kind.yaml:6:5",
        "error wrong-kind@errors/wrong-kind.yaml:8:5",
        "warning no-change@errors/wrong-kind.yaml:9:9",
      ],
    ],
    ["emptied.yaml", ["error emptied@errors/emptied.yaml:5:5"]],
    ["new-section.yaml", ["error missing-field@errors/new-section.yaml:5:5"]],
    ["extends-self.yaml", ["error extends-self@errors/extends-self.yaml:3:10"]],
    ["missing-parent.yaml", ["error unknown-parent@errors/missing-parent.yaml:3:10"]],
    ["zero-weights.yaml", ["error zero-weights@errors/zero-weights.yaml:6:13"]],
    [
      "plain-tailoring.yaml",
      [
        "error only-in-child@errors/plain-tailoring.yaml:7:1",
        "error only-in-child@errors/plain-tailoring.yaml:13:5",
      ],
    ],
    [
      "stale-english.yaml",
      [
        "warning english-not-changed@errors/stale-english.yaml:5:1",
        "warning english-not-changed@errors/stale-english.yaml:8:5",
      ],
    ],
  ];
  it.each(cases)("%s", (name, expected) => {
    expect(summary([BASE, at("errors", name)])).toEqual(expected);
  });

  it("covers every fixture", () => {
    expect(readdirSync(at("errors")).filter((f) => !cases.some(([n]) => n === f))).toEqual([]);
  });

  it("says it in words, with a did-you-mean where one is close", () => {
    const d = validateFiles([BASE, at("errors/unknown-ids.yaml")], { cwd: T }).diagnostics;
    expect(d.map((x) => [x.message, x.hint])).toEqual([
      ["`a.thre` is not in `base`.", "Did you mean `a.three`?"],
      ["`a.tow` is not in `base`.", "Did you mean `a.two`?"],
      ["`zzz` is not in `base`.", "`lookback show base` lists its sections and items with their ids."],
    ]);
    const missing = validateFiles([BASE, at("errors/missing-parent.yaml")], { cwd: T }).diagnostics[0]!;
    expect([missing.message, missing.hint]).toEqual([
      "`extends: bsae` names a checklist that is not loaded.",
      "Did you mean `base`?",
    ]);
    setLang("zh-CN");
    const zh = validateFiles([BASE, at("errors/unknown-ids.yaml")], { cwd: T }).diagnostics[0]!;
    expect([zh.message, zh.hint]).toEqual(["`base` 中没有 `a.thre`。", "您是不是想写 `a.three`？"]);
  });

  it("a child with errors yields no checklist; a child with warnings only does", () => {
    const bad = validateFiles([BASE, at("errors/unknown-ids.yaml")], { cwd: T });
    expect(bad.files[1]?.checklist).toBeUndefined();
    const warned = validateFiles([BASE, at("errors/stale-english.yaml")], { cwd: T });
    expect(warned.files[1]?.checklist?.checklist.sections[0]?.items[0]).toMatchObject({
      text: "一（改）？",
      text_en: "One?",
    });
    expect(
      validateFiles([BASE, at("errors/stale-english.yaml")], { cwd: T, strict: true }).files[1]?.checklist,
    ).toBeUndefined();
  });
});

describe("chains that cannot be resolved", () => {
  it("a circle of `extends` is said in every file of it", () => {
    expect(summary([at("cycle/p.yaml"), at("cycle/q.yaml")])).toEqual([
      "error extends-cycle@cycle/p.yaml:3:10",
      "error extends-cycle@cycle/q.yaml:3:10",
    ]);
    const d = validateFiles([at("cycle/p.yaml"), at("cycle/q.yaml")], { cwd: T }).diagnostics[0]!;
    expect(d.message).toBe("`extends` goes round in a circle: p → q → p.");
  });

  it("an error in a parent is reported in the parent's file; the child says its parent has errors", () => {
    expect(summary([BASE, at("broken/broken.yaml"), at("broken/grandchild.yaml")])).toEqual([
      "error not-in-parent@broken/broken.yaml:6:5",
      "error parent-invalid@broken/grandchild.yaml:3:10",
    ]);
  });

  it("a parent with errors found outside the files given is reported too, in its own file", () => {
    const dir = path.join(tmp, "broken-parent");
    cpSync(BASE, path.join(dir, "base.yaml"));
    cpSync(at("broken/broken.yaml"), path.join(dir, "broken.yaml"));
    const r = validateFiles([at("broken/grandchild.yaml")], { cwd: T, checklistsDir: dir });
    expect(r.files.map((f) => path.basename(f.file))).toEqual(["grandchild.yaml", "broken.yaml"]);
    expect(r.diagnostics.map((d) => `${d.code}@${path.basename(d.file)}:${d.line}:${d.col}`)).toEqual([
      "parent-invalid@grandchild.yaml:3:10",
      "not-in-parent@broken.yaml:6:5",
    ]);
  });

  it("the set a command uses leaves out a child that cannot be resolved, and counts its errors", () => {
    const dir = path.join(tmp, "set-broken");
    for (const f of [BASE, at("broken/broken.yaml"), at("broken/grandchild.yaml")])
      cpSync(f, path.join(dir, path.basename(f)));
    const set = loadChecklistSet({ checklistsDir: dir, cwd: tmp });
    expect(set.checklists.map((c) => c.checklist.id)).not.toContain("grandchild");
    expect(set.checklists.map((c) => c.checklist.id)).toContain("base");
    expect(set.diagnostics.map((d) => d.code).sort()).toEqual(["not-in-parent", "parent-invalid"]);
  });
});
