// Opening the SQLite file: refuse foreign or newer files untouched, then WAL, foreign
// keys, a busy timeout, and forward migrations by PRAGMA user_version.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { LookbackError } from "../errors.js";
import { t } from "../i18n/index.js";
import { migrations } from "./migrations.js";

export type Db = Database.Database;

/** "LKBK": marks a file as a lookback database, so a foreign SQLite file is never altered. */
export const APPLICATION_ID = 0x4c4b424b;
export const SCHEMA_VERSION = migrations.length;

export interface OpenOptions {
  /** Open without creating or migrating (import reads other schools' files this way). */
  readonly?: boolean;
  /** Refuse a missing file instead of creating it. */
  mustExist?: boolean;
}

function storeError(
  key: Parameters<typeof t>[0],
  file: string,
  extra: Record<string, string | number> = {},
  cause?: unknown,
) {
  return new LookbackError(key, t(key, { file, ...extra }), {
    exitCode: 2,
    hint: t(`${key}.hint` as Parameters<typeof t>[0], { file, ...extra }),
    cause,
  });
}

/** Read the identity of an open database without writing to it. */
export function inspect(db: Db): { applicationId: number; userVersion: number; tables: number } {
  return {
    applicationId: db.pragma("application_id", { simple: true }) as number,
    userVersion: db.pragma("user_version", { simple: true }) as number,
    tables: (
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    ).n,
  };
}

/** Throws a LookbackError unless `db` is a lookback database this version can read. */
export function checkIdentity(db: Db, file: string): { fresh: boolean; userVersion: number } {
  let id: ReturnType<typeof inspect>;
  try {
    id = inspect(db);
  } catch (e) {
    throw storeError("store.notSqlite", file, {}, e);
  }
  if (id.tables === 0 && id.applicationId === 0) return { fresh: true, userVersion: 0 };
  if (id.applicationId !== APPLICATION_ID) throw storeError("store.foreign", file);
  if (id.userVersion > SCHEMA_VERSION) {
    throw storeError("store.newer", file, { theirs: id.userVersion, ours: SCHEMA_VERSION });
  }
  return { fresh: false, userVersion: id.userVersion };
}

export function openDb(file: string, opts: OpenOptions = {}): Db {
  if ((opts.mustExist || opts.readonly) && !existsSync(file)) {
    throw new LookbackError("error.pathMissing", t("error.pathMissing", { path: file, cwd: process.cwd() }), {
      exitCode: 2,
      hint: t("error.pathMissing.hint", { cwd: process.cwd() }),
    });
  }
  if (!opts.readonly) mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, {
      readonly: opts.readonly ?? false,
      fileMustExist: opts.mustExist ?? opts.readonly ?? false,
    });
  } catch (e) {
    throw storeError("store.cannotOpen", file, { message: (e as Error).message }, e);
  }
  try {
    const { userVersion } = checkIdentity(db, file);
    db.pragma("busy_timeout = 10000");
    if (opts.readonly) return db;
    db.pragma("journal_mode = WAL");
    // FULL: an answer acknowledged on screen survives a power cut, not only a killed process.
    db.pragma("synchronous = FULL");
    // Migrations run with foreign keys off: rebuilding a table must not cascade to the rows that
    // point at it. migrate() checks the keys itself before it commits.
    db.pragma("foreign_keys = OFF");
    migrate(db, userVersion);
    db.pragma("foreign_keys = ON");
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Db, from: number): void {
  if (from >= SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const current = db.pragma("user_version", { simple: true }) as number;
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(migrations[v]!);
    const broken = db.pragma("foreign_key_check") as unknown[];
    if (current < SCHEMA_VERSION && broken.length > 0) {
      throw new Error(`migration to version ${SCHEMA_VERSION} left ${broken.length} broken references`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
