// The interactive check, driven through the scripted prompt adapter against a real
// database: what a person sees and what is stored after each step.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { mini, seedRun } from "../../../test/fixtures/rectify/seed.js";
import { type Kit, MINI, makeKit, na, pass, problem, session } from "../../../test/helpers/check-kit.js";
import { rawSql } from "../../../test/helpers/raw-sql.js";
import { loadChecklistSet } from "../../checklist/load.js";
import { setLang } from "../../i18n/index.js";
import { addDays, localToday } from "../../util/dates.js";
import { draftFields } from "./kept.js";

let kit: Kit;
beforeAll(() => setLang("en"));
beforeEach(async () => {
  kit = makeKit();
});
afterEach(() => kit.cleanup());

const LEADERS = "李书记、王校长";

async function answersOf(k: Kit) {
  const store = await k.open();
  try {
    const runs = await store.listRuns({ includeSetAside: true });
    const answers = [];
    for (const r of runs) answers.push(...(await store.listAnswers(r.id)));
    return { runs, answers, rects: await store.listRectifications() };
  } finally {
    await store.close();
  }
}

describe("a new run", () => {
  test("asks the leaders, expands the per-leader section once per leader, and stores every answer as given", async () => {
    const { ask, state } = await session(kit, [LEADERS, ...pass(), ...pass("好", "签到表")], MINI);
    expect(state).toBeUndefined(); // the script ran out at item 3, as a person walking away
    expect(ask.output).toContain("New check: 莲塘一小 · Mini checklist (7 items)");
    expect(ask.output).toContain("Study · 1/7");
    const { runs, answers } = await answersOf(kit);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.leaders).toEqual(["李书记", "王校长"]);
    expect(answers.map((a) => [a.itemKey, a.result, a.note, a.evidence])).toEqual([
      ["a.one", "pass", null, null],
      ["a.two", "pass", "好", "签到表"],
    ]);
  });

  test("leaders can be typed one by one, ending with an empty line", async () => {
    await session(kit, ["李书记", "王校长", "赵主任", ""], MINI);
    const { runs } = await answersOf(kit);
    expect(runs[0]!.leaders).toEqual(["李书记", "王校长", "赵主任"]);
  });

  test("per-leader items come leader by leader, keyed section.item@leader, with the leader as default owner", async () => {
    const steps = [
      LEADERS,
      ...pass(),
      ...pass(),
      ...pass(),
      ...problem("fail", { owner: "" }), // Enter keeps the default owner: 李书记
      ...pass(),
      ...pass(),
      ...pass(),
    ];
    const { ask } = await session(kit, steps, MINI);
    expect(ask.output).toContain("Six checks · 李书记 · 4/7");
    expect(ask.output).toContain("Six checks · 王校长 · 6/7");
    const ownerPrompt = ask.transcript.find(
      (e) => e.kind === "input" && e.message.startsWith("Person responsible"),
    );
    expect(ownerPrompt?.default).toBe("李书记");
    const { answers, rects } = await answersOf(kit);
    expect(answers.map((a) => a.itemKey)).toEqual([
      "a.one",
      "a.two",
      "a.three",
      "lead.x@李书记",
      "lead.y@李书记",
      "lead.x@王校长",
      "lead.y@王校长",
    ]);
    expect(rects).toHaveLength(1);
    expect(rects[0]).toMatchObject({
      itemKey: "lead.x@李书记",
      owner: "李书记",
      deadline: addDays(localToday(), 30),
    });
  });
});

