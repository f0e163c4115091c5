// The answers file: every problem found with its position before anything is stored,
// and a valid file applied in one go.

import { afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type Kit, MINI, MINI_DIR, makeKit, pass, session } from "../../test/helpers/check-kit.js";
import { loadChecklistSet } from "../checklist/load.js";
import { setLang } from "../i18n/index.js";
import type { Store } from "../store/port.js";
import { addDays, localToday } from "../util/dates.js";
import { sha256 } from "../yaml/source.js";
import { type Applied, applyPlan as applyAny } from "./apply.js";
import { type AnswersFlags, type AnswersPlan, planAnswers } from "./load.js";

/** Apply a plan that must write (not one already applied). */
async function applyPlan(store: Store, plan: AnswersPlan): Promise<Applied> {
  const done = await applyAny(store, plan);
  if (done.kind !== "applied") throw new Error("the file was already applied");
  return done;
}

const set = loadChecklistSet({ checklistsDir: MINI_DIR });
const today = localToday();

async function plan(text: string, opts: { store?: Store | null; flags?: AnswersFlags } = {}) {
  return planAnswers(
    { file: "answers.yaml", text, hash: sha256(text) },
    { set, store: opts.store ?? null, flags: opts.flags ?? {}, today, lang: "en" },
  );
}

/** `line:col code` for each diagnostic: positions are the point. */
async function problems(text: string, opts: Parameters<typeof plan>[1] = {}): Promise<string[]> {
  const out = await plan(text, opts);
  if (out.ok) return [];
  return out.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
}

const head = `unit: 莲塘一小
checklist: mini
respondent: 张老师
leaders: [李书记, 王校长]
answers:
`;

beforeAll(() => setLang("en"));

