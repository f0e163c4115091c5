// What tests set that no command does (a run's start time, a row as an older version left it),
// straight into a SQLite store's file through a second connection, between the store's own
// transactions.
import Database from "better-sqlite3";
import type { Store } from "../../src/store/port.js";

export function rawSql(
  store: Pick<Store, "engine" | "location">,
  sql: string,
  params: unknown[] = [],
): number {
  if (store.engine !== "sqlite") throw new Error("rawSql works on a SQLite store's file only");
  const db = new Database(store.location);
  try {
    db.pragma("busy_timeout = 5000");
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

/** Rows of a query on a database file, read-only: what an end-to-end test checks the CLI left. */
export function rawAll<R = Record<string, unknown>>(file: string, sql: string, params: unknown[] = []): R[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as R[];
  } finally {
    db.close();
  }
}
