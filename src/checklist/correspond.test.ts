// Correspondences: `verifies` references written right, checked against the checklists they
// name, and the pairs a crosscheck sets side by side, through `extends`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { COUNTY_CHECKLIST } from "../init/county.js";
import { correspondences, lineageIds, pairsBetween, parseItemRef } from "./correspond.js";
import { loadChecklistSet, validateFiles } from "./load.js";
import type { Checklist } from "./schema.js";

const F = path.resolve("test/fixtures/correspond");
const tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-correspond-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => setLang("en"));

const builtins = loadChecklistSet({ cwd: tmp });
const builtin = (id: string): Checklist => builtins.checklists.find((c) => c.checklist.id === id)!.checklist;

describe("parseItemRef", () => {
  it.each([
    [
      "self-check:study.study-time",
      { checklistId: "self-check", sectionId: "study", itemId: "study-time", itemKey: "study.study-time" },
    ],
    ["self-check:study", undefined],
    ["self-check/study.study-time", undefined],
    ["Self-check:study.x", undefined],
    ["a:b.c.d", undefined],
  ])("%s", (ref, expected) => {
    expect(parseItemRef(ref)).toEqual(expected);
  });
});

describe("the built-in checklists' correspondences", () => {
  it("inspection's 学习教育, 听取意见 and 边学边改 verify the self-check's items of those sections", () => {
    const pairs = correspondences(builtin("inspection")).map(
      (c) => `${c.from.itemKey} → ${c.to.checklistId}:${c.to.itemKey}`,
    );
    const selfCheck = builtin("self-check");
    const keysOf = (section: string) =>
      selfCheck.sections.find((s) => s.id === section)!.items.map((i) => `${section}.${i.id}`);
    expect(pairs).toEqual([
      ...keysOf("study").map((k) => `announced.study → self-check:${k}`),
      ...keysOf("opinions").map((k) => `announced.opinions → self-check:${k}`),
      ...keysOf("rectify-now").map((k) => `announced.learn-and-improve → self-check:${k}`),
    ]);
    expect(correspondences(builtin("standards")).map((c) => `${c.from.itemKey} → ${c.to.itemKey}`)).toEqual([
      "lead.secretary-leads → study.study-articles",
      "lead.study-hours → study.study-time",
    ]);
    expect(correspondences(selfCheck)).toEqual([]);
  });

  it("every reference names an item the self-check has (validate is clean)", () => {
    const r = validateFiles(
      builtins.checklists.map((c) => c.file),
      { strict: true, cwd: tmp },
    );
    expect(r.diagnostics).toEqual([]);
  });
});

describe("pairsBetween, through `extends`", () => {
  writeFileSync(path.join(tmp, "county.yaml"), COUNTY_CHECKLIST);
  const county = validateFiles([path.join(tmp, "county.yaml")], { cwd: tmp }).files[0]!.checklist!.checklist;

  it("a checklist that extends the self-check answers for it, less what it removed", () => {
    expect(lineageIds(county)).toEqual(["county-self-check", "self-check"]);
    const toSelf = pairsBetween(builtin("inspection"), builtin("self-check"));
    const toCounty = pairsBetween(builtin("inspection"), county);
    expect(toSelf).toHaveLength(16);
    // The county removed study.jiao-yulu-film: the inspection has nothing to hold it against.
    expect(toSelf.filter((p) => !toCounty.some((q) => q.to === p.to))).toEqual([
      { from: "announced.study", to: "study.jiao-yulu-film" },
    ]);
    expect(toCounty).toHaveLength(15);
  });

  it("no pairs between checklists that do not correspond", () => {
    expect(pairsBetween(builtin("inspection"), builtin("standards"))).toEqual([]);
    expect(pairsBetween(builtin("self-check"), builtin("inspection"))).toEqual([]);
  });
});

describe("broken references, at their line and column", () => {
  it("a reference not written `checklist:section.item`, one to the same checklist, an unknown checklist, an unknown item", () => {
    const r = validateFiles([path.join(F, "references.yaml")], { cwd: F });
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`)).toEqual([
      "bad-reference@18:13",
      "bad-reference@19:13",
      "unknown-reference@20:13",
      "unknown-reference@21:13",
    ]);
    expect(r.diagnostics.map((d) => d.hint)).toEqual([
      "Write `checklist-id:section.item`, e.g. `self-check:study.study-time`.",
      "`verifies` names items of another checklist (an inspection item the self-check items it checks).",
      "Did you mean `self-check:study.study-time`?",
      "Did you mean `self-check:study.study-time`?",
    ]);
    expect(r.diagnostics[3]?.message).toBe("Checklist `self-check` has no item `study.stdy-time`.");
  });

  it("set by an override of a child: reported at the override", () => {
    const r = validateFiles([path.join(F, "child-references.yaml")], { cwd: F });
    expect(r.diagnostics.map((d) => `${d.code}@${path.basename(d.file)}:${d.line}:${d.col}`)).toEqual([
      "unknown-reference@child-references.yaml:7:16",
    ]);
    expect(r.diagnostics[0]?.hint).toBe("Did you mean `self-check:opinions.open-door`?");
  });
});