describe("checked completely before anything is written", () => {
  test("a valid file with codes, labels, shorthand and every date form", async () => {
    const out = await plan(`${head}  a.one: 符合
  a.two:
    result: 基本符合
    note: 形式单一
    rectification:
      problem: 学习形式单一
      measure: 增加专题研讨
      owner: 刘主任
      deadline: 20991231
      kind: 限期整改
      origin: 暗访
  a.three: { result: na, na_reason: 本校无此项 }
  lead.x@李书记:
    result: fail
    rectification: { problem: 调研不深, measure: 每学期调研两次, deadline: +30 }
  lead.y@李书记: pass
  lead.x@王校长: Meets
  lead.y@王校长:
    result: partial
    rectification: { problem: 公示不及时, measure: 按时公示, owner: 王校长, deadline: 2099/1/2, kind: ongoing }
`);
    if (!out.ok) throw new Error(JSON.stringify(out.diagnostics, null, 2));
    const byKey = new Map(out.plan.inputs.map((i) => [i.itemKey, i]));
    expect(byKey.get("a.one")?.result).toBe("pass");
    expect(byKey.get("a.two")?.rectification).toMatchObject({
      deadline: "2099-12-31",
      kind: "deadline",
      origin: "visit",
    });
    expect(byKey.get("a.three")).toMatchObject({ result: "na", naReason: "本校无此项" });
    // Per-leader: the owner defaults to the leader; with a deadline the kind defaults to 限期整改.
    expect(byKey.get("lead.x@李书记")?.rectification).toMatchObject({
      owner: "李书记",
      deadline: addDays(today, 30),
      kind: "deadline",
      origin: "self-check",
    });
    expect(byKey.get("lead.x@王校长")?.result).toBe("pass");
    expect(byKey.get("lead.y@王校长")?.rectification).toMatchObject({
      deadline: "2099-01-02",
      kind: "ongoing",
    });
  });

  test("unknown item ids, with a suggestion; per-leader ids without or with a wrong leader", async () => {
    expect(
      await problems(`${head}  a.onee: pass
  lead.x: pass
  lead.x@赵主任: pass
  a.one@李书记: pass
`),
    ).toEqual(["6:3 unknown-item", "7:3 needs-leader", "8:3 unknown-leader", "9:3 not-per-leader"]);
    const out = await plan(`${head}  a.onee: pass\n`);
    expect(!out.ok && out.diagnostics[0]?.hint).toBe("Did you mean `a.one`?");
  });

  test("bad or missing results", async () => {
    expect(
      await problems(`${head}  a.one: 很好
  a.two:
    note: 没写结果
  a.three: { result: [pass] }
`),
    ).toEqual(["6:10 bad-result", "8:5 missing-field", "9:22 bad-result"]);
  });

  test("a fail with no rectification, or no 责任人; a bad or past deadline; a 限期整改 without a date", async () => {
    expect(
      await problems(`${head}  a.one: 不符合
  a.two:
    result: fail
    rectification:
      problem: 问题
      measure: 措施
  a.three:
    result: partial
    rectification: { problem: p, measure: m, owner: o, deadline: 2020-01-01 }
  lead.x@李书记:
    result: partial
    rectification: { problem: p, measure: m, deadline: 2026-02-30 }
  lead.y@李书记:
    result: partial
    rectification: { problem: p, measure: m, deadline: soon }
  lead.x@王校长:
    result: partial
    rectification: { problem: p, measure: m, kind: deadline }
  lead.y@王校长:
    result: partial
    rectification: { problem: p, measure: m, kind: 马上改 }
`),
    ).toEqual([
      "6:10 missing-rectification",
      "9:5 missing-field",
      "14:66 past-date",
      "17:56 bad-date",
      "20:56 bad-date",
      "23:5 missing-deadline",
      "26:52 bad-value",
    ]);
  });

  test("na without a reason; unknown keys with a suggestion", async () => {
    expect(
      await problems(`${head}  a.one: 不适用
  a.two:
    reslt: pass
  a.three:
    result: pass
    rectification: { problme: p }
`),
    ).toEqual(["6:3 missing-field", "8:5 unknown-key", "11:22 unknown-key"]);
  });

  test("unit, checklist, respondent and leaders", async () => {
    // No unit, no respondent, and the default checklist (self-check) needs its leaders.
    expect(await problems("answers: {}\n")).toEqual([
      "1:1 missing-field",
      "1:1 missing-field",
      "1:1 no-leaders",
    ]);
    expect(await problems("unit: 莲塘一小\nchecklist: minni\nrespondent: 张\nanswers: {}\n")).toEqual([
      "2:12 unknown-checklist",
    ]);
    expect(await problems("unit: 莲塘一小\nchecklist: mini\nrespondent: 张\nanswers: {}\n")).toEqual([
      "1:1 no-leaders",
    ]);
    expect(
      await problems(
        `unit: 莲塘一小\nchecklist: mini\nrespondent: 张\nleaders: 李书记、李书记\nanswers: {}\n`,
      ),
    ).toEqual(["4:10 duplicate-leader"]);
    expect(await problems(`${head}  a.one: pass\n`, { flags: { unit: "莲塘二小" } })).toEqual([
      "1:7 conflict",
    ]);
  });

  test("flags fill in what the file leaves out", async () => {
    const out = await plan("leaders: 李书记\nanswers:\n  a.one: pass\n", {
      flags: { unit: "莲塘一小", checklist: "mini", respondent: "张老师" },
    });
    expect(out.ok && out.plan).toMatchObject({
      unitName: "莲塘一小",
      checklistId: "mini",
      respondent: "张老师",
      leaders: ["李书记"],
    });
  });
});

