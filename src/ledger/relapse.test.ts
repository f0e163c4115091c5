// A rectification closed off (销号) in the first look-back whose item fails again in the
// second run is a relapse (反弹): the ledger of the second run says so in 备注.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checklist } from "../../test/fixtures/export/seed.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/port.js";
import type { RectificationFields } from "../store/types.js";
import { remarkOf } from "./cells.js";
import { buildLedgerData, SnapshotCache } from "./data.js";
import { DEFAULT_LABELS } from "./labels.js";

const fields: RectificationFields = {
  problem: "学习时间不足",
  measure: "每周集中学习一次",
  owner: "王老师",
  leaderInCharge: null,
  department: null,
  deadline: "2027-01-31",
  kind: "deadline",
  origin: "self-check",
  evidence: null,
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function failAnswer(store: Store, runId: string) {
  return store.saveAnswer(runId, {
    itemKey: "study.study-time",
    sectionId: "study",
    itemId: "study-time",
    leader: null,
    result: "fail",
    note: null,
    evidence: null,
    naReason: null,
    rectification: fields,
  });
}

describe("relapse (反弹) in the ledger", () => {
  it("marks the second run's row whose item was closed off in the first run, and only that row", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "lookback-relapse-"));
    const store = await openStore(path.join(dir, "t.db"), { intent: "write" });
    const unit = await store.ensureUnit("莲塘一中");
    const snap = await store.saveSnapshot(checklist("self-check"));
    const first = await store.createRun({
      unitId: unit.id,
      snapshot: snap,
      respondent: "王老师",
      leaders: ["张书记"],
    });
    const rect = (await failAnswer(store, first.id)).rectification!;
    await store.changeRectification(rect.id, { toStatus: "in-progress", by: "王老师", note: null });
    await store.changeRectification(rect.id, { toStatus: "done", by: "王老师", note: null });
    await store.changeRectification(rect.id, {
      toStatus: "closed",
      by: "督导组李组长",
      note: null,
      patch: { closedAt: "2026-03-05", closedBy: "督导组李组长" },
    });
    await store.finishRun(first.id);

    const second = await store.createRun({
      unitId: unit.id,
      snapshot: snap,
      respondent: "王老师",
      leaders: ["张书记"],
    });
    await failAnswer(store, second.id);
    await store.saveAnswer(second.id, {
      itemKey: "study.required-content",
      sectionId: "study",
      itemId: "required-content",
      leader: null,
      result: "partial",
      note: null,
      evidence: null,
      naReason: null,
      rectification: { ...fields, problem: "内容不全" },
    });

    const labels = DEFAULT_LABELS["zh-CN"];
    const data = await buildLedgerData(store, new SnapshotCache(store, "zh-CN"), unit, second, {
      today: "2026-11-27",
      language: "zh-CN",
    });
    const byKey = new Map(data.rows.filter((r) => r.round === 2).map((r) => [r.rectification.itemKey, r]));
    const relapsed = byKey.get("study.study-time")!;
    expect(relapsed.relapse).toEqual({ closedAt: "2026-03-05", closedBy: "督导组李组长" });
    expect(remarkOf(relapsed, labels)).toBe("反弹：该项曾于 2026-03-05 由 督导组李组长 销号");
    expect(byKey.get("study.required-content")!.relapse).toBeNull();

    // The ledger is the unit's: the closed rectification stays on it, with who closed it, from
    // round 1; the relapse is the row of round 2.
    expect(data.rows.map((r) => [r.rectification.itemKey, r.round, r.rectification.status])).toEqual([
      ["study.study-time", 1, "closed"],
      ["study.study-time", 2, "open"],
      ["study.required-content", 2, "open"],
    ]);
    const closed = data.rows[0]!;
    expect(closed.relapse).toBeNull();
    expect(remarkOf(closed, labels)).toBe("督导组李组长 验收销号");
    expect(data.rounds).toBe(2);
    await store.close();
  });
});
