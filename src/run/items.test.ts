// The one model of a run's items, and the consumers that must agree with it: the check, the
// ledger and compare list the same items under the same keys for the same run.
import { describe, expect, test } from "vitest";
import type { Checklist } from "../checklist/schema.js";
import { itemSlots } from "../ledger/data.js";
import type { StoreReads } from "../store/port.js";
import type { ChecklistSnapshot, Run } from "../store/types.js";
import { itemKey, looseItemKey, parseItemKey, runItems } from "./items.js";
import { SnapshotReader } from "./snapshot-items.js";

const checklist: Checklist = {
  id: "mini",
  version: "1",
  title: "迷你",
  source: "测试",
  sections: [
    {
      id: "study",
      title: "学习教育",
      items: [
        { id: "one", text: "一" },
        { id: "opt", text: "选答", required: false },
      ],
    },
    {
      id: "six",
      title: "六查",
      per: "leader",
      items: [
        { id: "x", text: "修身" },
        { id: "y", text: "用权" },
      ],
    },
    { id: "last", title: "立行立改", items: [{ id: "z", text: "改" }] },
  ],
};

const CONTENT = `id: mini
version: "1"
title: 迷你
source: 测试
sections:
  - id: study
    title: 学习教育
    items:
      - { id: one, text: 一 }
      - { id: opt, text: 选答, required: false }
  - id: six
    title: 六查
    per: leader
    items:
      - { id: x, text: 修身 }
      - { id: y, text: 用权 }
  - id: last
    title: 立行立改
    items:
      - { id: z, text: 改 }
`;

function runWith(leaders: string[]): Run {
  return {
    id: `run-${leaders.length}`,
    unitId: "u",
    checklistHash: "h",
    checklistId: "mini",
    checklistVersion: "1",
    respondent: "张老师",
    leaders,
    status: "complete",
    startedAt: "2026-11-27T00:00:00.000Z",
    finishedAt: null,
    supersededBy: null,
    answersFileHash: null,
    inspection: null,
    updatedAt: "2026-11-27T00:00:00.000Z",
  };
}

/** Only the one call SnapshotReader makes. */
const snapshotStore = {
  getSnapshot: async (hash: string): Promise<ChecklistSnapshot | undefined> =>
    hash === "h"
      ? {
          hash,
          checklistId: "mini",
          version: "1",
          title: "迷你",
          content: CONTENT,
          createdAt: "2026-11-27T00:00:00.000Z",
        }
      : undefined,
} as unknown as StoreReads;

describe("runItems", () => {
  test("per-leader sections leader by leader, numbered as the checklist reads", () => {
    const items = runItems(checklist, ["甲", "乙"]);
    expect(items.map((i) => [i.key, i.number, i.index, i.required])).toEqual([
      ["study.one", "1-1", 0, true],
      ["study.opt", "1-2", 1, false],
      ["six.x@甲", "2-1", 2, true],
      ["six.y@甲", "2-2", 3, true],
      ["six.x@乙", "2-1", 4, true],
      ["six.y@乙", "2-2", 5, true],
      ["last.z", "3-1", 6, true],
    ]);
  });

  test("a per-leader section of a run that names no leader has no items, everywhere", async () => {
    const run = runWith([]);
    const check = runItems(checklist, run.leaders).map((i) => i.key);
    expect(check).toEqual(["study.one", "study.opt", "last.z"]);
    expect(itemSlots(checklist, run.leaders, "zh-CN").map((s) => s.key)).toEqual(check);
    expect((await new SnapshotReader(snapshotStore).items(run)).map((i) => i.key)).toEqual(check);
  });

  test("the ledger and compare list the check's items, in its order, with leaders", async () => {
    const run = runWith(["王校长"]);
    const check = runItems(checklist, run.leaders);
    const ledger = itemSlots(checklist, run.leaders, "zh-CN");
    expect(ledger.map((s) => [s.key, s.number, s.leader])).toEqual(
      check.map((i) => [i.key, i.number, i.leader]),
    );
    expect(ledger.find((s) => s.key === "six.x@王校长")?.item).toBe("修身（王校长）");
    const compared = await new SnapshotReader(snapshotStore).items(run);
    expect(compared.map((i) => [i.key, i.leader])).toEqual(check.map((i) => [i.key, i.leader]));
  });
});

describe("item keys", () => {
  test("round trip, a leader's name holding . and @", () => {
    const key = itemKey("six", "x", "A.B@C");
    expect(key).toBe("six.x@A.B@C");
    expect(parseItemKey(key)).toEqual({ sectionId: "six", itemId: "x", leader: "A.B@C" });
    expect(parseItemKey("study.one")).toEqual({ sectionId: "study", itemId: "one", leader: null });
  });

  test("malformed keys: refused by parseItemKey, read as far as they go by looseItemKey", () => {
    for (const bad of ["nodot", ".x", "x.", "@甲", ""]) expect(parseItemKey(bad)).toBeUndefined();
    expect(looseItemKey("nodot@甲")).toEqual({ sectionId: "nodot", itemId: "", leader: "甲" });
    expect(looseItemKey("a.b")).toEqual({ sectionId: "a", itemId: "b", leader: null });
  });
});
