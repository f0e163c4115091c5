import { afterEach, describe, expect, it } from "vitest";
import { mini, seedRun, tempDb } from "../../test/fixtures/rectify/seed.js";
import { setLang } from "../i18n/index.js";
import { listRectificationViews } from "../rectify/query.js";
import type { Store } from "../store/port.js";
import { ScriptedAsk } from "./ask/scripted.js";
import { walkQueue, walkRectifications } from "./rectify-walk.js";

let store: Store | undefined;
afterEach(() => store?.close());
setLang("en");

const TODAY = "2026-11-27";

describe("the interactive walk (scripted)", () => {
  it("goes late items first, applies each choice, offers the last name again and stops on request", async () => {
    ({ store } = await tempDb());
    const { rects } = await seedRun(store, {
      unit: "U",
      loaded: mini(1),
      answers: {
        "a.one": { result: "fail", rect: { deadline: "2026-11-20" } },
        "a.two": { result: "fail", rect: { deadline: "2026-12-20" } },
        "a.three": { result: "fail", rect: { deadline: "2026-12-25" } },
        "a.four": { result: "fail", rect: { deadline: "2026-12-30" } },
      },
    });
    await store.changeRectification(rects.get("a.two")!.id, { toStatus: "done", by: null, note: null });
    const queue = walkQueue(await listRectificationViews(store, {}, TODAY));
    expect(queue.map((v) => v.itemKey)).toEqual(["a.one", "a.three", "a.four", "a.two"]);
    const ask = new ScriptedAsk([
      // a.one (late): started, by 张三, no note
      "in-progress",
      "张三",
      "",
      // a.three: progress only
      "progress",
      "完成一半",
      "", // by: the default, 张三 again
      "",
      // a.four: skip
      "skip",
      // a.two (done): close, verifier typed
      "closed",
      "王主任",
      "现场核验",
    ]);
    const result = await walkRectifications(queue, {
      store: store,
      ask,
      today: TODAY,
      card: (v, pos) => `${pos.index}/${pos.total} ${v.itemKey}`,
    });
    expect(result).toEqual({ changed: 3, skipped: 1, stopped: false });
    expect(ask.transcript[0]).toMatchObject({ kind: "say", message: "1/4 a.one" });
    expect(ask.remaining).toBe(0);
    expect((await store.getRectification(rects.get("a.one")!.id))!.status).toBe("in-progress");
    const three = (await store.getRectification(rects.get("a.three")!.id))!;
    expect(three).toMatchObject({ status: "open", progress: "完成一半" });
    expect((await store.listHistory(three.id)).at(-1)).toMatchObject({
      fromStatus: "open",
      toStatus: "open",
      by: "张三",
    });
    expect((await store.getRectification(rects.get("a.four")!.id))!.status).toBe("open");
    expect(await store.getRectification(rects.get("a.two")!.id)).toMatchObject({
      status: "closed",
      closedBy: "王主任",
      closedAt: TODAY,
    });
  });

  it("asks for a note when going back, and stops when told to", async () => {
    ({ store } = await tempDb());
    const { rects } = await seedRun(store, {
      unit: "U",
      loaded: mini(1),
      answers: { "a.one": "fail", "a.two": "fail" },
    });
    await store.changeRectification(rects.get("a.one")!.id, {
      toStatus: "in-progress",
      by: null,
      note: null,
    });
    const queue = walkQueue(await listRectificationViews(store, {}, TODAY));
    // An empty reason is refused and asked again.
    const ask = new ScriptedAsk(["open", "", "", "误操作，尚未开始", "quit"]);
    const result = await walkRectifications(queue, {
      store: store,
      ask,
      today: TODAY,
      card: (v) => v.itemKey,
    });
    expect(result).toEqual({ changed: 1, skipped: 1, stopped: true });
    expect(ask.transcript.find((e) => e.message === "Why (a note is required):")?.error).toBe(
      "Please type something.",
    );
    expect((await store.listHistory(rects.get("a.one")!.id)).at(-1)).toMatchObject({
      fromStatus: "in-progress",
      toStatus: "open",
      note: "误操作，尚未开始",
    });
  });
});