describe("resuming", () => {
  test("the next check resumes at the first unanswered item and says so", async () => {
    await session(kit, [LEADERS, ...pass(), ...pass()], MINI);
    const { ask } = await session(kit, [...pass()], MINI);
    expect(ask.output).toMatch(/2\/7 answered, from item 3\./);
    expect(ask.output).toContain("Study · 3/7");
    expect(ask.output).not.toContain("Study · 1/7");
    // No leaders asked again: the run keeps its own.
    expect(ask.transcript.some((e) => e.message.includes("Leading cadres"))).toBe(false);
    expect((await answersOf(kit)).runs).toHaveLength(1);
  });

  test("a skipped item is where the next check resumes", async () => {
    await session(kit, [LEADERS, ...pass(), "skip", ...pass()], MINI);
    const { ask } = await session(kit, [], MINI);
    expect(ask.output).toMatch(/from item 2\./);
  });

  test("--new starts a new run and keeps the unfinished one", async () => {
    await session(kit, [LEADERS, ...pass()], MINI);
    const { ask } = await session(kit, ["赵书记", "", ...pass()], { ...MINI, new: true });
    expect(ask.output).toContain("the unfinished one (1/7 answered) is kept");
    const { runs, answers } = await answersOf(kit);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.status)).toEqual(["in-progress", "in-progress"]);
    // The old one is set aside for the new one (the database allows one unfinished run).
    expect(runs[0]?.supersededBy).toBe(runs[1]?.id);
    expect(runs[1]?.supersededBy).toBeNull();
    expect(answers).toHaveLength(2);
    // The resumable run is now the newest one.
    const { ask: again } = await session(kit, [], MINI);
    expect(again.output).toMatch(/1\/5 answered, from item 2\./);
  });

  test("a resumed run keeps the checklist it started with, even after the YAML changed", async () => {
    await session(kit, [LEADERS, ...pass()], MINI);
    const file = path.join(kit.checklistsDir, "mini.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace("Prescribed material studied?", "CHANGED TEXT?")
        .replace('version: "1.0.0"', 'version: "2.0.0"'),
    );
    const { ask } = await session(kit, [], MINI);
    expect(ask.output).toContain("keeps the version it started with (1.0.0)");
    expect(ask.output).toContain("Prescribed material studied?");
    expect(ask.output).not.toContain("CHANGED TEXT?");
  });
});

describe("moving around", () => {
  test("going back shows the previous answer as the default, and a revision replaces it", async () => {
    const steps = [LEADERS, ...pass("first note"), "back", ...problem("partial", { note: "revised" })];
    const { ask } = await session(kit, steps, MINI);
    const selects = ask.transcript.filter((e) => e.kind === "select" && e.message === "Result");
    expect(selects[0]?.default).toBeUndefined();
    // Item 1 again, after "back" from item 2: one key keeps the answer and moves on.
    expect(selects[2]?.default).toBe("keep");
    expect(selects[2]?.choices?.[0]).toBe("keep");
    expect(ask.output).toContain("Current answer: Meets (first note)");
    const note = ask.transcript.filter((e) => e.kind === "input" && e.message.startsWith("Note"));
    expect(note.at(-1)?.default).toBe("first note");
    const { answers, rects } = await answersOf(kit);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ itemKey: "a.one", result: "partial", note: "revised" });
    expect(rects.map((r) => r.itemKey)).toEqual(["a.one"]);
  });

  test("revising a fail to pass drops its rectification; keep moves on untouched", async () => {
    const steps = [LEADERS, ...problem("fail"), "back", "keep", "back", ...pass()];
    await session(kit, steps, MINI);
    const { answers, rects } = await answersOf(kit);
    expect(answers.map((a) => [a.itemKey, a.result])).toEqual([["a.one", "pass"]]);
    expect(rects).toHaveLength(0);
  });

  test("the first item offers no way back", async () => {
    await expect(session(kit, [LEADERS, "back"], MINI)).rejects.toThrow(/"back" is disabled/);
  });

  test("basis, method and evidence are shown on request", async () => {
    const { ask } = await session(kit, [LEADERS, ...pass(), "info"], MINI);
    expect(ask.output).toContain("Basis: 是否按要求完成规定内容的学习");
    expect(ask.output).toContain("Method: 查资料");
  });
});

