import { afterEach, describe, expect, it } from "vitest";
import { closeRect, mini, seedRun, tempDb } from "../../test/fixtures/rectify/seed.js";
import type { Store } from "../store/port.js";
import { classify, compareAll, compareLatest, relapsesFor, relapsesIn } from "./compare.js";

let store: Store | undefined;
afterEach(() => store?.close());

const changes = (items: { key: string; change: string }[]) =>
  Object.fromEntries(items.map((i) => [i.key, i.change]));

describe("classify", () => {
  it("treats pass and na as no problem, partial and fail as a problem", async () => {
    expect(classify("fail", "pass", true)).toBe("fixed");
    expect(classify("partial", "na", true)).toBe("fixed");
    expect(classify("pass", "partial", true)).toBe("regressed");
    expect(classify("na", "fail", true)).toBe("regressed");
    expect(classify("fail", "partial", true)).toBe("still-failing");
    expect(classify("pass", "pass", true)).toBe("unchanged");
    expect(classify("na", "pass", true)).toBe("unchanged");
    expect(classify(null, "fail", true)).toBe("new");
    expect(classify("fail", null, false)).toBe("removed");
    expect(classify("fail", null, true)).toBe("unanswered");
    expect(classify(null, null, false)).toBeNull();
  });
});

describe("compare on crafted pairs of runs", () => {
  it("same checklist: fixed, regressed, still failing, unchanged", async () => {
    ({ store } = await tempDb());
    await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(1),
      answers: { "a.one": "fail", "a.two": "pass", "a.three": "partial" },
    });
    await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(1),
      answers: { "a.one": "pass", "a.two": "fail", "a.three": "fail" },
    });
    const unit = (await store.findUnitByName("莲塘一小"))!;
    const cmp = (await compareLatest(store, unit, "mini"))!;
    expect(changes(cmp.items)).toEqual({
      "a.one": "fixed",
      "a.two": "regressed",
      "a.three": "still-failing",
    });
    expect(cmp.counts).toMatchObject({
      fixed: 1,
      regressed: 1,
      "still-failing": 1,
      unchanged: 0,
      relapses: 0,
    });
    expect(cmp.runCount).toBe(2);
    expect(cmp.current.checklistVersion).toBe("1.0.0");
    const one = cmp.items.find((i) => i.key === "a.one")!;
    expect(one).toMatchObject({
      previous: "fail",
      current: "pass",
      text: "学习时间是否充分？",
      sectionTitle: "学习教育",
    });
  });

  it("a checklist changed between the runs: removed and new items by key, leaders added", async () => {
    ({ store } = await tempDb());
    await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(1),
      leaders: ["王校长"],
      answers: { "a.one": "pass", "a.two": "pass", "a.three": "fail", "lead.x@王校长": "fail" },
    });
    await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(2),
      leaders: ["王校长", "李书记"],
      answers: { "a.one": "pass", "a.four": "partial", "lead.x@王校长": "pass", "lead.x@李书记": "pass" },
      finish: false,
    });
    const cmp = (await compareLatest(store, (await store.findUnitByName("莲塘一小"))!, "mini"))!;
    expect(cmp.previous.checklistVersion).toBe("1.0.0");
    expect(cmp.current.checklistVersion).toBe("2.0.0");
    expect(cmp.current.status).toBe("in-progress");
    // Current checklist order first, then what only the previous checklist had.
    expect(cmp.items.map((i) => [i.key, i.change])).toEqual([
      ["a.one", "unchanged"],
      ["a.two", "unanswered"],
      ["a.four", "new"],
      ["lead.x@王校长", "fixed"],
      ["lead.x@李书记", "new"],
      ["a.three", "removed"],
    ]);
    const four = cmp.items.find((i) => i.key === "a.four")!;
    expect(four).toMatchObject({ inPreviousChecklist: false, previous: null, current: "partial" });
    const li = cmp.items.find((i) => i.key === "lead.x@李书记")!;
    expect(li).toMatchObject({ leader: "李书记", inPreviousChecklist: false });
    expect(cmp.counts).toMatchObject({ unchanged: 1, unanswered: 1, new: 2, fixed: 1, removed: 1 });
  });

  it("an item left unanswered the first time and answered now is new, though the checklist had it", async () => {
    ({ store } = await tempDb());
    // Handed in with a.two unanswered (one unfinished run per unit and checklist at a time).
    await seedRun(store, { unit: "U", loaded: mini(1), answers: { "a.one": "pass" } });
    await seedRun(store, { unit: "U", loaded: mini(1), answers: { "a.one": "pass", "a.two": "fail" } });
    const cmp = (await compareLatest(store, (await store.findUnitByName("U"))!, "mini"))!;
    expect(cmp.items.find((i) => i.key === "a.two")).toMatchObject({
      change: "new",
      inPreviousChecklist: true,
    });
    expect(cmp.items.find((i) => i.key === "a.three")).toMatchObject({ change: "unanswered" });
  });

  it("compares the latest run with the one just before it, not the first", async () => {
    ({ store } = await tempDb());
    await seedRun(store, { unit: "U", loaded: mini(1), answers: { "a.one": "fail" } });
    const second = await seedRun(store, { unit: "U", loaded: mini(1), answers: { "a.one": "pass" } });
    const third = await seedRun(store, { unit: "U", loaded: mini(1), answers: { "a.one": "pass" } });
    const cmp = (await compareLatest(store, (await store.findUnitByName("U"))!, "mini"))!;
    expect(cmp.previous.id).toBe(second.run.id);
    expect(cmp.current.id).toBe(third.run.id);
    expect(cmp.runCount).toBe(3);
    expect(changes(cmp.items)["a.one"]).toBe("unchanged");
  });

  it("no comparison with a single run; compareAll covers every unit and checklist with two runs", async () => {
    ({ store } = await tempDb());
    await seedRun(store, { unit: "甲校", loaded: mini(1), answers: { "a.one": "fail" } });
    await seedRun(store, { unit: "甲校", loaded: mini(2), answers: { "a.one": "pass" } });
    await seedRun(store, { unit: "乙校", loaded: mini(1), answers: { "a.one": "fail" } });
    expect(await compareLatest(store, (await store.findUnitByName("乙校"))!, "mini")).toBeUndefined();
    const all = await compareAll(store);
    expect(all.map((c) => c.unit.name)).toEqual(["甲校"]);
    expect(await compareAll(store, { unit: (await store.findUnitByName("乙校"))! })).toEqual([]);
    expect(await compareAll(store, { checklistId: "other" })).toEqual([]);
  });
});

