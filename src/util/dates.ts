// Calendar dates (整改时限, 销号日期) are plain YYYY-MM-DD strings in the local calendar of
// the person using lookback: a deadline is a day, not an instant, so it never shifts with
// a time zone.

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Today's date in the machine's local time zone (honours TZ). */
export function localToday(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The local calendar date of an ISO instant, e.g. a stored `closedAt` timestamp. */
export function localDateOf(iso: string): string {
  return localToday(new Date(iso));
}

/**
 * An instant as the local date and minute, the way a clerk reads it: 2026-11-27 14:03. A value
 * that is not an instant (a damaged row) is shown as it is rather than as "NaN".
 */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${localToday(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function isValidDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 9999) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Add whole days to a YYYY-MM-DD date (pure calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

export type DateParse = { ok: true; date: string } | { ok: false; reason: "format" | "invalid" | "past" };

/**
 * Parse a date as a person types it: 2026-12-31, 2026/12/31, 2026.12.31, 20261231,
 * 2026年12月31日, or +30 (30 days from today). With `notBefore`, earlier dates are refused.
 */
export function parseDate(input: string, opts: { today?: string; notBefore?: string } = {}): DateParse {
  const s = input.trim();
  const today = opts.today ?? localToday();
  let date: string | undefined;
  const rel = /^\+(\d{1,4})\s*(?:d|days?|天)?$/i.exec(s);
  if (rel) date = addDays(today, Number(rel[1]));
  else {
    const m =
      /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s) ??
      /^(\d{4})(\d{2})(\d{2})$/.exec(s) ??
      /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$/.exec(s);
    if (!m) return { ok: false, reason: "format" };
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!isValidDate(y, mo, d)) return { ok: false, reason: "invalid" };
    date = `${y}-${pad(mo)}-${pad(d)}`;
  }
  if (opts.notBefore && date < opts.notBefore) return { ok: false, reason: "past" };
  return { ok: true, date };
}