describe("finishing", () => {
  test("the summary lists what is unanswered; finishing with required items missing offers to go to them", async () => {
    const steps = [LEADERS, ...pass(), "skip", "review", "finish", true, ...pass()];
    const { ask } = await session(kit, steps, MINI);
    expect(ask.output).toContain("6 item(s) not answered (5 required)");
    // Positions and titles padded by display width: the item texts start in one column.
    expect(ask.output).toMatch(/ {2}2\/7 {2}Study +· Prescribed material studied\?/);
    expect(ask.output).toContain("5 required item(s) are not answered yet.");
    // After "go to them": the item asked is the first missing one, item 2.
    const { answers, runs } = await answersOf(kit);
    expect(answers.map((a) => a.itemKey)).toEqual(["a.one", "a.two"]);
    expect(runs[0]!.status).toBe("in-progress");
  });

  test("a run finishes once every required item is answered; an optional one may stay empty", async () => {
    const steps = [
      LEADERS,
      ...pass(),
      ...pass(),
      "skip",
      ...pass(),
      ...pass(),
      ...pass(),
      ...na("本学期新任"),
    ];
    steps.push("finish", true);
    const { ask, state } = await session(kit, steps, MINI);
    expect(state?.mode).toBe("finished");
    expect(ask.output).toContain("1 item(s) not answered (0 required)");
    expect(ask.output).toContain("Check finished: 莲塘一小 · Mini checklist.");
    const { runs, answers } = await answersOf(kit);
    expect(runs[0]!.status).toBe("complete");
    expect(runs[0]!.finishedAt).not.toBeNull();
    expect(answers.find((a) => a.itemKey === "lead.y@王校长")).toMatchObject({
      result: "na",
      naReason: "本学期新任",
    });
    // The store refuses to change a finished run's answers, and never keeps a problem without its rectification.
    const store = await kit.open();
    try {
      const input = {
        itemKey: "a.one",
        sectionId: "a",
        itemId: "one",
        leader: null,
        note: null,
        evidence: null,
        naReason: null,
      };
      await expect(store.saveAnswer(runs[0]!.id, { ...input, result: "fail" })).rejects.toThrow(/complete/);
      const other = await store.createRun({
        unitId: runs[0]!.unitId,
        snapshot: (await store.getSnapshot(runs[0]!.checklistHash))!,
        respondent: "张老师",
        leaders: [],
      });
      await expect(store.saveAnswer(other.id, { ...input, result: "fail" })).rejects.toThrow(
        /needs its rectification/,
      );
      expect(await store.listAnswers(other.id)).toEqual([]);
      rawSql(store, "DELETE FROM runs WHERE id = ?", [other.id]);
    } finally {
      await store.close();
    }
    // A finished run is not resumed: the next check starts a new one.
    const { ask: next } = await session(kit, ["李书记、王校长"], MINI);
    expect(next.output).toContain("New check:");
  });

  test("stopping at the summary or at an item says how to continue", async () => {
    const { ask, state } = await session(kit, [LEADERS, ...pass(), "pause"], MINI);
    expect(state?.mode).toBe("paused");
    expect(ask.output).toContain(
      "Saved (1/7 answered). To continue: lookback check --unit 莲塘一小 --checklist mini",
    );
  });

  test("picking an item from the summary goes there", async () => {
    const steps = [LEADERS, ...pass(), "review", "pick", 4, "na", "不涉及"];
    await session(kit, steps, MINI);
    const { answers } = await answersOf(kit);
    expect(answers.map((a) => [a.itemKey, a.result])).toEqual([
      ["a.one", "pass"],
      ["lead.y@李书记", "na"],
    ]);
  });
});

