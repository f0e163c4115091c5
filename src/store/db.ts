// Opening the SQLite file: refuse foreign or newer files untouched, then WAL, foreign
// keys, a busy timeout, and forward migrations by PRAGMA user_version.
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { LookbackError } from "../errors.js";
import { t } from "../i18n/index.js";
import { nearGroupOf, unitKey } from "../units/identity.js";
import { assertWritable, busyTimeoutMs, environmentError } from "./environment.js";
import { migrations } from "./migrations.js";

export type Db = Database.Database;

/** "LKBK": marks a file as a lookback database, so a foreign SQLite file is never altered. */
export const APPLICATION_ID = 0x4c4b424b;
export const SCHEMA_VERSION = migrations.length;
/** The page cache of a reading connection, in KiB (negative: SQLite's unit for a size in KiB). */
export const READ_CACHE_KIB = -2000;

export interface OpenOptions {
  /** Open without creating or migrating (the tests read a finished database this way). */
  readonly?: boolean;
  /** Refuse a missing file instead of creating it. */
  mustExist?: boolean;
  /**
   * "read": the command only reads, so a database it may not write (a read-only file or share)
   * is opened read-only rather than refused. Default "write": refused at once, before any prompt.
   */
  intent?: "read" | "write";
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
  // One statement, so one consistent read: another process creating the database may commit
  // between two separate reads.
  const row = db
    .prepare(
      `SELECT (SELECT application_id FROM pragma_application_id) AS applicationId,
              (SELECT user_version FROM pragma_user_version) AS userVersion,
              (SELECT count(*) FROM sqlite_master WHERE type = 'table') AS tables`,
    )
    .get() as { applicationId: number; userVersion: number; tables: number };
  return row;
}

/** Throws a LookbackError unless `db` is a lookback database this version can read. */
export function checkIdentity(db: Db, file: string): { fresh: boolean; userVersion: number } {
  let id: ReturnType<typeof inspect>;
  try {
    id = inspect(db);
  } catch (e) {
    throw environmentError(e, file) ?? storeError("store.notSqlite", file, {}, e);
  }
  if (id.tables === 0 && id.applicationId === 0) return { fresh: true, userVersion: 0 };
  if (id.applicationId !== APPLICATION_ID) throw storeError("store.foreign", file);
  if (id.userVersion > SCHEMA_VERSION) {
    throw storeError("store.newer", file, { theirs: id.userVersion, ours: SCHEMA_VERSION });
  }
  return { fresh: false, userVersion: id.userVersion };
}

/** A path that exists but is a folder, device or pipe is never opened (a FIFO would block). */
function refuseNonRegular(file: string): void {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(file);
  } catch {
    return;
  }
  if (st.isFile()) return;
  const kind = st.isDirectory() ? "directory" : st.isFIFO() ? "fifo" : st.isSocket() ? "socket" : "device";
  throw new LookbackError(
    "store.notRegular",
    t("store.notRegular", { file, kind: t(`input.kind.${kind}`) }),
    {
      exitCode: 2,
      hint: t("store.notRegular.hint"),
    },
  );
}

export function openDb(file: string, opts: OpenOptions = {}): Db {
  if ((opts.mustExist || opts.readonly) && !existsSync(file)) {
    throw new LookbackError("error.pathMissing", t("error.pathMissing", { path: file, cwd: process.cwd() }), {
      exitCode: 2,
      hint: t("error.pathMissing.hint", { cwd: process.cwd() }),
    });
  }
  refuseNonRegular(file);
  let readonly = opts.readonly ?? false;
  if (!readonly) {
    try {
      assertWritable(file);
    } catch (e) {
      // Reading commands still read a database they may not write.
      if (opts.intent !== "read" || !existsSync(file)) throw e;
      readonly = true;
    }
  }
  if (!readonly) mkdirSync(path.dirname(file), { recursive: true });
  // Two processes creating the same new file at once can deadlock on its first locks, before it
  // is in WAL mode; SQLite then answers SQLITE_BUSY at once rather than wait. Nothing has changed
  // when that happens (a migration is one transaction), so opening starts again, within the
  // busy timeout.
  const deadline = Date.now() + busyTimeoutMs();
  for (;;) {
    const db = connect(file, readonly, opts);
    try {
      return setUp(db, file, readonly, opts);
    } catch (e) {
      db.close();
      if (isBusy(e) && Date.now() < deadline) {
        pause(20 + Math.random() * 80);
        continue;
      }
      throw environmentError(e, file) ?? e;
    }
  }
}

const isBusy = (e: unknown) => String((e as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY");

/** Waits `ms` milliseconds (opening is synchronous). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function connect(file: string, readonly: boolean, opts: OpenOptions): Db {
  try {
    return new Database(file, { readonly, fileMustExist: opts.mustExist ?? readonly });
  } catch (e) {
    throw (
      environmentError(e, file) ?? storeError("store.cannotOpen", file, { message: (e as Error).message }, e)
    );
  }
}

function setUp(db: Db, file: string, readonly: boolean, opts: OpenOptions): Db {
  // Before the first read: another process may be creating or migrating the same file.
  db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
  // A command that only reads streams its rows once: a page cache of 2 MB (SQLite's default is
  // 16 MB) costs it no time, and a province's database would otherwise fill the 16 MB.
  if (readonly || opts.intent === "read") db.pragma(`cache_size = ${READ_CACHE_KIB}`);
  const { userVersion } = checkIdentity(db, file);
  if (readonly) {
    if (!opts.readonly && userVersion < SCHEMA_VERSION) throw storeError("store.readonlyOld", file);
    return db;
  }
  db.pragma("journal_mode = WAL");
  // FULL: an answer acknowledged on screen survives a power cut, not only a killed process.
  db.pragma("synchronous = FULL");
  // Migrations run with foreign keys off: rebuilding a table must not cascade to the rows that
  // point at it. migrate() checks the keys itself before it commits.
  db.pragma("foreign_keys = OFF");
  migrate(db, userVersion);
  db.pragma("foreign_keys = ON");
  fillUnitKeys(db);
  return db;
}

/**
 * The comparison key and near group of units stored before they existed (migrations are SQL;
 * the folding is not).
 */
function fillUnitKeys(db: Db): void {
  const missing = db
    .prepare("SELECT id, name, name_key FROM units WHERE name_key IS NULL OR near_group IS NULL")
    .all() as { id: string; name: string; name_key: string | null }[];
  if (missing.length === 0) return;
  const set = db.prepare("UPDATE units SET name_key = ?, near_group = ? WHERE id = ?");
  db.transaction(() => {
    for (const u of missing) {
      const key = u.name_key ?? unitKey(u.name);
      set.run(key, nearGroupOf(key), u.id);
    }
  }).immediate();
}

/** This database's own id (see the meta table), given to every database that imports it. */
export function databaseId(db: Db): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'db_id'").get() as { value: string } | undefined;
  if (!row) throw new Error("database has no id");
  return row.value;
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
