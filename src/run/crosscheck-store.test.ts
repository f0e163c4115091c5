// crosscheckUnits on a real database: a school's self-check and the supervision group's
// inspection of it, read back through the port.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { loadChecklistSet } from "../checklist/load.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";
import { answerInput } from "../store/testing.js";
import type { Result } from "../store/types.js";
import { crosscheckUnits } from "./crosscheck.js";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lb-crosscheck-"));
  store = await openStore(path.join(dir, "t.db"), { intent: "write" });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const set = loadChecklistSet({ cwd: os.tmpdir() });
const loaded = (id: string) => {
  const c = set.checklists.find((l) => l.checklist.id === id);
  if (!c) throw new Error(id);
  return c;
};

async function runOf(unitName: string, checklistId: string, answers: [string, Result][]) {
  const unit = await store.ensureUnit(unitName);
  const snapshot = await store.saveSnapshot(loaded(checklistId));
  const run = await store.createRun({ unitId: unit.id, snapshot, respondent: "张老师", leaders: ["李书记"] });
  for (const [itemKey, result] of answers) await store.saveAnswer(run.id, answerInput(result, { itemKey }));
  return store.finishRun(run.id);
}

test("the latest inspection of each unit against its latest self-check; a unit without one is left out", async () => {
  await runOf("莲塘一中", "self-check", [
    ["study.study-time", "fail"],
    ["study.required-content", "pass"],
  ]);
  // A second round: the one that counts.
  await runOf("莲塘一中", "self-check", [
    ["study.study-time", "pass"],
    ["study.required-content", "pass"],
    ["study.study-forms", "partial"],
  ]);
  await runOf("莲塘一中", "inspection", [["announced.study", "fail"]]);
  await runOf("向塘中学", "self-check", [["study.study-time", "pass"]]);

  const all = await crosscheckUnits(store);
  expect(all.map((c) => [c.unit.name, c.inspection.checklistId, c.self.checklistId])).toEqual([
    ["莲塘一中", "inspection", "self-check"],
  ]);
  const [one] = all;
  // announced.study verifies the seven study items: three answered (all rated better than found).
  expect(one?.pairs.slice(0, 3).map((p) => [p.selfKey, p.self, p.inspection, p.agreement])).toEqual([
    ["study.study-time", "pass", "fail", "overstated"],
    ["study.required-content", "pass", "fail", "overstated"],
    ["study.study-forms", "partial", "fail", "overstated"],
  ]);
  expect(one?.counts).toEqual({
    overstated: 3,
    understated: 0,
    agreed: 0,
    unanswered: 4,
    "not-applicable": 0,
  });

  const unit = await store.findUnitByName("向塘中学");
  expect(await crosscheckUnits(store, { unitId: unit!.id })).toEqual([]);
});
