// The SQLite driver: the embedded default, better-sqlite3 underneath. better-sqlite3 is
// synchronous and has one connection per file; this driver puts an asynchronous face on it
// without giving up anything the file had:
// - opening goes through openDb (../db.ts): a foreign or newer file is refused untouched, then
//   WAL, synchronous FULL, a busy timeout, the migrations under BEGIN IMMEDIATE;
// - one connection, one transaction at a time: an async mutex queues `transaction` callbacks
//   (and single statements on the driver) so that two callbacks that await never interleave
//   their statements in one SQLite transaction;
// - a write transaction is BEGIN IMMEDIATE (the write lock before the first read, so two
//   processes never both read, then both write), a read one BEGIN (one snapshot in WAL);
// - savepoints nest; `iterate` steps a statement, a row at a time;
// - what the machine did (read-only file or folder, full disk, busy past the timeout, I/O
//   error) comes out as a LookbackError with its hint; constraint errors stay SQLite's own,
//   described by `violation`.
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import type Database from "better-sqlite3";
import { usageError } from "../../errors.js";
import { type Db, openDb } from "../db.js";
import type {
  Dialect,
  Driver,
  DriverOpenOptions,
  DriverTx,
  OpenDriver,
  Params,
  SqlRow,
  Violation,
} from "../driver.js";
import { environmentError } from "../environment.js";

type Statement = Database.Statement<unknown[], unknown>;

export const sqliteDialect: Dialect = {
  engine: "sqlite",
  rowOrder: "rowid",
  // BEGIN IMMEDIATE already holds the database's one write lock.
  forUpdate: "",
  // SQLITE_MAX_VARIABLE_NUMBER of the SQLite that better-sqlite3 builds (3.32 and later).
  maxParams: 32_766,
  // One writer at a time holds the lock, so max + 1 is never taken twice.
  nextHistorySeq: "(SELECT coalesce(max(seq), 0) + 1 FROM rectification_history)",
  // ORDER BY inside an aggregate: SQLite 3.44 and later (better-sqlite3 12 builds 3.49 or later).
  jsonArrayAgg: (values, orderBy) =>
    `json_group_array(json_array(${values.join(", ")})${orderBy ? ` ORDER BY ${orderBy}` : ""})`,
};

/**
 * The page cache while evidence pieces pass (cache_size in KiB, as SQLite's own default): a
 * piece of 1 MiB is 256 pages, written or read once; past this SQLite spills them to the WAL.
 */
const SMALL_CACHE = -2000;

/** Prepared statements kept by text; past this many the oldest go (texts made of IN lists vary). */
const STATEMENT_CACHE = 256;

/** A queue of one: each task starts when the one before it has settled. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Opens a lookback SQLite file. intent "read": a missing file is refused (db.missing), one that
 * cannot be written is read read-only; intent "write": a missing file (and its folder) is made,
 * unless mustExist.
 */
export const openSqliteDriver: OpenDriver = async (location: string, opts: DriverOpenOptions) => {
  if ((opts.intent === "read" || opts.mustExist === true) && !existsSync(location)) {
    throw usageError("db.missing", { db: location }, { hintKey: "db.missing.hint" });
  }
  return new SqliteDriver(openDb(location, { intent: opts.intent }), location);
};

export class SqliteDriver implements Driver {
  readonly engine = "sqlite" as const;
  readonly dialect = sqliteDialect;
  private readonly mutex = new Mutex();
  private readonly cache = new Map<string, Statement>();
  /** The transaction the current async flow runs in: a call on the driver from inside it is a bug. */
  private readonly inside = new AsyncLocalStorage<SqliteTx>();
  private savepoints = 0;

  constructor(
    private readonly db: Db,
    readonly location: string,
  ) {}

  /** A statement prepared once per text (the answer path runs the same few for every answer). */
  statement(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (stmt) {
      // Most recently used last, so the oldest is the one dropped.
      this.cache.delete(sql);
    } else {
      stmt = this.guard(() => this.db.prepare(sql));
      if (this.cache.size >= STATEMENT_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(sql, stmt);
    return stmt;
  }

  /** `fn`, with what the machine did turned into the user's message (constraint errors pass). */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw environmentError(e, this.location) ?? e;
    }
  }