describe("every field is checked before it is stored", () => {
  test("rectification fields: problem, measure, owner required; deadline a real date, not in the past", async () => {
    const today = localToday();
    const steps = [
      LEADERS,
      "fail",
      "", // problem: required
      "学习时间被挤占",
      " ", // measure: required
      "每周固定半天学习",
      "", // owner: required (no leader here)
      "刘主任",
      "李书记",
      "党政办",
      "deadline",
      "", // a 限期整改 needs its deadline
      "2025-12-31", // past
      "2026-02-30", // not a real date
      "next week", // not a date
      "20261231",
      "public",
      "", // note
      "整改记录",
    ];
    const { ask } = await session(kit, steps, MINI);
    const errors = ask.transcript.filter((e) => e.error).map((e) => e.error);
    expect(errors).toEqual([
      "Problem found is required.",
      "Rectification measure is required.",
      "Person responsible is required.",
      "A rectification by a deadline needs its deadline.",
      `2025-12-31 is in the past (today is ${today}); the deadline must be today or later.`,
      "2026-02-30 is not a real date.",
      "“next week” is not a date. Write it like 2026-12-31, 2026/12/31, 20261231, or +30 for 30 days from today.",
    ]);
    const { rects } = await answersOf(kit);
    expect(rects[0]).toMatchObject({
      problem: "学习时间被挤占",
      measure: "每周固定半天学习",
      owner: "刘主任",
      leaderInCharge: "李书记",
      department: "党政办",
      deadline: today <= "2026-12-31" ? "2026-12-31" : expect.any(String),
      kind: "deadline",
      origin: "public",
      evidence: "整改记录",
      status: "open",
    });
  });

  test("the other date forms: 2026/12/31 and +N", async () => {
    const steps = [
      LEADERS,
      ...problem("partial", { deadline: "+7", kind: "immediate" }),
      ...problem("fail", { deadline: "2099/1/2" }),
    ];
    await session(kit, steps, MINI);
    const { rects } = await answersOf(kit);
    expect(rects.map((r) => [r.kind, r.deadline])).toEqual([
      ["immediate", addDays(localToday(), 7)],
      ["deadline", "2099-01-02"],
    ]);
  });

  test("an immediate or ongoing rectification may go without a deadline", async () => {
    await session(kit, [LEADERS, ...problem("partial", { kind: "ongoing", deadline: "" })], MINI);
    expect((await answersOf(kit)).rects[0]).toMatchObject({ kind: "ongoing", deadline: null });
  });

  test("not applicable needs its reason", async () => {
    const { ask } = await session(kit, [LEADERS, "na", "", "本校无此项"], MINI);
    expect(ask.transcript.filter((e) => e.error).map((e) => e.error)).toEqual([
      "Why it does not apply is required.",
    ]);
    expect((await answersOf(kit)).answers[0]).toMatchObject({ result: "na", naReason: "本校无此项" });
  });

  test("leaders: at least one, no repeats, no @ in a name", async () => {
    const { ask } = await session(kit, ["", "李书记、李书记", "李@书记", "李书记、王校长"], MINI);
    expect(ask.transcript.filter((e) => e.error).map((e) => e.error)).toEqual([
      "Name at least one leading cadre: the section “Six checks” is answered once for each of them.",
      "李书记 is named twice.",
      "“李@书记”: a name cannot contain “@”.",
    ]);
  });

  test("unit and respondent cannot be empty; the inspection checklist defaults the origin to inspection", async () => {
    const steps = [
      "",
      "督导组抽查单位",
      "inspection",
      "",
      "第一督导组",
      "县教育局第一督导组",
      "王督导、李督导",
      "fail",
      "hear-report",
      "动员不充分",
      "再次动员",
      "校长",
      "",
      "",
      "immediate",
      "",
    ];
    const { ask } = await session(kit, steps, {});
    expect(ask.transcript.filter((e) => e.error).map((e) => e.error)).toEqual([
      "Unit is required.",
      "Filled in by is required.",
    ]);
    const origin = ask.transcript.find((e) => e.kind === "select" && e.message === "Source of the problem");
    expect(origin?.default).toBe("inspection");
  });
});

