// The interactive walk (`lookback rectify` on a terminal) driven through tmux: a real TTY,
// real key presses. Skipped when tmux is not installed.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/open.js";
import { addDays, localToday } from "../src/util/dates.js";
import { mini, seedRun, tempDb } from "./fixtures/rectify/seed.js";

const ROOT = path.resolve(".");
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
// A private tmux server: nothing of the user's sessions is touched.
const socket = `lookback-walk-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const dirs: string[] = [];

afterAll(async () => {
  if (hasTmux) spawnSync("tmux", ["-L", socket, "kill-server"]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function waitFor(pred: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${tmux("capture-pane", "-p", "-t", "walk")}`);
}

const screen = () => tmux("capture-pane", "-p", "-t", "walk");

describe.skipIf(!hasTmux)("rectify walk on a terminal", () => {
  it("shows the late item first, records the choice, and Ctrl-C keeps it (exit 130)", async () => {
    const { dir, db, store } = await tempDb();
    dirs.push(dir);
    const today = localToday();
    const { rects } = await seedRun(store, {
      unit: "莲塘第一小学",
      loaded: mini(1),
      answers: {
        "a.one": { result: "fail", rect: { deadline: addDays(today, 5), problem: "不着急的问题" } },
        "a.two": { result: "fail", rect: { deadline: addDays(today, -3), problem: "已经逾期的问题" } },
      },
    });
    await store.close();
    const exitFile = path.join(dir, "exit");
    const cmd = `cd ${JSON.stringify(dir)} && env NO_COLOR=1 LOOKBACK_LANG=en ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, "bin/lookback.js"))} --db ${JSON.stringify(db)} rectify; echo $? > ${JSON.stringify(exitFile)}; sleep 30`;
    tmux("new-session", "-d", "-s", "walk", "-x", "120", "-y", "40", cmd);

    await waitFor(() => screen().includes("What happened?"), "the first question");
    const first = screen();
    expect(first).toContain("2 item(s) to follow up, 1 of them late.");
    expect(first).toMatch(/\[1\/2\] \w{8} · 莲塘第一小学 · a\.two/);
    expect(first).toContain("3 day(s) late");

    tmux("send-keys", "-t", "walk", "Enter"); // Mark as In progress
    await waitFor(() => screen().includes("Your name, optional:"), "the name question");
    tmux("send-keys", "-t", "walk", "张三", "Enter");
    await waitFor(() => screen().includes("Note, optional:"), "the note question");
    tmux("send-keys", "-t", "walk", "已开始整改", "Enter");
    await waitFor(() => screen().includes("[2/2]"), "the second item");
    await waitFor(
      () => screen().split("[2/2]")[1]?.includes("What happened?") === true,
      "the second question",
    );
    tmux("send-keys", "-t", "walk", "C-c");
    await waitFor(
      () => existsSync(exitFile) && readFileSync(exitFile, "utf8").trim() !== "",
      "the exit code",
    );

    expect(readFileSync(exitFile, "utf8").trim()).toBe("130");
    expect(screen()).toContain("Stopped. Every change made so far is saved.");
    const check = await openStore(db, { intent: "read" });
    try {
      expect((await check.getRectification(rects.get("a.two")!.id))!.status).toBe("in-progress");
      expect((await check.listHistory(rects.get("a.two")!.id)).at(-1)).toMatchObject({
        by: "张三",
        note: "已开始整改",
      });
      expect((await check.getRectification(rects.get("a.one")!.id))!.status).toBe("open");
    } finally {
      await check.close();
    }
  });
});
