import { afterEach, describe, expect, it } from "vitest";
import { localToday } from "../util/dates.js";
import { daysBetween, daysOverdue, isDueWithin, isOverdue } from "./overdue.js";

const item = (deadline: string | null, status = "open") => ({ deadline, status });

describe("overdue by the calendar date", () => {
  it("a deadline of today is not overdue; yesterday is, by one day", () => {
    expect(isOverdue(item("2026-11-27"), "2026-11-27")).toBe(false);
    expect(isOverdue(item("2026-11-26"), "2026-11-27")).toBe(true);
    expect(daysOverdue(item("2026-11-26"), "2026-11-27")).toBe(1);
    expect(daysOverdue(item("2026-11-27"), "2026-11-27")).toBeNull();
    expect(daysOverdue(item("2026-10-28", "in-progress"), "2026-11-27")).toBe(30);
  });

  it("done and closed items are never overdue; no deadline is never overdue", () => {
    expect(isOverdue(item("2026-01-01", "done"), "2026-11-27")).toBe(false);
    expect(isOverdue(item("2026-01-01", "closed"), "2026-11-27")).toBe(false);
    expect(isOverdue(item(null), "2026-11-27")).toBe(false);
  });

  it("counts days across month and year ends", () => {
    expect(daysBetween("2026-12-31", "2027-01-01")).toBe(1);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
  });

  it("due within N days: from today to today + N, still to be done, not the late ones", () => {
    const today = "2026-11-27";
    expect(isDueWithin(item("2026-11-27"), 0, today)).toBe(true);
    expect(isDueWithin(item("2026-12-04"), 7, today)).toBe(true);
    expect(isDueWithin(item("2026-12-05"), 7, today)).toBe(false);
    expect(isDueWithin(item("2026-11-26"), 7, today)).toBe(false);
    expect(isDueWithin(item("2026-11-30", "done"), 7, today)).toBe(false);
    expect(isDueWithin(item(null), 7, today)).toBe(false);
  });
});

describe("the day's edges in two time zones", () => {
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  const deadline = item("2026-11-27");

  // Asia/Shanghai is UTC+8: its 27 November runs from 26 Nov 16:00Z to 27 Nov 15:59:59.999Z.
  it.each([
    { tz: "Asia/Shanghai", instant: "2026-11-26T16:00:00.000Z", today: "2026-11-27", overdue: false },
    { tz: "Asia/Shanghai", instant: "2026-11-27T15:59:59.999Z", today: "2026-11-27", overdue: false },
    { tz: "Asia/Shanghai", instant: "2026-11-27T16:00:00.000Z", today: "2026-11-28", overdue: true },
    { tz: "UTC", instant: "2026-11-27T00:00:00.000Z", today: "2026-11-27", overdue: false },
    { tz: "UTC", instant: "2026-11-27T23:59:59.999Z", today: "2026-11-27", overdue: false },
    { tz: "UTC", instant: "2026-11-28T00:00:00.000Z", today: "2026-11-28", overdue: true },
    // The same instant is the 28th in Shanghai and still the 27th in UTC.
    { tz: "UTC", instant: "2026-11-27T16:00:00.000Z", today: "2026-11-27", overdue: false },
  ])(
    "$tz at $instant: today is $today, a deadline of 2026-11-27 overdue: $overdue",
    ({ tz, instant, today, overdue }) => {
      process.env.TZ = tz;
      const local = localToday(new Date(instant));
      expect(local).toBe(today);
      expect(isOverdue(deadline, local)).toBe(overdue);
    },
  );
});
