// Merging that no clock can fool, on the built CLI with the clocks of both machines moved by
// faketime: a school a year ahead re-sending its file unchanged does not undo the bureau's
// 销号 or reorder the history; what both sides changed is reported with both versions.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dump } from "./helpers/school.js";

const BIN = path.resolve("bin/lookback.js");
const ANSWERS = path.resolve("docs/answers-example.yaml");
const hasFaketime = spawnSync("faketime", ["-f", "+1d", "true"]).status === 0;

let dir: string;
const school = () => path.join(dir, "莲塘一中.db");
const county = () => path.join(dir, "全县.db");

/** lookback on `db`, with the machine's clock moved by `offset` (faketime's "+365d", "-30d"). */
function lookback(db: string, offset: string | null, args: string[]) {
  const cmd = offset ? "faketime" : process.execPath;
  const argv = offset
    ? ["-f", offset, process.execPath, BIN, "--db", db, ...args]
    : [BIN, "--db", db, ...args];
  const r = spawnSync(cmd, argv, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", LOOKBACK_LANG: "en" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(r: { stdout: string; stderr: string; code: number | null }): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

interface Rect {
  id: string;
  itemKey: string;
  status: string;
  progress: string | null;
  closedBy: string | null;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-clock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasFaketime)("clocks on both sides", () => {
  it("a school a year ahead, re-sent unchanged, never undoes the bureau's 销号 nor reorders its history", () => {
    expect(lookback(school(), "+365d", ["check", "--answers", ANSWERS]).code).toBe(0);
    const sent = path.join(dir, "sent.db");
    copyFileSync(school(), sent);
    expect(lookback(county(), null, ["import", sent]).code).toBe(0);

    const rect = json<{ rectifications: Rect[] }>(lookback(county(), null, ["rectify", "list", "--json"]))
      .rectifications[0]!;
    expect(
      lookback(county(), null, ["rectify", "update", rect.id, "--status", "done", "--by", "刘主任"]).code,
    ).toBe(0);
    expect(
      lookback(county(), null, ["rectify", "update", rect.id, "--status", "closed", "--by", "王主任"]).code,
    ).toBe(0);
    const before = dump(county());

    // The same file again, on a bureau whose own clock is now wrong the other way.
    for (const offset of [null, "-30d", "+800d"]) {
      const again = json<{
        files: {
          ok: boolean;
          counts: Record<string, { added: number; updated: number; removed: number }>;
          mergeConflicts: unknown[];
        }[];
      }>(lookback(county(), offset, ["import", sent, "--json"]));
      for (const c of Object.values(again.files[0]!.counts)) expect(c.added + c.updated + c.removed).toBe(0);
      expect(again.files[0]!.mergeConflicts).toEqual([]);
    }
    expect(dump(county())).toEqual(before);
    const show = json<{ rectification: Rect; history: { by: string; to: string }[] }>(
      lookback(county(), null, ["rectify", "show", rect.id, "--json"]),
    );
    expect(show.rectification).toMatchObject({ status: "closed", closedBy: "王主任" });
    // In the order written here: the school's opening (stamped a year ahead) stays first.
    expect(show.history.map((h) => [h.by, h.to])).toEqual([
      ["张老师", "open"],
      ["刘主任", "done"],
      ["王主任", "closed"],
    ]);
  });

  it("the school moved on behind the bureau's back: its own changes are taken, a clash is reported with both versions", () => {
    expect(lookback(school(), "-400d", ["check", "--answers", ANSWERS]).code).toBe(0);
    expect(lookback(county(), "+30d", ["import", school()]).code).toBe(0);
    const rects = json<{ rectifications: Rect[] }>(
      lookback(county(), null, ["rectify", "list", "--json"]),
    ).rectifications;
    const [a, b] = [rects[0]!, rects[1]!];
    // The bureau: a 督办 on a, a close-out on nothing else.
    expect(
      lookback(county(), null, ["rectify", "update", a.id, "--status", "in-progress", "--by", "督导组"]).code,
    ).toBe(0);
    // The school, its clock far behind: moves a to done too, and records progress on b.
    expect(
      lookback(school(), "-400d", [
        "rectify",
        "update",
        a.id,
        "--status",
        "done",
        "--by",
        "赵主任",
        "--progress",
        "已整改",
      ]).code,
    ).toBe(0);
    expect(
      lookback(school(), "-400d", [
        "rectify",
        "update",
        b.id,
        "--status",
        "in-progress",
        "--by",
        "赵主任",
        "--progress",
        "正在整改",
      ]).code,
    ).toBe(0);

    // The same import in words, on a copy of the county: both versions and the rule are shown.
    const copy = path.join(dir, "copy.db");
    copyFileSync(county(), copy);
    const text = lookback(copy, null, ["import", school()]);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain("1 record(s) were changed both here and in the school's file");
    expect(text.stderr).toMatch(/rectification .* status: here in-progress.*; in the file done/);
    expect(text.stderr).toContain("is never undone by that file");

    const r = lookback(county(), null, ["import", school(), "--json"]);
    const report = json<{
      files: {
        mergeConflicts: {
          id: string;
          group: string;
          local: { status: string };
          incoming: { status: string };
          kept: string;
        }[];
      }[];
    }>(r);
    expect(report.files[0]!.mergeConflicts).toEqual([
      expect.objectContaining({
        id: a.id,
        group: "status",
        local: expect.objectContaining({ status: "in-progress" }),
        incoming: expect.objectContaining({ status: "done" }),
        kept: "local",
      }),
    ]);
    const after = json<{ rectifications: Rect[] }>(
      lookback(county(), null, ["rectify", "list", "--json"]),
    ).rectifications;
    const byId = new Map(after.map((x) => [x.id, x]));
    expect(byId.get(a.id)).toMatchObject({ status: "in-progress", progress: "已整改" });
    expect(byId.get(b.id)).toMatchObject({ status: "in-progress", progress: "正在整改" });
  });
});
