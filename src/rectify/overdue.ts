// Deadlines by the local calendar (整改时限): every function takes `today` as a YYYY-MM-DD
// string, computed once by the caller with localToday(), so that the answer never depends on
// the hour or on when in a run the check happens.
import { addDays } from "../util/dates.js";

interface Dated {
  deadline: string | null;
  status: string;
}

/** Overdue (逾期): the deadline has passed and the item is not done or closed. A deadline of today is not overdue. */
export function isOverdue(r: { deadline: string | null; status: string }, today: string): boolean {
  return r.deadline !== null && r.deadline < today && r.status !== "done" && r.status !== "closed";
}

// The day number of each date seen: a province's list asks about tens of thousands of rows
// with a few hundred deadlines between them (parsing each time was 5% of the list's time).
const dayNumbers = new Map<string, number>();

function dayNumber(d: string): number {
  let n = dayNumbers.get(d);
  if (n === undefined) {
    const [y, m, day] = d.split("-").map(Number) as [number, number, number];
    n = Math.round(Date.UTC(y, m - 1, day) / 86_400_000);
    if (dayNumbers.size >= 10_000) dayNumbers.clear();
    dayNumbers.set(d, n);
  }
  return n;
}

/** Whole calendar days between two YYYY-MM-DD dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** Days past the deadline for an overdue item (a deadline of yesterday is 1 day late), else null. */
export function daysOverdue(r: Dated, today: string): number | null {
  return isOverdue(r, today) && r.deadline !== null ? daysBetween(r.deadline, today) : null;
}

/**
 * Due within `days` (临近时限): still to be done, deadline from today up to today + days.
 * Items already overdue are not "due"; `--overdue` lists those.
 */
export function isDueWithin(r: Dated, days: number, today: string): boolean {
  if (r.deadline === null || r.status === "done" || r.status === "closed") return false;
  return r.deadline >= today && r.deadline <= addDays(today, days);
}