describe("applying", () => {
  let kit: Kit;
  beforeEach(async () => {
    kit = makeKit();
  });
  afterEach(() => kit.cleanup());

  const full = `${head}  a.one: pass
  a.two: pass
  lead.x@李书记: pass
  lead.y@李书记: pass
  lead.x@王校长: pass
  lead.y@王校长:
    result: fail
    rectification: { problem: 公示不及时, measure: 按时公示 }
`;

  test("a complete file makes a complete run with its rectifications", async () => {
    const store = await kit.open();
    try {
      const out = await plan(full, { store });
      if (!out.ok) throw new Error(JSON.stringify(out.diagnostics));
      const done = await applyPlan(store, out.plan);
      expect(done.finished).toBe(true);
      expect(done.run.status).toBe("complete");
      expect(await store.listAnswers(done.run.id)).toHaveLength(6);
      expect(await store.listRectifications({ runId: done.run.id })).toMatchObject([
        {
          itemKey: "lead.y@王校长",
          owner: "王校长",
          status: "open",
          kind: "immediate",
          origin: "self-check",
        },
      ]);
    } finally {
      await store.close();
    }
  });

  test("an incomplete file leaves the run open and names what is missing; the next file continues it", async () => {
    const store = await kit.open();
    try {
      const first = await plan(`${head}  a.one: pass\n`, { store });
      if (!first.ok) throw new Error("invalid");
      const done = await applyPlan(store, first.plan);
      expect(done.finished).toBe(false);
      expect(done.missing.map((s) => s.key)).toEqual([
        "a.two",
        "lead.x@李书记",
        "lead.y@李书记",
        "lead.x@王校长",
        "lead.y@王校长",
      ]);
      const second = await plan(full, { store });
      if (!second.ok) throw new Error("invalid");
      expect(second.plan.resume?.run.id).toBe(done.run.id);
      const again = await applyPlan(store, second.plan);
      expect(again.run.id).toBe(done.run.id);
      expect(again.finished).toBe(true);
      expect(await store.listRuns()).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  test("a file continues the run a person started at the terminal, keeping its leaders and snapshot", async () => {
    await session(kit, ["李书记", "", ...pass()], MINI);
    const store = await kit.open();
    try {
      const out = await plan(
        "unit: 莲塘一小\nchecklist: mini\nanswers:\n  a.two: pass\n  lead.x@李书记: pass\n",
        {
          store,
        },
      );
      if (!out.ok) throw new Error(JSON.stringify(out.diagnostics));
      expect(out.plan.respondent).toBe("张老师");
      expect(out.plan.leaders).toEqual(["李书记"]);
      const done = await applyPlan(store, out.plan);
      expect(done.missing.map((s) => s.key)).toEqual(["lead.y@李书记"]);
      expect((await store.listAnswers(done.run.id)).map((a) => a.itemKey).sort()).toEqual([
        "a.one",
        "a.two",
        "lead.x@李书记",
      ]);
    } finally {
      await store.close();
    }
  });
});

describe("an inspection's answers file (督导检查)", () => {
  const top = `unit: 莲塘一小
checklist: inspection
respondent: 王督导
`;
  const group = `inspection:
  group: 县教育局第二督导组
  members: [王督导, 李督导]
  method: 查资料
`;
  const rect = "{ problem: 问题, measure: 措施, owner: 刘主任 }";

  test("the group and its members; each answer's method, else the file's, else the item's only one; origins follow", async () => {
    const out = await plan(`${top}${group}answers:
  announced.lookback-done: pass
  announced.mobilization: { result: pass, method: 看现场 }
  announced.study: { result: fail, method: hear-report, rectification: ${rect} }
  unannounced.cadre-style:
    result: partial
    rectification: ${rect}
  unannounced.window-staff: { result: fail, method: Unannounced visit, rectification: ${rect} }
`);
    if (!out.ok) throw new Error(JSON.stringify(out.diagnostics, null, 2));
    expect(out.plan.inspection).toEqual({ group: "县教育局第二督导组", members: ["王督导", "李督导"] });
    expect(out.plan.inputs.map((i) => [i.itemKey, i.method, i.rectification?.origin ?? null])).toEqual([
      ["announced.lookback-done", "document-check", null],
      ["announced.mobilization", "site-visit", null],
      ["announced.study", "hear-report", "inspection"],
      // The file's 查资料 is not a method of this item: recorded, with a warning.
      ["unannounced.cadre-style", "document-check", "inspection"],
      ["unannounced.window-staff", "unannounced", "visit"],
    ]);
    expect(out.plan.warnings.map((w) => `${w.line}:${w.col} ${w.code}`)).toEqual(["12:3 unexpected-method"]);
  });

  test("without a file default, an item the checklist checks one way only gets that method; a finding of 暗访 is 暗访", async () => {
    const out = await plan(`${top}inspection: { group: 第二督导组, members: 王督导、李督导 }
answers:
  announced.materials: pass
  announced.study: { result: fail, rectification: ${rect} }
  unannounced.cadre-style: { result: fail, rectification: ${rect} }
`);
    if (!out.ok) throw new Error(JSON.stringify(out.diagnostics, null, 2));
    expect(out.plan.inspection?.members).toEqual(["王督导", "李督导"]);
    expect(out.plan.inputs.map((i) => [i.method, i.rectification?.origin ?? null])).toEqual([
      ["document-check", null],
      [null, "inspection"],
      ["unannounced", "visit"],
    ]);
  });

  test("an unknown method, with a did-you-mean; the group missing; members missing or twice", async () => {
    expect(
      await problems(`${top}inspection:
  group: 县教育局第二督导组
  members: [王督导]
  method: site-vist
answers:
  announced.study: { result: pass, method: 暗方 }
`),
    ).toEqual(["7:11 bad-method"]);
    const hints = await plan(`${top}inspection: { group: g, members: [m], method: site-vist }
answers:
  announced.study: pass
`);
    expect(!hints.ok && hints.diagnostics.map((d) => d.hint)).toEqual(["Did you mean `site-visit`?"]);
    const own = await plan(`${top}inspection: { group: g, members: [m] }
answers:
  announced.study: { result: pass, method: 暗方 }
  announced.opinions: { result: pass, method: phone }
`);
    expect(!own.ok && own.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.hint}`)).toEqual([
      "6:44 bad-method Did you mean `暗访`?",
      "7:47 bad-method Allowed values: hear-report (听汇报), site-visit (看现场), document-check (查资料), unannounced (暗访).",
    ]);
    const missing = await plan(`${top}answers:\n  announced.study: pass\n`);
    expect(!missing.ok && missing.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "missing-inspection",
        "Checklist inspection is an inspection: the file must say which supervision group inspected.",
      ],
    ]);
    expect(
      await problems(`${top}inspection: { members: [王督导] }\nanswers:\n  announced.study: pass\n`),
    ).toEqual(["4:1 missing-inspection"]);
    expect(
      await problems(`${top}inspection: { group: 第二督导组 }\nanswers:\n  announced.study: pass\n`),
    ).toEqual(["4:1 no-members"]);
    expect(
      await problems(
        `${top}inspection: { group: 第二督导组, members: [王督导, 王督导] }\nanswers:\n  announced.study: pass\n`,
      ),
    ).toEqual(["4:38 duplicate-member"]);
  });

  test("a self-check's file has no group and no method", async () => {
    expect(
      await problems(`${head}  a.one: { result: pass, method: 查资料 }
  a.two: pass
`),
    ).toEqual(["6:26 method-on-self-check"]);
    expect(
      await problems(`unit: 莲塘一小
checklist: mini
respondent: 张老师
leaders: [李书记]
inspection: { group: 第二督导组, members: [王督导] }
answers:
  a.one: pass
`),
    ).toEqual(["5:1 not-inspection"]);
  });

  describe("applied", () => {
    let kit: Kit;
    beforeEach(async () => {
      kit = makeKit();
    });
    afterEach(() => kit.cleanup());

    test("the run keeps the group, the answers their methods; a later file may name another group", async () => {
      const store = await kit.open();
      try {
        const first = await plan(`${top}${group}answers:\n  announced.lookback-done: pass\n`, { store });
        if (!first.ok) throw new Error(JSON.stringify(first.diagnostics));
        const done = await applyPlan(store, first.plan);
        expect(done.run.inspection).toEqual({ group: "县教育局第二督导组", members: ["王督导", "李督导"] });
        expect((await store.listAnswers(done.run.id))[0]?.method).toBe("document-check");
        // The run is not finished: the next file continues it without naming the group again…
        const next = await plan(
          `${top}answers:\n  unannounced.cadre-style: { result: fail, rectification: ${rect} }\n`,
          {
            store,
          },
        );
        if (!next.ok) throw new Error(JSON.stringify(next.diagnostics));
        expect(next.plan.inspection?.group).toBe("县教育局第二督导组");
        await applyPlan(store, next.plan);
        expect(await store.listRectifications({ runId: done.run.id })).toMatchObject([
          { itemKey: "unannounced.cadre-style", origin: "visit" },
        ]);
        // …or with other members, which replace the run's.
        const third = await plan(
          `${top}inspection: { members: [赵督导] }\nanswers:\n  announced.study: pass\n`,
          {
            store,
          },
        );
        if (!third.ok) throw new Error(JSON.stringify(third.diagnostics));
        await applyPlan(store, third.plan);
        expect((await store.getRun(done.run.id))?.inspection).toEqual({
          group: "县教育局第二督导组",
          members: ["赵督导"],
        });
      } finally {
        await store.close();
      }
    });
  });
});
