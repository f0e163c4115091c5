// Status rows: progress, results and open rectifications per run.

import { afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { type Kit, MINI, makeKit, na, pass, problem, session } from "../../test/helpers/check-kit.js";
import { setLang } from "../i18n/index.js";
import { statusRows } from "./rows.js";

let kit: Kit;
beforeAll(() => setLang("en"));
beforeEach(async () => {
  kit = makeKit();
});
afterEach(() => kit.cleanup());

test("one row per run: answered/total over the run's own slots, counts per result, open rectifications", async () => {
  await session(
    kit,
    ["李书记、王校长", ...pass(), ...problem("fail"), ...na("不涉及"), ...problem("partial", { owner: "" })],
    MINI,
  );
  await session(kit, ["李书记", "", ...pass(), ...pass(), ...pass(), ...pass(), ...pass(), "finish", true], {
    ...MINI,
    unit: "莲塘二小",
  });
  const store = await kit.open();
  try {
    // Units in Chinese (pinyin) order: 莲塘二小 (èr) before 莲塘一小 (yī).
    const rows = await statusRows(store);
    expect(rows.map((r) => [r.unit.name, r.status, r.answered, r.total, r.missingRequired])).toEqual([
      ["莲塘二小", "complete", 5, 5, 0],
      ["莲塘一小", "in-progress", 4, 7, 3],
    ]);
    expect(rows[1]).toMatchObject({
      checklist: { id: "mini", version: "1.0.0", title: "迷你清单", titleEn: "Mini checklist" },
      respondent: "张老师",
      leaders: ["李书记", "王校长"],
      counts: { pass: 1, partial: 1, fail: 1, na: 1 },
      rectifications: 2,
      openRectifications: 2,
      finishedAt: null,
    });
    expect(rows[0]!.finishedAt).not.toBeNull();
    // A rectification taken to done no longer counts as open.
    const rect = (await store.listRectifications({ runId: rows[1]!.runId }))[0]!;
    await store.changeRectification(rect.id, { toStatus: "done", by: "刘主任", note: null });
    const unit = (await store.findUnitByName("莲塘一小"))!;
    expect((await statusRows(store, { unitId: unit.id })).map((r) => r.openRectifications)).toEqual([1]);
  } finally {
    await store.close();
  }
});
