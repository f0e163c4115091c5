import { afterEach, describe, expect, it } from "vitest";
import { closeRect, mini, seedRun, tempDb } from "../../test/fixtures/rectify/seed.js";
import { setLang } from "../i18n/index.js";
import type { Store } from "../store/port.js";
import { lookupRectification, uniquePrefixes } from "./ids.js";
import { describeRefusal, updateRectification } from "./update.js";

let store: Store | undefined;
afterEach(() => store?.close());
setLang("en");

const TODAY = "2026-11-27";

async function seedOne(s: Store) {
  const { rects } = await seedRun(s, { unit: "莲塘一小", loaded: mini(1), answers: { "a.one": "fail" } });
  return rects.get("a.one")!;
}

describe("updateRectification: one not-closed rectification per item", () => {
  it("refuses to reopen a closed one while its relapse is open, naming the open one (exit 1)", async () => {
    ({ store } = await tempDb());
    const closed = await closeRect(store, (await seedOne(store)).id);
    const relapse = (
      await seedRun(store, {
        unit: "莲塘一小",
        loaded: mini(1),
        answers: { "a.one": "fail" },
      })
    ).rects.get("a.one")!;
    expect(relapse.id).not.toBe(closed.id);
    const outcome = await updateRectification(
      store,
      closed.id,
      { to: "in-progress", by: "王主任", note: "复查不合格", progress: null, remark: null },
      TODAY,
    );
    expect(outcome).toEqual({ ok: false, refusal: { kind: "open-elsewhere", other: relapse.id } });
    if (outcome.ok) return;
    const text = describeRefusal(outcome.refusal, closed.id.slice(0, 8));
    expect(text.exitCode).toBe(1);
    expect((await store.getRectification(closed.id))?.status).toBe("closed");
  });
});

describe("updateRectification: status and history in one go", () => {
  it("takes an item from open to closed and keeps every step with who, when, from → to and note", async () => {
    ({ store } = await tempDb());
    const r = await seedOne(store);
    const steps = [
      { to: "in-progress", by: "张三", note: "开始整改", progress: null },
      { to: "done", by: "张三", note: null, progress: "已补齐学习记录" },
      { to: "closed", by: "王主任", note: "现场核验", progress: null },
    ] as const;
    for (const s of steps) {
      const out = await updateRectification(store, r.id, { ...s, remark: null }, TODAY);
      expect(out.ok).toBe(true);
    }
    const after = (await store.getRectification(r.id))!;
    expect(after).toMatchObject({
      status: "closed",
      progress: "已补齐学习记录",
      closedAt: TODAY,
      closedBy: "王主任",
    });
    const history = (await store.listHistory(r.id)).map((h) => [h.fromStatus, h.toStatus, h.by, h.note]);
    expect(history).toEqual([
      [null, "open", "李老师", null],
      ["open", "in-progress", "张三", "开始整改"],
      ["in-progress", "done", "张三", null],
      ["done", "closed", "王主任", "现场核验"],
    ]);
  });

  it("a refused change writes nothing", async () => {
    ({ store } = await tempDb());
    const r = await seedOne(store);
    const out = await updateRectification(
      store,
      r.id,
      { to: "closed", by: "王主任", note: null, progress: null, remark: null },
      TODAY,
    );
    expect(out.ok).toBe(false);
    expect((await store.getRectification(r.id))!.status).toBe("open");
    expect(await store.listHistory(r.id)).toHaveLength(1);
  });

  it("reopening a closed item clears 销号 on the item but the history keeps it", async () => {
    ({ store } = await tempDb());
    const r = await seedOne(store);
    const go = async (to: "done" | "closed" | "in-progress", by: string | null, note: string | null) =>
      updateRectification(store!, r.id, { to, by, note, progress: null, remark: null }, TODAY);
    await go("done", null, null);
    await go("closed", "王主任", null);
    const out = await go("in-progress", "督导组", "暗访发现问题反弹");
    expect(out.ok && out.after).toMatchObject({ status: "in-progress", closedAt: null, closedBy: null });
    expect((await store.listHistory(r.id)).find((h) => h.toStatus === "closed")?.by).toBe("王主任");
  });

  it("explains refusals with the allowed next statuses and the right exit code", async () => {
    const notAllowed = describeRefusal(
      { kind: "not-allowed", from: "open", to: "closed", allowed: ["in-progress", "done"] },
      "3f2a9c1e",
    );
    expect(notAllowed.exitCode).toBe(1);
    expect(notAllowed.key).toBe("rectify.refused.closeNotDone");
    expect(notAllowed.params.allowed).toBe("In progress (in-progress), Done (done)");
    expect(describeRefusal({ kind: "needs-by", from: "done", to: "closed" }, "x").exitCode).toBe(2);
    expect(describeRefusal({ kind: "needs-note", from: "done", to: "in-progress" }, "x").exitCode).toBe(2);
  });
});

describe("short ids", () => {
  it("uses 8 characters, more only where ids share them", async () => {
    const p = uniquePrefixes([
      "3f2a9c1e-aaaa-4000-8000-000000000000",
      "3f2a9c1e-abbb-4000-8000-000000000000",
      "77777777-0000-4000-8000-000000000000",
    ]);
    expect([...p.values()]).toEqual(["3f2a9c1e-aa", "3f2a9c1e-ab", "77777777"]);
  });

  it("accepts a unique prefix, refuses an ambiguous one with the candidates, and an unknown one", async () => {
    ({ store } = await tempDb());
    // 17 rectifications: by pigeonhole at least two share their first hex digit.
    const answers = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a.item${i}`, "fail" as const]));
    await seedRun(store, { unit: "U", loaded: mini(1), answers });
    const ids = (await store.listRectifications()).map((r) => r.id);
    const first = ids[0]!;
    expect(await lookupRectification(store, first.slice(0, 8).toUpperCase())).toMatchObject({
      kind: "found",
      rectification: { id: first },
    });
    const shared = [...new Set(ids.map((id) => id[0]))].find(
      (c) => ids.filter((id) => id[0] === c).length > 1,
    )!;
    const amb = await lookupRectification(store, shared);
    expect(amb.kind).toBe("ambiguous");
    expect(amb.kind === "ambiguous" && amb.candidates.length).toBeGreaterThan(1);
    expect((await lookupRectification(store, "zzzz")).kind).toBe("unknown");
    expect((await lookupRectification(store, "%")).kind).toBe("unknown");
    expect((await lookupRectification(store, "")).kind).toBe("unknown");
  });
});