describe("a new round carries the old problems", () => {
  test("shows an open problem before the result, continues it on fail, marks one done on pass", async () => {
    const store = await kit.open();
    const first = await seedRun(store, {
      unit: "莲塘一小",
      loaded: mini(1),
      answers: {
        "a.one": {
          result: "fail",
          rect: { problem: "学习时间被挤占", owner: "刘主任", deadline: "2020-01-01" },
        },
        "a.two": "partial",
      },
    });
    await store.close();
    const steps = [
      LEADERS,
      // a.one: still failing. Every field offered as it stands; the past deadline may stay.
      "fail",
      "",
      "",
      "",
      "",
      "",
      "deadline",
      "",
      "self-check",
      "",
      "",
      // a.two: fixed now. Mark the rectification done, with what was done.
      "pass",
      true,
      "已补学规定内容",
      "",
      "",
    ];
    const { ask } = await session(kit, steps, MINI);
    expect(ask.output).toContain("Found in round 1 and not closed yet (Open):");
    expect(ask.output).toContain("学习时间被挤占");
    expect(ask.output).toContain("Responsible: 刘主任 · deadline: 2020-01-01 (");
    expect(ask.output).toContain("Continues the rectification found in round 1 (not a new one).");
    const problemPrompt = ask.transcript.find(
      (e) => e.kind === "input" && e.message.startsWith("Problem found"),
    );
    expect(problemPrompt?.default).toBe("学习时间被挤占");
    const check = await kit.open();
    try {
      const unit = (await check.findUnitByName("莲塘一小"))!;
      const rects = await check.listRectifications({ unitId: unit.id });
      expect(rects.map((r) => [r.itemKey, r.runId, r.status, r.deadline, r.progress])).toEqual([
        ["a.one", first.run.id, "open", "2020-01-01", null],
        ["a.two", first.run.id, "done", "2026-12-31", "已补学规定内容"],
      ]);
      expect((await check.listHistory(rects[1]!.id)).at(-1)).toMatchObject({
        fromStatus: "open",
        toStatus: "done",
        by: "张老师",
        note: "Round 2: meets the requirement; marked done",
      });
    } finally {
      await check.close();
    }
  });
});

describe("the walk goes forward", () => {
  test("after a jump, answering goes to the next unanswered item, not through answered ones", async () => {
    // Items 1 and 3 answered, then a jump back to 2: answering it goes on to 4, skipping 3.
    const steps = [LEADERS, ...pass(), "skip", ...pass(), "review", "pick", 1, ...pass()];
    const { ask } = await session(kit, steps, MINI);
    const headers = ask.transcript
      .filter((e) => e.kind === "say")
      .map((e) => / · (\d+\/7)/.exec(e.message)?.[1])
      .filter((h) => h !== undefined);
    expect(headers).toEqual(["1/7", "2/7", "3/7", "4/7", "2/7", "4/7"]);
  });

  test("the echo shows the answer given, never a menu action", async () => {
    const { ask } = await session(kit, [LEADERS, "info", ...pass()], MINI);
    const selects = ask.transcript.filter((e) => e.kind === "select" && e.message === "Result");
    expect(selects.map((e) => e.echo)).toEqual([null, "Meets", undefined]);
  });
});