describe("relapses (反弹)", () => {
  it("a closed rectification whose item fails again in a later run", async () => {
    ({ store } = await tempDb());
    const first = await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(1),
      answers: { "a.one": "fail", "a.two": "partial", "a.three": "fail" },
    });
    const closedOne = await closeRect(store, first.rects.get("a.one")!.id);
    await closeRect(store, first.rects.get("a.two")!.id);
    // a.three is done but not closed: failing again is "still failing", not a relapse.
    await store.changeRectification(first.rects.get("a.three")!.id, {
      toStatus: "done",
      by: "张三",
      note: null,
    });
    const second = await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(1),
      answers: { "a.one": "partial", "a.two": "pass", "a.three": "fail" },
    });
    const cmp = (await compareLatest(store, (await store.findUnitByName("莲塘一小"))!, "mini"))!;
    expect(cmp.relapses).toEqual([
      {
        itemKey: "a.one",
        checklistId: "mini",
        closedRectificationId: closedOne.id,
        closedRunId: first.run.id,
        closedAt: "2026-03-01",
        closedBy: "王主任",
        problem: "问题：a.one",
        runId: second.run.id,
        result: "partial",
        rectificationId: second.rects.get("a.one")!.id,
      },
    ]);
    expect(cmp.counts.relapses).toBe(1);
    expect(changes(cmp.items)).toMatchObject({
      "a.one": "still-failing",
      "a.two": "fixed",
      "a.three": "still-failing",
    });
  });

  it("relapses are found in any later run, across a checklist change, and listed per unit for the ledger", async () => {
    ({ store } = await tempDb());
    const first = await seedRun(store, {
      unit: "U",
      loaded: mini(1),
      answers: { "a.one": "fail", "a.three": "fail" },
    });
    await closeRect(store, first.rects.get("a.one")!.id);
    await closeRect(store, first.rects.get("a.three")!.id);
    const second = await seedRun(store, { unit: "U", loaded: mini(2), answers: { "a.one": "fail" } });
    const third = await seedRun(store, { unit: "U", loaded: mini(2), answers: { "a.one": "pass" } });
    await seedRun(store, { unit: "V", loaded: mini(1), answers: { "a.one": "fail" } });
    const unit = (await store.findUnitByName("U"))!;
    const all = await relapsesFor(store, unit.id);
    expect(all.map((r) => [r.itemKey, r.runId])).toEqual([["a.one", second.run.id]]);
    // The latest run passes: compare shows no relapse now, but the ledger of run 2 still can.
    expect(await relapsesIn(store, third.run)).toEqual([]);
    expect((await compareLatest(store, unit, "mini"))!.relapses).toEqual([]);
    expect(await relapsesFor(store, (await store.findUnitByName("V"))!.id)).toEqual([]);
  });

  it("a rectification closed in the same run is not a relapse of itself", async () => {
    ({ store } = await tempDb());
    const only = await seedRun(store, { unit: "U", loaded: mini(1), answers: { "a.one": "fail" } });
    await closeRect(store, only.rects.get("a.one")!.id);
    expect(await relapsesIn(store, only.run)).toEqual([]);
  });
});
