// The bureau's database that import tests merge school files into, made by a factory so that
// the same tests run against every engine: SQLite here; the PostgreSQL conformance helper adds
// a factory that makes a fresh database on LOOKBACK_TEST_PG (see `importTargets`).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { IMPORTED } from "../../src/import/spec.js";
import type { Engine } from "../../src/store/driver.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";

export interface ImportTarget {
  readonly engine: Engine;
  /** What `--db` says for it (a file, or a URL). */
  readonly location: string;
  readonly store: Store;
  /** Every row of every table import writes, in a fixed order: equal dumps, equal data. */
  dump(): Promise<Record<string, unknown[]>>;
  /** Close the store and remove the database. */
  dispose(): Promise<void>;
}

export interface TargetFactory {
  readonly engine: Engine;
  /** Why this engine cannot be tried here (its tests are then skipped with this), or false. */
  readonly skip: string | false;
  /** A new, empty bureau database, opened for writing. */
  create(): Promise<ImportTarget>;
  /** A new bureau database holding what `template` holds (a copy; the template is kept). */
  copy(template: ImportTarget): Promise<ImportTarget>;
}

/** Every table import writes, each with the key that orders its dump. */
export const DUMPED: readonly (readonly [table: string, order: string])[] = [
  ...IMPORTED.map((t) => [t.table, t.table === "checklist_snapshots" ? "hash" : "id"] as const),
  ["merge_base", "source, tbl, record_id"],
  ["merge_conflicts", "id"],
  ["unit_merges", "id"],
];

function dumpSqlite(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const [table, order] of DUMPED)
      out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
    return out;
  } finally {
    db.close();
  }
}

/** SQLite files in a folder of their own, removed with the last target. */
export function sqliteTargets(): TargetFactory {
  let n = 0;
  const open = async (file: string): Promise<ImportTarget> => {
    const store = await openStore(file, { intent: "write" });
    return {
      engine: "sqlite",
      location: file,
      store,
      dump: async () => dumpSqlite(file),
      dispose: async () => {
        await store.close();
        rmSync(path.dirname(file), { recursive: true, force: true });
      },
    };
  };
  const fresh = () => path.join(mkdtempSync(path.join(os.tmpdir(), "lookback-target-")), `county-${n++}.db`);
  return {
    engine: "sqlite",
    skip: false,
    create: () => open(fresh()),
    async copy(template) {
      const file = fresh();
      // VACUUM INTO: a consistent copy, even with the template's store open (WAL).
      const db = new Database(template.location, { readonly: true });
      try {
        db.prepare("VACUUM INTO ?").run(file);
      } finally {
        db.close();
      }
      return open(file);
    },
  };
}

/**
 * The engines import is tried on. The PostgreSQL conformance helper adds its factory here
 * (skipped with a reason when LOOKBACK_TEST_PG is unset).
 */
export function importTargets(): TargetFactory[] {
  return [sqliteTargets()];
}
