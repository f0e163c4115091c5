import { describe, expect, it } from "vitest";
import type { Rectification, RectificationStatus } from "../store/types.js";
import { allowedMoves, parseStatus, planUpdate, type UpdateRequest } from "./status.js";

const TODAY = "2026-11-27";

function rect(status: RectificationStatus, extra: Partial<Rectification> = {}): Rectification {
  return {
    id: "3f2a9c1e-0000-4000-8000-000000000000",
    runId: "r",
    unitId: "u",
    checklistId: "self-check",
    itemKey: "a.one",
    problem: "p",
    measure: "m",
    owner: "张三",
    leaderInCharge: null,
    department: null,
    deadline: "2026-12-01",
    kind: "deadline",
    origin: "self-check",
    evidence: null,
    status,
    progress: null,
    remark: null,
    closedAt: status === "closed" ? "2026-11-01" : null,
    closedBy: status === "closed" ? "王主任" : null,
    continuedBy: null,
    createdAt: "2026-10-01T00:00:00.000Z",
    updatedAt: "2026-10-01T00:00:00.000Z",
    rev: 1,
    ...extra,
  };
}

const req = (to: RectificationStatus, extra: Partial<UpdateRequest> = {}): UpdateRequest => ({
  to,
  by: null,
  note: null,
  progress: null,
  remark: null,
  ...extra,
});

describe("parseStatus", () => {
  it("accepts codes, Chinese labels and English words", () => {
    expect(parseStatus("open")).toBe("open");
    expect(parseStatus(" In-Progress ")).toBe("in-progress");
    expect(parseStatus("in progress")).toBe("in-progress");
    expect(parseStatus("未整改")).toBe("open");
    expect(parseStatus("整改中")).toBe("in-progress");
    expect(parseStatus("已完成")).toBe("done");
    expect(parseStatus("已销号")).toBe("closed");
    expect(parseStatus("销号")).toBe("closed");
    expect(parseStatus("finished")).toBeUndefined();
    expect(parseStatus("")).toBeUndefined();
  });
});

// Every (from, to) pair: what happens with the minimum an honest clerk would give (a name, a note).
const table: { from: RectificationStatus; to: RectificationStatus; outcome: string }[] = [
  { from: "open", to: "open", outcome: "unchanged" },
  { from: "open", to: "in-progress", outcome: "ok" },
  { from: "open", to: "done", outcome: "ok" },
  { from: "open", to: "closed", outcome: "not-allowed" },
  { from: "in-progress", to: "open", outcome: "needs-note" },
  { from: "in-progress", to: "in-progress", outcome: "unchanged" },
  { from: "in-progress", to: "done", outcome: "ok" },
  { from: "in-progress", to: "closed", outcome: "not-allowed" },
  { from: "done", to: "open", outcome: "not-allowed" },
  { from: "done", to: "in-progress", outcome: "needs-note" },
  { from: "done", to: "done", outcome: "unchanged" },
  { from: "done", to: "closed", outcome: "needs-by" },
  { from: "closed", to: "open", outcome: "not-allowed" },
  { from: "closed", to: "in-progress", outcome: "needs-note" },
  { from: "closed", to: "done", outcome: "not-allowed" },
  { from: "closed", to: "closed", outcome: "unchanged" },
];

describe("planUpdate: every transition", () => {
  it.each(table)("$from → $to without name or note: $outcome", ({ from, to, outcome }) => {
    const plan = planUpdate(rect(from), req(to), TODAY);
    expect(plan.ok ? "ok" : plan.refusal.kind).toBe(outcome);
  });

  it.each(table.filter((r) => r.outcome !== "not-allowed" && !(r.from === "closed" && r.to === "closed")))(
    "$from → $to with a name, a note and progress is allowed",
    ({ from, to }) => {
      const plan = planUpdate(rect(from), req(to, { by: "王主任", note: "复查", progress: "已补齐" }), TODAY);
      expect(plan.ok).toBe(true);
    },
  );

  it("refusals list the statuses that are allowed next", () => {
    const plan = planUpdate(rect("open"), req("closed", { by: "王主任" }), TODAY);
    expect(plan).toEqual({
      ok: false,
      refusal: { kind: "not-allowed", from: "open", to: "closed", allowed: ["in-progress", "done"] },
    });
    expect(allowedMoves("done").map((m) => m.to)).toEqual(["closed", "in-progress"]);
  });

  it("closing (销号) records today and the verifier", () => {
    const plan = planUpdate(rect("done"), req("closed", { by: " 王主任 " }), TODAY);
    expect(plan).toEqual({
      ok: true,
      change: {
        toStatus: "closed",
        by: "王主任",
        note: null,
        patch: { closedAt: TODAY, closedBy: "王主任" },
      },
    });
  });

  it("a blank --by does not count as a verifier", () => {
    const plan = planUpdate(rect("done"), req("closed", { by: "   " }), TODAY);
    expect(plan.ok ? "ok" : plan.refusal.kind).toBe("needs-by");
  });

  it("reopening a closed item clears the closing date and verifier", () => {
    const plan = planUpdate(
      rect("closed"),
      req("in-progress", { note: "复查发现反弹", by: "督导组" }),
      TODAY,
    );
    expect(plan.ok && plan.change.patch).toEqual({ closedAt: null, closedBy: null });
  });

  it("staying in a status with progress records it; a closed item cannot be edited without reopening", () => {
    const plan = planUpdate(rect("in-progress"), req("in-progress", { progress: "完成一半" }), TODAY);
    expect(plan).toEqual({
      ok: true,
      change: { toStatus: "in-progress", by: null, note: null, patch: { progress: "完成一半" } },
    });
    const closed = planUpdate(rect("closed"), req("closed", { note: "补记", by: "王主任" }), TODAY);
    expect(closed.ok ? "ok" : closed.refusal.kind).toBe("unchanged");
  });

  it("progress and remark ride along with a move", () => {
    const plan = planUpdate(
      rect("in-progress"),
      req("done", { progress: "已补齐台账", remark: "见附件" }),
      TODAY,
    );
    expect(plan.ok && plan.change.patch).toEqual({ progress: "已补齐台账", remark: "见附件" });
  });
});
