// The bureau's database that import tests merge school files into, made by a factory so that
// the same tests run against every engine: SQLite here; the PostgreSQL conformance helper adds
// a factory that makes a fresh database on LOOKBACK_TEST_PG (see `importTargets`).
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { IMPORTED } from "../../src/import/spec.js";
import type { Engine } from "../../src/store/driver.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";
import { digestBytes, postgresTargets } from "./pg.js";

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

/** A bureau database frozen (closed) for copies to be made of it, cheaply and many times. */
export interface TargetTemplate {
  readonly location: string;
  dispose(): Promise<void>;
}

export interface TargetFactory {
  readonly engine: Engine;
  /** Why this engine cannot be tried here (its tests are then skipped with this), or false. */
  readonly skip: string | false;
  /** A new, empty bureau database, opened for writing. */
  create(): Promise<ImportTarget>;
  /** Close `target` and keep what it holds as a template. */
  freeze(target: ImportTarget): Promise<TargetTemplate>;
  /** A new bureau database holding what `template` holds, opened for writing. */
  copy(template: TargetTemplate): Promise<ImportTarget>;
}

/** Every table import writes, each with the key that orders its dump. */
export const DUMPED: readonly (readonly [table: string, order: string])[] = [
  ...IMPORTED.map(
    (t) =>
      [
        t.table,
        t.table === "checklist_snapshots" || t.table === "evidence_contents" ? "hash" : "id",
      ] as const,
  ),
  ["evidence_chunks", "hash, seq"],
  ["merge_base", "source, tbl, record_id"],
  ["merge_conflicts", "id"],
  ["unit_merges", "id"],
];

function dumpSqlite(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const [table, order] of DUMPED)
      out[table] = (
        db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[]
      ).map(digestBytes);
    return out;
  } finally {
    db.close();
  }
}

/** SQLite files in a folder of the factory's (removed with the process's temporary files). */
export function sqliteTargets(): TargetFactory {
  let folder: string | undefined;
  let n = 0;
  const fresh = () => {
    folder ??= mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "lookback-target-"));
    return path.join(folder, `county-${n++}.db`);
  };
  const remove = (file: string) => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
  };
  const open = async (file: string): Promise<ImportTarget> => {
    const store = await openStore(file, { intent: "write" });
    return {
      engine: "sqlite",
      location: file,
      store,
      dump: async () => dumpSqlite(file),
      dispose: async () => {
        await store.close();
        remove(file);
      },
    };
  };
  return {
    engine: "sqlite",
    skip: false,
    create: () => open(fresh()),
    async freeze(target) {
      await target.store.close();
      // Closing the last connection folded the WAL into the file: the file alone is the database.
      return { location: target.location, dispose: async () => remove(target.location) };
    },
    async copy(template) {
      const file = fresh();
      copyFileSync(template.location, file);
      return open(file);
    },
  };
}

/**
 * PostgreSQL (test/helpers/pg.ts: a schema per target in one database per test file, skipped
 * with the reason without LOOKBACK_TEST_PG). A frozen template stays open: copies are made of
 * its schema.
 */
function postgres(): TargetFactory {
  const pg = postgresTargets(DUMPED);
  return {
    ...pg,
    freeze: async (target) => ({ location: target.location, dispose: () => target.dispose() }),
  };
}

/** The engines import is tried on; call it at the top of a test file (it registers clean-up). */
export function importTargets(): TargetFactory[] {
  return [sqliteTargets(), postgres()];
}