  /** Runs `sql` (several statements, no parameters): SAVEPOINT and the like. */
  exec(sql: string): void {
    this.guard(() => this.db.exec(sql));
  }

  /**
   * BEGIN, BEGIN IMMEDIATE and COMMIT, prepared once: run for every answer a person gives, they
   * are not parsed again each time (exec would).
   */
  private control(sql: "BEGIN" | "BEGIN IMMEDIATE" | "COMMIT"): void {
    const stmt = this.statement(sql);
    this.guard(() => stmt.run());
  }

  private outside(what: string): void {
    if (this.inside.getStore()?.open) {
      throw new Error(`${what} called on the driver inside one of its transactions: use the tx passed in`);
    }
  }

  async all<R extends SqlRow = SqlRow>(sql: string, params: Params = []): Promise<R[]> {
    this.outside("all");
    return this.mutex.run(() => allRows<R>(this, sql, params));
  }

  async get<R extends SqlRow = SqlRow>(sql: string, params: Params = []): Promise<R | undefined> {
    this.outside("get");
    return this.mutex.run(() => firstRow<R>(this, sql, params));
  }

  async run(sql: string, params: Params = []): Promise<{ changes: number }> {
    this.outside("run");
    // One statement in autocommit is a transaction of its own; it takes the write lock itself.
    return this.mutex.run(() => runStatement(this, sql, params));
  }

  async *iterate<R extends SqlRow = SqlRow>(sql: string, params: Params = []): AsyncIterable<R> {
    this.outside("iterate");
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Hold the connection for as long as the loop runs (a stepped statement keeps it busy).
    await new Promise<void>((started) => {
      void this.mutex.run(() => {
        started();
        return held;
      });
    });
    try {
      yield* stepRows<R>(this, sql, params);
    } finally {
      release();
    }
  }

  async transaction<T>(mode: "read" | "write", fn: (tx: DriverTx) => Promise<T>): Promise<T> {
    this.outside("transaction");
    return this.mutex.run(async () => {
      this.control(mode === "write" ? "BEGIN IMMEDIATE" : "BEGIN");
      const tx = new SqliteTx(this, mode);
      try {
        const result = await this.inside.run(tx, () => fn(tx));
        tx.close();
        this.control("COMMIT");
        return result;
      } catch (e) {
        tx.close();
        // A failed COMMIT (a full disk) or statement may already have ended the transaction.
        if (this.db.inTransaction) {
          try {
            this.db.exec("ROLLBACK");
          } catch {
            // The error that made the rollback is the one to report; SQLite undoes the rest.
          }
        }
        throw e;
      }
    });
  }

  /** The page cache's size (SQLite's cache_size: negative in KiB, positive in pages); with `set`, set first. */
  cacheSize(set?: number): number {
    if (set !== undefined) this.guard(() => this.db.pragma(`cache_size = ${Math.trunc(set)}`));
    return this.guard(() => this.db.pragma("cache_size", { simple: true })) as number;
  }

  /** A fresh savepoint name (SQLite savepoint names are identifiers; one counter per connection). */
  nextSavepoint(): string {
    this.savepoints += 1;
    return `lookback_sp_${this.savepoints}`;
  }

  /** Runs `fn` with `tx` as the current transaction of this async flow. */
  within<T>(tx: SqliteTx, fn: () => Promise<T>): Promise<T> {
    return this.inside.run(tx, fn);
  }

  violation(e: unknown): Violation | undefined {
    return sqliteViolation(e);
  }

  async close(): Promise<void> {
    await this.mutex.run(() => {
      if (this.db.open) this.db.close();
    });
  }
}

/** A transaction (or savepoint) on the one connection: usable until its callback settles. */
class SqliteTx implements DriverTx {
  open = true;
  /** A savepoint of this tx is running: its statements go through the savepoint's tx. */
  private nested = false;

  constructor(
    private readonly driver: SqliteDriver,
    readonly mode: "read" | "write",
  ) {}

  close(): void {
    this.open = false;
  }

  private check(writes: boolean): void {
    if (!this.open) throw new Error("transaction used after it ended");
    if (this.nested)
      throw new Error("transaction used while one of its savepoints runs: use the savepoint's tx");
    if (writes && this.mode === "read") throw new Error("a read transaction cannot change rows");
  }

