// What each query module of the SQL store is handed: the transaction it runs in, the engine's
// few dialect differences, and the engine's reading of a broken constraint.
import type { Dialect, DriverTx, Violation } from "../driver.js";

export interface Sql {
  readonly tx: DriverTx;
  readonly dialect: Dialect;
  violation(e: unknown): Violation | undefined;
}

/**
 * `WHERE a = ? AND b = ?` for the columns whose value is given (undefined ones left out, so
 * that the indexes serve the query: `x IS NULL OR …` defeats them), then `extra` conditions.
 */
export function whereEqual(
  pairs: readonly (readonly [column: string, value: string | undefined])[],
  extra: readonly (string | false)[] = [],
): { where: string; params: string[] } {
  const given = pairs.filter((p): p is readonly [string, string] => p[1] !== undefined);
  const conditions = [...given.map(([c]) => `${c} = ?`), ...extra.filter((c): c is string => c !== false)];
  return {
    where: conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`,
    params: given.map(([, v]) => v),
  };
}

/** `?, ?, ?` for n parameters. */
export const marks = (n: number): string => Array.from({ length: n }, () => "?").join(", ");

/** `items` in slices that fit one statement, at `perItem` parameters each. */
export function* chunks<T>(
  items: readonly T[],
  perItem: number,
  dialect: Dialect,
  cap = 500,
): Generator<T[]> {
  const size = Math.max(1, Math.min(cap, Math.floor(dialect.maxParams / perItem)));
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
