// Several clerks and officers on one PostgreSQL database at once, each with a store of its own
// (its own pool of connections, as separate processes have): no write is lost, no rule the
// database keeps is broken, the history of a rectification stays whole and in one order, and a
// move decided on a revision another writer changed is refused with RectificationChanged.
import { afterEach, describe, expect, it } from "vitest";
import { NO_PG, PG_SKIP, schemaPerTest } from "../../../test/helpers/pg.js";
import { RectificationChanged, RunAlreadyOpen, type Store } from "../port.js";
import { SqlStore } from "../sql/store.js";
import { answerInput, miniChecklist } from "../testing.js";
import { openPostgresDriver } from "./driver.js";

const freshSchemaUrl = schemaPerTest();
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** `n` stores on one fresh database, as `n` processes would have. */
async function desks(n: number): Promise<Store[]> {
  const url = await freshSchemaUrl();
  const first = new SqlStore(await openPostgresDriver(url, { intent: "write" }));
  stores.push(first);
  const others = await Promise.all(
    Array.from(
      { length: n - 1 },
      async () => new SqlStore(await openPostgresDriver(url, { intent: "write" })),
    ),
  );
  stores.push(...others);
  return [first, ...others];
}

async function openRun(store: Store, unit = "莲塘一小") {
  const u = await store.ensureUnit(unit);
  return store.createRun({
    unitId: u.id,
    snapshot: await store.saveSnapshot(miniChecklist(1)),
    respondent: "张老师",
    leaders: [],
  });
}

const settle = <T>(ps: Promise<T>[]) => Promise.allSettled(ps);

describe.skipIf(NO_PG)(`PostgreSQL: writers at once ${NO_PG ? PG_SKIP : ""}`, () => {
  it("clerks answering one run's items, and other units' runs, at once: every answer and rectification lands", async () => {
    const [a, b, c, d] = await desks(4);
    const shared = await openRun(a!);
    const keys = ["a.one", "a.two", "a.three"];
    const units = ["甲校", "乙校", "丙校", "丁校", "戊校", "己校"];
    const jobs: Promise<unknown>[] = [
      // Three clerks on the same run, one item each.
      ...keys.map((itemKey, i) => [b, c, d][i]!.saveAnswer(shared.id, answerInput("fail", { itemKey }))),
      // Each unit's run made and answered by whichever desk.
      ...units.map(async (name, i) => {
        const s = [a, b, c, d][i % 4]!;
        const run = await openRun(s, name);
        for (const itemKey of keys)
          await s.saveAnswer(run.id, answerInput(i % 2 ? "partial" : "pass", { itemKey }));
      }),
    ];
    const results = await settle(jobs);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect((await a!.listAnswers(shared.id)).map((x) => x.itemKey).sort()).toEqual([...keys].sort());
    expect(await a!.listRectifications({ runId: shared.id })).toHaveLength(3);
    expect(await a!.listUnits()).toHaveLength(units.length + 1);
    expect(await a!.listRuns()).toHaveLength(units.length + 1);
    // Partial answers (odd units) each opened one rectification per item.
    expect(await a!.listRectifications()).toHaveLength(3 + 3 * 3);
  });

  it("the same unit started at once by several desks: one run, the others told which is open", async () => {
    const all = await desks(5);
    const results = await settle(all.map((s) => openRun(s)));
    const made = results.filter((r) => r.status === "fulfilled");
    expect(made).toHaveLength(1);
    const openId = (made[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const r of results.filter((x) => x.status === "rejected")) {
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(RunAlreadyOpen);
      expect((reason as RunAlreadyOpen).open.id).toBe(openId);
    }
    expect(await all[0]!.listUnits()).toHaveLength(1);
  });

  it("look-alike names entered at once make one unit", async () => {
    const all = await desks(4);
    const names = ["莲塘一小", "莲塘\u200b一小", "莲塘　一小", "莲塘一小"];
    const units = await Promise.all(all.map((s, i) => s.ensureUnit(names[i]!)));
    expect(new Set(units.map((u) => u.id)).size).toBe(1);
    expect(await all[0]!.listUnits()).toHaveLength(1);
  });

  it("officers updating one rectification at once: every change is kept, the history whole and in one order", async () => {
    const all = await desks(6);
    const run = await openRun(all[0]!);
    const r = (await all[0]!.saveAnswer(run.id, answerInput("fail"))).rectification!;
    const rounds = 4;
    await Promise.all(
      all.map(async (s, i) => {
        for (let k = 0; k < rounds; k++) {
          await s.changeRectification(r.id, {
            toStatus: "in-progress",
            by: `officer ${i}`,
            note: `${i}/${k}`,
            patch: { progress: `${i}/${k}` },
          });
        }
      }),
    );
    const history = await all[0]!.listHistory(r.id);
    expect(history).toHaveLength(1 + all.length * rounds);
    // Each officer's own changes are in the order that officer made them.
    for (let i = 0; i < all.length; i++) {
      const mine = history.filter((h) => h.by === `officer ${i}`).map((h) => h.note);
      expect(mine).toEqual(Array.from({ length: rounds }, (_, k) => `${i}/${k}`));
    }
    // Each entry starts from the status the one before it left (no two read the same state).
    expect(history.slice(1).every((h) => h.fromStatus === "open" || h.fromStatus === "in-progress")).toBe(
      true,
    );
    const now = await all[0]!.getRectification(r.id);
    expect(now?.rev).toBe(r.rev + all.length * rounds);
    // The rectification holds the last change the history shows.
    expect(now?.progress).toBe(history.at(-1)?.note);
  });

  it("moves decided on the same revision: one wins, every other is refused as RectificationChanged", async () => {
    const all = await desks(6);
    const run = await openRun(all[0]!);
    const r = (await all[0]!.saveAnswer(run.id, answerInput("fail"))).rectification!;
    const results = await settle(
      all.map((s, i) =>
        s.changeRectification(r.id, { toStatus: "done", by: `officer ${i}`, note: null, expectedRev: r.rev }),
      ),
    );
    const won = results.filter((x) => x.status === "fulfilled");
    expect(won).toHaveLength(1);
    for (const x of results.filter((y) => y.status === "rejected")) {
      const reason = (x as PromiseRejectedResult).reason as RectificationChanged;
      expect(reason).toBeInstanceOf(RectificationChanged);
      expect(reason.current).toMatchObject({ status: "done", rev: r.rev + 1 });
    }
    expect((await all[0]!.listHistory(r.id)).map((h) => h.toStatus)).toEqual(["open", "done"]);
  });
});
