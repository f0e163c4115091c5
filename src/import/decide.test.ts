// The merge rules, record by record, without a database: a change made here is never undone
// by a sender that did not change the record; what only the sender changed is taken; what both
// changed is a conflict with both versions; an older copy changes nothing. No clock is read.
import { describe, expect, it } from "vitest";
import { type Base, decide, groupValue, groupValues, nextRev, runRule } from "./decide.js";

const GROUPS = new Map([
  ["status", ["status", "closed_by"]],
  ["progress", ["progress"]],
]);
const rect = (status: string, progress: string | null = null, closedBy: string | null = null) => ({
  id: "r",
  status,
  closed_by: closedBy,
  progress,
});
const baseOf = (row: Record<string, unknown>, rev: number): Base => ({
  rev,
  groups: groupValues(row, GROUPS),
});

describe("decide", () => {
  it("adds a record not known here", () => {
    expect(decide(GROUPS, undefined, undefined, rect("open"), 1)).toEqual({ action: "add" });
  });

  it("keeps the bureau's 销号 when the school sends the record unchanged (any revision, any clock)", () => {
    const sent = rect("done");
    const here = rect("closed", null, "王主任");
    expect(decide(GROUPS, baseOf(sent, 3), here, sent, 3)).toEqual({ action: "keep", conflicts: [] });
  });

  it("takes what only the school changed, keeps what only the bureau changed", () => {
    const base = rect("done");
    const here = rect("closed", null, "王主任");
    const sent = rect("done", "已整改到位");
    const d = decide(GROUPS, baseOf(base, 3), here, sent, 4);
    expect(d).toEqual({ action: "write", values: { progress: "已整改到位" }, conflicts: [] });
  });

  it("reports what both changed, with both versions, and keeps the version here", () => {
    const base = rect("in-progress");
    const here = rect("closed", null, "王主任");
    const sent = rect("done");
    const d = decide(GROUPS, baseOf(base, 2), here, sent, 3);
    expect(d).toEqual({
      action: "keep",
      conflicts: [
        {
          group: "status",
          local: { status: "closed", closed_by: "王主任" },
          incoming: { status: "done", closed_by: null },
          kept: "local",
        },
      ],
    });
  });

  it("an older copy of the school's file (lower revision than last taken) changes nothing", () => {
    const d = decide(GROUPS, baseOf(rect("done"), 5), rect("done"), rect("open"), 4);
    expect(d).toEqual({ action: "skip", why: "stale" });
  });

  it("a record removed here and unchanged there stays removed; one deleted there and older is not brought back", () => {
    const sent = rect("open");
    expect(decide(GROUPS, baseOf(sent, 1), undefined, sent, 1)).toEqual({
      action: "skip",
      why: "deleted-here",
    });
    expect(decide(GROUPS, { rev: 2, groups: null }, undefined, sent, 2)).toEqual({
      action: "skip",
      why: "stale",
    });
    expect(decide(GROUPS, { rev: 2, groups: null }, undefined, sent, 3)).toEqual({ action: "add" });
  });

  it("without a base, a difference is a conflict (kept here) unless the table says to keep quietly", () => {
    const d = decide(GROUPS, undefined, rect("open"), rect("done"), 1);
    expect(d).toMatchObject({ action: "keep", conflicts: [{ group: "status", kept: "local" }] });
    expect(decide(GROUPS, undefined, rect("open"), rect("done"), 1, undefined, "keep")).toEqual({
      action: "keep",
      conflicts: [],
    });
  });

  it("a run handed in stays handed in, whichever side finished it", () => {
    const groups = new Map([["status", ["status"]]]);
    const open = { status: "in-progress" };
    const done = { status: "complete" };
    const base = { rev: 1, groups: groupValues(open, groups) };
    expect(decide(groups, base, done, { status: "in-progress" }, 2, runRule)).toMatchObject({
      action: "keep",
    });
    expect(decide(groups, undefined, open, done, 2, runRule)).toMatchObject({
      action: "write",
      values: { status: "complete" },
    });
  });

  it("group values never collide across field boundaries; revisions only go up", () => {
    expect(groupValue({ a: "ab", b: "c" }, ["a", "b"])).not.toBe(groupValue({ a: "a", b: "bc" }, ["a", "b"]));
    expect(groupValue({ a: null }, ["a"])).not.toBe(groupValue({ a: "null" }, ["a"]));
    expect(groupValue({ a: 1 }, ["a"])).not.toBe(groupValue({ a: "1" }, ["a"]));
    expect(nextRev(3, 1)).toBe(4);
    expect(nextRev(3, 9)).toBe(9);
  });
});
