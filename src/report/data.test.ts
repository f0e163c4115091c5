import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCounty, UNIT_A, UNIT_B, UNIT_C } from "../../test/fixtures/export/seed.js";
import { buildLedgerData, SnapshotCache } from "../ledger/data.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";
import { type Front, gatherCountyBriefing, gatherUnitBriefing } from "./data.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-report-data-"));
const TODAY = "2026-05-20";
const opts = { checklist: undefined, today: TODAY, language: "zh-CN" as const };
const front: Front = {
  masthead: ({ unit, township }) => ({
    title: unit?.name ?? township ?? "全县",
    issue: null,
    issuer: "x",
    date: TODAY,
  }),
  tail: { to: [], cc: [], copies: null },
};
let store: Store;

beforeAll(async () => {
  const file = path.join(dir, "county.db");
  await seedCounty(file);
  store = await openStore(file, { intent: "write" });
  await store.updateUnit((await store.findUnitByName(UNIT_A))!.id, { township: "莲塘镇" });
  await store.ensureUnit("向塘镇中心小学", { township: "向塘镇" });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the briefing's numbers", () => {
  it("are the unit's ledger's: the same rows and counts the export writes", async () => {
    const unit = (await store.findUnitByName(UNIT_A))!;
    const b = await gatherUnitBriefing(store, unit, opts, front);
    const run = (await store.latestRun(unit.id, "self-check"))!;
    const ledger = await buildLedgerData(store, new SnapshotCache(store, "zh-CN"), unit, run, {
      today: TODAY,
      language: "zh-CN",
    });
    expect(b?.rectifications).toMatchObject({
      total: ledger.counts.rectifications,
      open: ledger.counts.open,
      inProgress: ledger.counts.inProgress,
      done: ledger.counts.done,
      closed: ledger.counts.closed,
      overdue: ledger.counts.overdue,
    });
    expect(b?.problems.flatMap((g) => g.problems.map((p) => p.code))).toEqual(
      ledger.rows.map((r) => (r.leader === null ? r.number : `${r.number}\n${r.leader}`)),
    );
    expect(b?.overdue.map((o) => o.days)).toEqual(
      ledger.rows.flatMap((r) => (r.daysOverdue === null ? [] : [r.daysOverdue])).sort((x, y) => y - x),
    );
    expect(b?.sections.reduce((a, s) => a + s.items, 0)).toBe(ledger.counts.total);
    expect(b?.sections.reduce((a, s) => a + s.answered, 0)).toBe(ledger.counts.answered);
    expect(b?.sections.find((s) => s.leaders.length > 0)?.leaders).toEqual(["张书记", "李校长"]);
  });

  it("has no briefing for a unit that has not started", async () => {
    const unit = (await store.findUnitByName("向塘镇中心小学"))!;
    expect(await gatherUnitBriefing(store, unit, opts, front)).toBeNull();
  });

  it("counts every unit of the roster for the county, the self-check's sections only", async () => {
    const b = await gatherCountyBriefing(store, null, { ...opts, overdueLimit: 1 }, front);
    expect(b.units).toEqual({ total: 4, complete: 2, inProgress: 1, notStarted: 1 });
    expect(b.notStarted).toEqual([{ name: "向塘镇中心小学", township: "向塘镇" }]);
    // Unit C has run only the inspection checklist: its row and its rectification count,
    // its sections do not join the self-check's.
    expect(b.sections.map((s) => s.sectionId)).toEqual(["study", "opinions", "rectify-now", "six-checks"]);
    expect(b.unitRows.find((u) => u.name === UNIT_C)?.problems).toBe(1);
    expect(b.rectifications.total).toBe(6);
    expect(b.townships.map((t) => [t.township, t.units])).toEqual([
      ["莲塘镇", 1],
      ["向塘镇", 1],
      [null, 2],
    ]);
    // The most overdue first, at most overdue_limit of them, with the total beside.
    expect(b.mostOverdue).toHaveLength(1);
    expect(b.overdueTotal).toBe(b.rectifications.overdue);
    expect(b.mostOverdue[0]?.unit).toBe(UNIT_A);
  });

  it("limits a township's briefing to its units", async () => {
    const b = await gatherCountyBriefing(store, "莲塘镇", { ...opts, overdueLimit: 10 }, front);
    expect(b.unitRows.map((u) => u.name)).toEqual([UNIT_A]);
    expect(b.unitRows.map((u) => u.name)).not.toContain(UNIT_B);
  });
});