  async all<R extends SqlRow = SqlRow>(sql: string, params: Params = []): Promise<R[]> {
    this.check(false);
    return allRows<R>(this.driver, sql, params);
  }

  async get<R extends SqlRow = SqlRow>(sql: string, params: Params = []): Promise<R | undefined> {
    this.check(false);
    return firstRow<R>(this.driver, sql, params);
  }

  async run(sql: string, params: Params = []): Promise<{ changes: number }> {
    this.check(true);
    return runStatement(this.driver, sql, params);
  }

  async *iterate<R extends SqlRow = SqlRow>(sql: string, params: Params = []): AsyncIterable<R> {
    this.check(false);
    yield* stepRows<R>(this.driver, sql, params);
  }

  async smallCache<T>(fn: () => Promise<T>): Promise<T> {
    this.check(false);
    const before = this.driver.cacheSize();
    this.driver.cacheSize(SMALL_CACHE);
    try {
      return await fn();
    } finally {
      this.driver.cacheSize(before);
    }
  }

  async savepoint<T>(fn: (tx: DriverTx) => Promise<T>): Promise<T> {
    this.check(false);
    const name = this.driver.nextSavepoint();
    this.driver.exec(`SAVEPOINT ${name}`);
    const inner = new SqliteTx(this.driver, this.mode);
    this.nested = true;
    try {
      const result = await this.driver.within(inner, () => fn(inner));
      this.driver.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      this.driver.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw e;
    } finally {
      inner.close();
      this.nested = false;
    }
  }
}

const bind = (params: Params): unknown[] => params as unknown[];

function allRows<R>(driver: SqliteDriver, sql: string, params: Params): R[] {
  const stmt = driver.statement(sql);
  // A statement that returns nothing (an UPDATE given to `all`) simply returns no rows.
  if (!stmt.reader) {
    driver.guard(() => stmt.run(...bind(params)));
    return [];
  }
  return driver.guard(() => stmt.all(...bind(params))) as R[];
}

function firstRow<R>(driver: SqliteDriver, sql: string, params: Params): R | undefined {
  const stmt = driver.statement(sql);
  if (!stmt.reader) {
    driver.guard(() => stmt.run(...bind(params)));
    return undefined;
  }
  return driver.guard(() => stmt.get(...bind(params))) as R | undefined;
}

function runStatement(driver: SqliteDriver, sql: string, params: Params): { changes: number } {
  const stmt = driver.statement(sql);
  const info = driver.guard(() => stmt.run(...bind(params)));
  return { changes: info.changes };
}

/** Steps the statement: one row in memory at a time; leaving the loop resets the statement. */
function* stepRows<R>(driver: SqliteDriver, sql: string, params: Params): Generator<R> {
  const stmt = driver.statement(sql);
  const rows = driver.guard(() => stmt.iterate(...bind(params))) as IterableIterator<R>;
  try {
    while (true) {
      const next = driver.guard(() => rows.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    rows.return?.();
  }
}

const CONSTRAINT_KIND: Record<string, Violation["kind"]> = {
  SQLITE_CONSTRAINT_UNIQUE: "unique",
  SQLITE_CONSTRAINT_PRIMARYKEY: "unique",
  SQLITE_CONSTRAINT_FOREIGNKEY: "foreign-key",
  SQLITE_CONSTRAINT_CHECK: "check",
  SQLITE_CONSTRAINT_NOTNULL: "not-null",
};

/**
 * SQLite's constraint error described portably. Its messages name the columns as
 * "table.column, table.column" (UNIQUE, NOT NULL), a CHECK by its text or name, a foreign key by
 * nothing at all.
 */
export function sqliteViolation(e: unknown): Violation | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  const kind = CONSTRAINT_KIND[code];
  if (!kind) return undefined;
  const message = e instanceof Error ? e.message : "";
  const detail = /constraint failed: (.*)$/s.exec(message)?.[1] ?? "";
  if (kind !== "unique" && kind !== "not-null") return { kind, table: null, columns: [] };
  const qualified = detail
    .split(",")
    .map((part) => part.trim())
    .filter((part) => /^[^.\s]+\.[^.\s]+$/.test(part));
  const table = qualified[0]?.split(".")[0] ?? null;
  return { kind, table, columns: qualified.map((part) => part.split(".")[1]!) };
}
