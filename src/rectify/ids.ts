// Short ids a person can type: the first 8 characters of the UUID, longer only where two
// rectifications share those 8 (a province's database can hold enough for that to happen).

import type { StoreReads } from "../store/port.js";
import type { Rectification } from "../store/types.js";

export const SHORT_ID_LENGTH = 8;

/** The shortest prefix (at least `min` chars) of each id that no other id shares. */
export function uniquePrefixes(ids: readonly string[], min = SHORT_ID_LENGTH): Map<string, string> {
  const sorted = [...new Set(ids)].sort();
  const common = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  const out = new Map<string, string>();
  sorted.forEach((id, i) => {
    const prev = i > 0 ? common(id, sorted[i - 1] ?? "") : 0;
    const next = i < sorted.length - 1 ? common(id, sorted[i + 1] ?? "") : 0;
    out.set(id, id.slice(0, Math.max(min, Math.max(prev, next) + 1)));
  });
  return out;
}

export type IdLookup =
  | { kind: "found"; rectification: Rectification }
  | { kind: "unknown"; input: string }
  | { kind: "ambiguous"; input: string; candidates: Rectification[] };

/** Resolve a full id or a unique prefix; dashes and case are forgiven. */
export async function lookupRectification(store: StoreReads, input: string): Promise<IdLookup> {
  const needle = input.trim().toLowerCase();
  if (needle === "" || !/^[0-9a-f-]+$/.test(needle)) return { kind: "unknown", input };
  const exact = await store.getRectification(needle);
  if (exact) return { kind: "found", rectification: exact };
  const found = await store.findRectifications(needle);
  if (found.length === 1 && found[0]) return { kind: "found", rectification: found[0] };
  if (found.length === 0) return { kind: "unknown", input };
  return { kind: "ambiguous", input, candidates: found };
}