describe("an inspection run (督导检查)", () => {
  const CHECKLIST = `id: mini-insp
version: "1"
title: 督导小清单
title_en: Mini inspection
source: 测试
kind: inspection
sections:
  - id: a
    title: 明察
    title_en: Announced
    items:
      - { id: one, text: 方案, text_en: Plan, method: [听汇报, 查资料] }
      - { id: two, text: 现场, text_en: Site, method: [看现场] }
      - { id: three, text: 台账, text_en: Ledger, method: [查资料] }
  - id: b
    title: 暗访
    title_en: Unannounced
    items:
      - { id: x, text: 作风, text_en: Conduct, method: [暗访, 上门走访] }
`;
  const OPTS = { unit: "莲塘一小", checklist: "mini-insp", respondent: "王督导" };
  beforeEach(() => writeFileSync(path.join(kit.checklistsDir, "mini-insp.yaml"), CHECKLIST));

  test("asks the group and its members, then the method of each item, the previous one offered where it fits", async () => {
    const steps = [
      "",
      "县教育局第二督导组",
      "",
      "王督导、王督导",
      "王督导、李督导",
      ...["pass", "document-check", "", ""],
      ...["pass", "site-visit", "", ""],
      ...[
        "partial",
        "document-check",
        "台账不全",
        "补齐台账",
        "刘主任",
        "",
        "",
        "immediate",
        "",
        "inspection",
        "",
        "",
      ],
      ...[
        "fail",
        "unannounced",
        "窗口态度生硬",
        "整改作风",
        "赵主任",
        "",
        "",
        "immediate",
        "",
        "visit",
        "",
        "",
      ],
    ];
    // The script ends at the review of the finished walk.
    const { ask } = await session(kit, steps, OPTS);
    expect(ask.transcript.filter((e) => e.error).map((e) => e.error)).toEqual([
      "Supervision group is required.",
      "Name at least one member of the supervision group.",
      "王督导 is named twice.",
    ]);
    expect(ask.output).toContain("Inspection by 县教育局第二督导组 (王督导, 李督导).");
    const methods = ask.transcript.filter((e) => e.kind === "select" && e.message === "Method");
    // one: its first method; two: 查资料 is not its method, so 看现场; three: back to 查资料 (its only
    // one); x: 暗访 (the item's), not the previous 查资料.
    expect(methods.map((e) => e.default)).toEqual([
      "hear-report",
      "site-visit",
      "document-check",
      "unannounced",
    ]);
    const origins = ask.transcript.filter(
      (e) => e.kind === "select" && e.message === "Source of the problem",
    );
    expect(origins.map((e) => e.default)).toEqual(["inspection", "visit"]);
    const { runs, answers, rects } = await answersOf(kit);
    expect(runs[0]?.inspection).toEqual({ group: "县教育局第二督导组", members: ["王督导", "李督导"] });
    expect(answers.map((a) => [a.itemKey, a.method])).toEqual([
      ["a.one", "document-check"],
      ["a.two", "site-visit"],
      ["a.three", "document-check"],
      ["b.x", "unannounced"],
    ]);
    expect(rects.map((r) => [r.itemKey, r.origin])).toEqual([
      ["a.three", "inspection"],
      ["b.x", "visit"],
    ]);
  });

  test("the method is kept with the draft the moment it is chosen, and said when the check stops", async () => {
    await session(kit, ["县教育局第二督导组", "王督导", "fail", "site-visit"], OPTS);
    const store = await kit.open();
    try {
      const run = (await store.listRuns())[0]!;
      const drafts = await store.listDrafts(run.id);
      expect(drafts.map((d) => [d.itemKey, d.result, d.method])).toEqual([["a.one", "fail", "site-visit"]]);
      expect(draftFields(drafts[0]!)).toEqual(["Method"]);
    } finally {
      await store.close();
    }
    // Resumed, the draft's method is offered again.
    const { ask } = await session(kit, ["resume"], OPTS);
    const method = ask.transcript.find((e) => e.kind === "select" && e.message === "Method");
    expect(method?.default).toBe("site-visit");
  });

  test("an inspection run started without its group (an earlier version) asks for it when resumed", async () => {
    const store = await kit.open();
    try {
      const unit = await store.ensureUnit("莲塘一小");
      const loaded = loadChecklistSet({ checklistsDir: kit.checklistsDir, cwd: kit.dir }).checklists.find(
        (c) => c.checklist.id === "mini-insp",
      )!;
      await store.createRun({
        unitId: unit.id,
        snapshot: await store.saveSnapshot(loaded),
        respondent: "王督导",
        leaders: [],
      });
    } finally {
      await store.close();
    }
    const { ask } = await session(kit, ["第三督导组", "赵督导"], OPTS);
    expect(ask.transcript.filter((e) => e.kind === "input").map((e) => e.message)).toEqual([
      "Supervision group (e.g. 县教育局第二督导组)",
      "Members of the group who inspect (several separated by , or 、)",
    ]);
    expect((await answersOf(kit)).runs[0]?.inspection).toEqual({ group: "第三督导组", members: ["赵督导"] });
  });

  test("the next run offers the group of the last inspection; a self-check asks neither", async () => {
    await session(kit, ["县教育局第二督导组", "王督导、李督导"], OPTS);
    const { ask } = await session(kit, ["", ""], { ...OPTS, unit: "塘南中学" });
    const inputs = ask.transcript.filter((e) => e.kind === "input").slice(0, 2);
    expect(inputs.map((e) => e.default)).toEqual(["县教育局第二督导组", "王督导、李督导"]);
    const self = await session(kit, [LEADERS, ...pass()], { ...MINI, unit: "向塘中学" });
    expect(
      self.ask.transcript.some((e) => e.message === "Method" || e.message.startsWith("Supervision")),
    ).toBe(false);
    expect((await answersOf(kit)).runs.map((r) => r.inspection?.group ?? null)).toEqual([
      "县教育局第二督导组",
      "县教育局第二督导组",
      null,
    ]);
  });
});
