// The check flow's state machine on its own: no prompts, no database.
import { describe, expect, test } from "vitest";
import type { Checklist } from "../checklist/schema.js";
import type { Answer, Run } from "../store/types.js";
import { parseItemKey, runItems } from "./items.js";
import { splitNames } from "./leaders.js";
import {
  canFinish,
  current,
  initialState,
  missingRequired,
  reduce,
  tallySlots,
  unanswered,
} from "./machine.js";

const checklist: Checklist = {
  id: "mini",
  version: "1",
  title: "迷你",
  source: "测试",
  sections: [
    {
      id: "a",
      title: "学习教育",
      items: [
        { id: "one", text: "一" },
        { id: "two", text: "二" },
        { id: "opt", text: "选答", required: false },
      ],
    },
    {
      id: "lead",
      title: "六查",
      per: "leader",
      items: [
        { id: "x", text: "修身" },
        { id: "y", text: "用权" },
      ],
    },
  ],
};

const run: Run = {
  id: "run-1",
  unitId: "u",
  checklistHash: "h",
  checklistId: "mini",
  checklistVersion: "1",
  respondent: "张老师",
  leaders: ["甲", "乙"],
  status: "in-progress",
  startedAt: "2026-11-27T00:00:00.000Z",
  finishedAt: null,
  supersededBy: null,
  answersFileHash: null,
  inspection: null,
  updatedAt: "2026-11-27T00:00:00.000Z",
};

const slots = runItems(checklist, run.leaders);

function answer(itemKey: string, result: Answer["result"] = "pass"): Answer {
  return {
    id: `ans-${itemKey}`,
    runId: run.id,
    itemKey,
    sectionId: itemKey.split(".")[0]!,
    itemId: "x",
    leader: null,
    result,
    rectificationId: null,
    method: null,
    note: null,
    evidence: null,
    naReason: null,
    answeredAt: "2026-11-27T00:00:00.000Z",
    updatedAt: "2026-11-27T00:00:00.000Z",
  };
}

describe("slots", () => {
  test("a per-leader section is expanded once per leader, leader by leader", () => {
    expect(slots.map((s) => s.key)).toEqual([
      "a.one",
      "a.two",
      "a.opt",
      "lead.x@甲",
      "lead.y@甲",
      "lead.x@乙",
      "lead.y@乙",
    ]);
    expect(slots.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(slots[2]!.required).toBe(false);
  });

  test("no leaders, no per-leader slots", () => {
    expect(runItems(checklist, []).map((s) => s.key)).toEqual(["a.one", "a.two", "a.opt"]);
  });

  test("keys parse back into section, item and leader", () => {
    expect(parseItemKey("lead.x@王校长")).toEqual({ sectionId: "lead", itemId: "x", leader: "王校长" });
    expect(parseItemKey("a.one")).toEqual({ sectionId: "a", itemId: "one", leader: null });
    expect(parseItemKey("nodot")).toBeUndefined();
  });

  test("names are split on commas, 顿号 and semicolons", () => {
    expect(splitNames("李书记、王校长, 赵主任；钱老师，孙老师")).toEqual([
      "李书记",
      "王校长",
      "赵主任",
      "钱老师",
      "孙老师",
    ]);
    expect(splitNames("  ")).toEqual([]);
  });
});

describe("where a run starts", () => {
  test("at the first unanswered slot", () => {
    const s = initialState(run, slots, [answer("a.one"), answer("a.opt")]);
    expect(s.mode).toBe("item");
    expect(current(s)?.key).toBe("a.two");
  });

  test("at the summary when every slot is answered but the run is not finished", () => {
    const s = initialState(
      run,
      slots,
      slots.map((x) => answer(x.key)),
    );
    expect(s.mode).toBe("review");
    expect(canFinish(s)).toBe(true);
  });

  test("a finished run stays finished", () => {
    const s = initialState({ ...run, status: "complete" }, slots, []);
    expect(s.mode).toBe("finished");
    expect(reduce(s, { type: "skip" })).toBe(s);
  });
});

describe("moves", () => {
  const start = initialState(run, slots, []);

  test("answering moves to the next slot; after the last one comes the summary", () => {
    const s1 = reduce(start, { type: "answered", answer: answer("a.one"), rectification: null });
    expect(current(s1)?.key).toBe("a.two");
    const last = reduce(
      { ...s1, cursor: 6 },
      { type: "answered", answer: answer("lead.y@乙"), rectification: null },
    );
    expect(last.mode).toBe("review");
  });

  test("back stops at the first slot; from the summary it goes to the last slot", () => {
    expect(reduce(start, { type: "back" }).cursor).toBe(0);
    const review = reduce(start, { type: "review" });
    expect(current(reduce(review, { type: "back" }))?.key).toBe("lead.y@乙");
  });

  test("skip leaves the slot unanswered and moves on", () => {
    const s = reduce(start, { type: "skip" });
    expect(current(s)?.key).toBe("a.two");
    expect(unanswered(s).map((x) => x.key)).toContain("a.one");
  });

  test("revising an answered slot replaces its answer and moves on", () => {
    const s1 = reduce(start, { type: "answered", answer: answer("a.one"), rectification: null });
    const back = reduce(s1, { type: "back" });
    const s2 = reduce(back, { type: "answered", answer: answer("a.one", "fail"), rectification: null });
    expect(s2.answers.get("a.one")?.result).toBe("fail");
    expect(s2.answers.size).toBe(1);
    expect(current(s2)?.key).toBe("a.two");
  });

  test("goto jumps to a slot; out of range is ignored", () => {
    expect(current(reduce(start, { type: "goto", index: 5 }))?.key).toBe("lead.x@乙");
    expect(reduce(start, { type: "goto", index: 99 })).toBe(start);
  });

  test("optional slots do not block finishing; required ones do", () => {
    const allButOptional = initialState(
      run,
      slots,
      slots.filter((x) => x.required).map((x) => answer(x.key)),
    );
    expect(missingRequired(allButOptional)).toEqual([]);
    expect(canFinish(allButOptional)).toBe(true);
    const missingOne = initialState(run, slots, [answer("a.one")]);
    expect(missingRequired(missingOne).map((x) => x.key)).toEqual([
      "a.two",
      "lead.x@甲",
      "lead.y@甲",
      "lead.x@乙",
      "lead.y@乙",
    ]);
    expect(() => reduce(missingOne, { type: "finished", run: { ...run, status: "complete" } })).toThrow();
  });

  test("tallySlots counts answered slots, missing required ones and results in one pass", () => {
    const some = initialState(run, slots, [answer("a.one"), { ...answer("lead.x@甲"), result: "fail" }]);
    expect(tallySlots(some)).toEqual({
      answered: 2,
      missingRequired: missingRequired(some).length,
      counts: { pass: 1, partial: 0, fail: 1, na: 0 },
    });
    expect(tallySlots(some).missingRequired).toBe(4);
  });
});
