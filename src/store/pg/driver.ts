// The PostgreSQL driver (node-postgres underneath, loaded only when a postgres:// URL is used).
//
// Transactions: a pooled client per transaction. A write runs SERIALIZABLE, and is run again
// (the contract allows it) when the server reports a serialization failure or a deadlock: every
// write then behaves as if it had the database to itself, which is what SQLite's BEGIN IMMEDIATE
// gives the same SQL store, so rules that the store checks by reading (a look-alike unit name,
// the rectification an answer continues, the next history number) hold without a lock of their
// own, and a change decided on an old revision is re-read and refused as on SQLite. Its reads of
// rows it will change end with `dialect.forUpdate`, so that a second writer waits at once rather
// than doing the work twice. Retries stop after the busy timeout (LOOKBACK_BUSY_TIMEOUT), with
// the same message as a lock held too long. A read runs REPEATABLE READ READ ONLY: one snapshot.
//
// Streaming: `iterate` reads through a cursor (pg-cursor), a batch of rows at a time.
// Values: bigint and numeric results (count(), sum(), BIGINT columns) come back as numbers and
// booleans as 1/0, as SQLite returns them.
import type { CustomTypesConfig, Pool, PoolClient, PoolConfig } from "pg";
import type CursorClass from "pg-cursor";
import { awaitedLater } from "../../util/read-ahead.js";
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
import { busyTimeoutMs } from "../environment.js";
import { describePostgres, partsOfUrl } from "../location.js";
import { ConnectionSettingError, type PgTarget, resolvePgTarget, type TlsOptions } from "./connection.js";
import { isRetryable, machineError, PasswordNeeded, pgError, settingError } from "./errors.js";
import { numberPlaceholders } from "./placeholders.js";
import { prepareSchema } from "./schema.js";
import { isStalePlan, statementFor } from "./statements.js";

type PgLib = typeof import("pg");
type Cursor = typeof CursorClass;

/** Rows read per round trip by `iterate`. */
const BATCH = 500;
/** Connections one process keeps: a command uses one or two; the concurrency tests a few more. */
const POOL_SIZE = 10;

export const pgDialect: Dialect = {
  engine: "postgres",
  rowOrder: "row_order",
  forUpdate: " FOR UPDATE",
  // The protocol allows 65,535; statements stay well below it.
  maxParams: 30_000,
  // A sequence (migrations-pg.ts): two writers at once never take the same number.
  nextHistorySeq: "nextval('rectification_history_seq')",
  // As text: the driver would otherwise parse json into objects, and the store reads it itself.
  jsonArrayAgg: (values, orderBy) =>
    `json_agg(json_build_array(${values.join(", ")})${orderBy ? ` ORDER BY ${orderBy}` : ""})::text`,
};

async function loadPg(): Promise<{ pg: PgLib; Cursor: Cursor }> {
  const [pg, cursor] = await Promise.all([import("pg"), import("pg-cursor")]);
  return {
    // CommonJS packages: their exports are the default export, however they are bundled.
    pg: ((pg as unknown as { default?: PgLib }).default ?? pg) as PgLib,
    Cursor: ((cursor as unknown as { default?: Cursor }).default ?? cursor) as Cursor,
  };
}

/** Integers as numbers (counts, BIGINT ids, sums) and booleans as 1/0, like SQLite. */
function typesOf(pg: PgLib): CustomTypesConfig {
  const toNumber = (v: string) => Number(v);
  const special: Record<number, (v: string) => unknown> = {
    20: toNumber, // int8
    1700: toNumber, // numeric (sum of bigint)
    16: (v) => (v === "t" ? 1 : 0), // bool
  };
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      (format ?? "text") === "text" && special[oid]
        ? special[oid]
        : pg.types.getTypeParser(oid, format ?? "text")) as CustomTypesConfig["getTypeParser"],
  };
}

function poolConfig(target: PgTarget, tls: TlsOptions, types: CustomTypesConfig): PoolConfig {
  const password = target.password;
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // Asked for only when the server wants one; a missing one gets its own message.
    password: async () => {
      if (password === undefined) throw new PasswordNeeded();
      return password;
    },
    ssl: tls,
    connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
    application_name: target.applicationName,
    ...(target.options !== undefined ? { options: target.options } : {}),
    // A write that waits for another's row lock gives up as a SQLite write does.
    lock_timeout: busyTimeoutMs(),
    max: POOL_SIZE,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    types,
  };
}

/** A pool whose first connection worked, trying the TLS fallback of sslmode prefer / allow. */
async function connectPool(pg: PgLib, target: PgTarget, types: CustomTypesConfig): Promise<Pool> {
  const attempt = async (tls: TlsOptions): Promise<Pool> => {
    const pool = new pg.Pool(poolConfig(target, tls, types));
    // An idle connection the server closes must not bring the process down; the next
    // statement on the pool reconnects or reports it.
    pool.on("error", () => {});
    try {
      const client = await pool.connect();
      client.release();
      return pool;
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
  };
  try {
    return await attempt(target.tls);
  } catch (e) {
    if (target.fallbackTls === undefined || !fallsBack(e, target)) throw pgError(e, target);
    try {
      return await attempt(target.fallbackTls);
    } catch (e2) {
      throw pgError(e2, target);
    }
  }
}

/** prefer: the server offers no TLS; allow: the server wants TLS (pg_hba hostssl). */
function fallsBack(e: unknown, target: PgTarget): boolean {
  const err = e as { message?: unknown; code?: unknown };
  const message = typeof err.message === "string" ? err.message : "";
  if (target.sslMode === "prefer") return /does not support SSL/i.test(message);
  return err.code === "28000" || /no encryption|SSL/i.test(message);
}

export const openPostgresDriver: OpenDriver = async (
  location: string,
  opts: DriverOpenOptions,
): Promise<Driver> => {
  let target: PgTarget;
  try {
    target = resolvePgTarget(location);
  } catch (e) {
    const shown = describePostgres(partsOfUrl(location));
    if (e instanceof ConnectionSettingError) throw settingError(e, shown);
    throw e;
  }
  const { pg, Cursor } = await loadPg();
  const types = typesOf(pg);
  const pool = await connectPool(pg, target, types);
  const driver = new PgDriver(pool, Cursor, types, target);
  try {
    await prepareSchema(driver, opts);
  } catch (e) {
    await driver.close();
    throw e;
  }
  return driver;
};

/** The SQLSTATE of a refused statement that a person may meet as a broken rule of the data. */
const VIOLATION: Record<string, Violation["kind"]> = {
  "23505": "unique",
  "23503": "foreign-key",
  "23514": "check",
  "23502": "not-null",
};

export class PgDriver implements Driver {
  readonly engine = "postgres";
  readonly dialect = pgDialect;
  readonly location: string;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    readonly Cursor: Cursor,
    readonly types: CustomTypesConfig,
    readonly target: PgTarget,
  ) {
    this.location = target.display;
  }

  /** What a person is told when the machine failed; undefined for a refused statement. */
  machineError(e: unknown) {
    return machineError(e, this.target);
  }

  /** A client of the pool, with the failure to get one in words. */
  async checkout(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw pgError(e, this.target);
    }
  }

  async all<R extends SqlRow = SqlRow>(sql: string, params?: Params): Promise<R[]> {
    const { text, count } = numberPlaceholders(sql);
    checkParams(sql, count, params);
    try {
      return (await this.pool.query<R>(text, params as unknown[] | undefined)).rows;
    } catch (e) {
      throw this.machineError(e) ?? e;
    }
  }

  async get<R extends SqlRow = SqlRow>(sql: string, params?: Params): Promise<R | undefined> {
    return (await this.all<R>(sql, params))[0];
  }

  async *iterate<R extends SqlRow = SqlRow>(sql: string, params?: Params): AsyncIterable<R> {
    const client = await this.checkout();
    const tx = new PgTx(this, client, "read");
    let failed: unknown;
    try {
      await tx.exec(BEGIN.snapshot);
      yield* tx.iterate<R>(sql, params);
      await tx.exec("COMMIT");
    } catch (e) {
      failed = e;
      throw e;
    } finally {
      // Breaking out of the loop ends here too: the snapshot is let go.
      if (failed !== undefined || tx.open) await tx.abandon(failed);
      tx.release();
    }
  }

  async run(sql: string, params?: Params): Promise<{ changes: number }> {
    return this.transaction("write", (tx) => tx.run(sql, params));
  }

  async transaction<T>(mode: "read" | "write", fn: (tx: DriverTx) => Promise<T>): Promise<T> {
    const began = Date.now();
    let uniqueReruns = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(mode === "write" ? "serializable" : "snapshot", mode, fn);
      } catch (e) {
        // A unique key that a writer committed after this one's snapshot (two read "no such
        // row", both insert) is refused as a duplicate, not as a serialization failure, when the
        // read went through another index: run again, the rerun sees the row and takes the
        // other path. A real duplicate fails the same way twice more, then is passed on.
        const raced = (e as { code?: unknown }).code === "23505" && uniqueReruns++ < 2;
        // A read is not run again (what it handed out may already be printed): a failure worth
        // a rerun is told as what it is.
        if (mode !== "write") throw this.machineError(e) ?? e;
        if (!(isRetryable(e) || raced)) throw e;
        if (Date.now() - began > busyTimeoutMs()) throw pgError({ code: "55P03" }, this.target);
        // Each loser waits a little longer, at random, so that they do not collide again.
        await sleep(Math.random() * 10 * Math.min(attempt, 20));
      }
    }
  }

  /**
   * One attempt of a transaction. "committed" (READ COMMITTED) is for the schema's migration,
   * whose statements must each see what another process committed while it waited for the lock.
   */
  async once<T>(
    isolation: "serializable" | "snapshot" | "committed",
    mode: "read" | "write",
    fn: (tx: DriverTx) => Promise<T>,
  ): Promise<T> {
    const client = await this.checkout();
    const tx = new PgTx(this, client, mode);
    try {
      await tx.exec(BEGIN[isolation]);
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (e) {
      await tx.abandon(e);
      // After a serialization failure, whatever the callback made of it, the attempt is void.
      throw tx.retryCause ?? e;
    } finally {
      tx.release();
    }
  }

  violation(e: unknown): Violation | undefined {
    const err = e as { code?: unknown; table?: unknown; column?: unknown; detail?: unknown };
    const kind = typeof err.code === "string" ? VIOLATION[err.code] : undefined;
    if (!kind) return undefined;
    const table = typeof err.table === "string" ? err.table : null;
    let columns: string[] = [];
    if (kind === "not-null" && typeof err.column === "string") columns = [err.column];
    else if (typeof err.detail === "string") {
      // "Key (unit_id, checklist_id)=(…) already exists." / "… is not present in table …"
      const m = /^Key \(([^)]*)\)=/.exec(err.detail);
      if (m?.[1]) columns = m[1].split(", ").map((c) => c.replace(/^"(.*)"$/, "$1"));
    }
    return { kind, table, columns };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end().catch(() => {});
  }
}

// No JIT compilation: lookback's statements take milliseconds to a few hundred, and the server
// compiles one it guesses costly in 50-100 ms each time (60 of the 180 ms of a province's
// overdue list, measured). SET LOCAL ends with the transaction: nothing is left on a pooled
// connection (a transaction-pooling PgBouncer included), and it costs no round trip of its own.
const NO_JIT = "; SET LOCAL jit = off";
const BEGIN = {
  serializable: `BEGIN ISOLATION LEVEL SERIALIZABLE${NO_JIT}`,
  snapshot: `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY${NO_JIT}`,
  committed: `BEGIN ISOLATION LEVEL READ COMMITTED${NO_JIT}`,
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function checkParams(sql: string, count: number, params: Params | undefined): void {
  const given = params?.length ?? 0;
  if (given !== count)
    throw new Error(`statement takes ${count} parameters, ${given} given: ${sql.slice(0, 200)}`);
}

/**
 * One transaction on one client. A statement that fails outside a savepoint leaves the
 * transaction refusing every further one: it is remembered, and the transaction never commits
 * (COMMIT of a failed transaction would roll back without an error). A serialization failure
 * anywhere, even one a caller caught inside a savepoint, makes the whole transaction run again.
 */
class PgTx implements DriverTx {
  /** Savepoints open. */
  private depth = 0;
  /** An iteration open on this client: no other statement may be sent meanwhile. */
  private iterating = false;
  /** The first statement failure outside a savepoint: the transaction can only roll back. */
  private failed: unknown;
  /** A retryable failure seen anywhere: the transaction must run again. */
  private retry: unknown;
  get retryCause(): unknown {
    return this.retry;
  }
  /** The connection broke: it is thrown away, not returned to the pool. */
  private broken: unknown;
  open = false;
  private readonly onError = (e: unknown) => {
    this.broken ??= e;
  };

  constructor(
    private readonly driver: PgDriver,
    private readonly client: PoolClient,
    readonly mode: "read" | "write",
  ) {
    // A connection that dies while the callback works must not crash the process.
    client.on("error", this.onError);
  }

  /** A statement of the driver's own (no parameters; may hold several statements). */
  async exec(text: string): Promise<void> {
    // Open from before it is sent: a BEGIN sent with another statement (SET LOCAL) may begin
    // and then fail, and the transaction must still be rolled back, not handed back to the pool.
    if (/^BEGIN/.test(text)) this.open = true;
    await this.send(() => this.client.query(text));
    if (text === "COMMIT" || text === "ROLLBACK") this.open = false;
  }

  private async send<T>(fn: () => Promise<T>): Promise<T> {
    if (this.iterating)
      throw new Error("a statement was sent while an iteration was open on the same transaction");
    try {
      return await fn();
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** Records a statement's failure and returns what to throw. */
  private failure(e: unknown): unknown {
    if (isRetryable(e)) this.retry ??= e;
    // Its prepared statements are stale: the connection is closed, a write runs on a new one.
    if (isStalePlan(e)) this.broken ??= e;
    if (this.depth === 0) this.failed ??= e;
    // The server's refusals carry a severity; anything else broke the connection itself.
    if (typeof (e as { severity?: unknown }).severity !== "string") this.broken ??= e;
    return this.driver.machineError(e) ?? e;
  }

  async all<R extends SqlRow = SqlRow>(sql: string, params?: Params): Promise<R[]> {
    const { text, count } = numberPlaceholders(sql);
    checkParams(sql, count, params);
    return (await this.send(() => this.query<R>(text, params))).rows;
  }

  /** One statement, prepared under a name once this connection has sent it before. */
  private query<R extends SqlRow>(text: string, params: Params | undefined) {
    const values = params as unknown[] | undefined;
    const statement = statementFor(this.client, text, values);
    return typeof statement === "string"
      ? this.client.query<R>(statement, values)
      : this.client.query<R>(statement);
  }

  async get<R extends SqlRow = SqlRow>(sql: string, params?: Params): Promise<R | undefined> {
    return (await this.all<R>(sql, params))[0];
  }

  async run(sql: string, params?: Params): Promise<{ changes: number }> {
    const { text, count } = numberPlaceholders(sql);
    checkParams(sql, count, params);
    const result = await this.send(() => this.query(text, params));
    return { changes: result.rowCount ?? 0 };
  }

  async *iterate<R extends SqlRow = SqlRow>(sql: string, params?: Params): AsyncIterable<R> {
    const { text, count } = numberPlaceholders(sql);
    checkParams(sql, count, params);
    const cursor = await this.send(async () =>
      this.client.query(
        new this.driver.Cursor<R>(text, params as unknown[] | undefined, { types: this.driver.types }),
      ),
    );
    this.iterating = true;
    // One batch read ahead: the server sends the next while this one is worked through (each
    // read waiting for the last to be used up cost a round trip a batch: 30 in a province's
    // overdue list). Two batches at most are held.
    let ahead: Promise<R[]> | undefined = awaitedLater(cursor.read(BATCH));
    try {
      while (ahead) {
        let rows: R[];
        try {
          rows = await ahead;
        } catch (e) {
          ahead = undefined;
          throw this.failure(e);
        }
        ahead = rows.length < BATCH ? undefined : awaitedLater(cursor.read(BATCH));
        for (const row of rows) yield row;
      }
    } finally {
      // A loop left early: the read under way ends before the cursor is closed, and its failure
      // is the transaction's (aborted on the server: it must not commit, and may have to rerun).
      if (ahead)
        await ahead.catch((e: unknown) => {
          this.failure(e);
        });
      this.iterating = false;
      await cursor.close().catch(() => {});
    }
  }

  async savepoint<T>(fn: (tx: DriverTx) => Promise<T>): Promise<T> {
    const name = `lookback_${this.depth + 1}`;
    await this.exec(`SAVEPOINT ${name}`);
    this.depth++;
    let result: T;
    try {
      result = await fn(this);
    } catch (e) {
      this.depth--;
      // Back to where the savepoint began; the transaction goes on (unless it must rerun).
      if (this.broken === undefined) {
        await this.exec(`ROLLBACK TO SAVEPOINT ${name}`);
        await this.exec(`RELEASE SAVEPOINT ${name}`);
      }
      throw e;
    }
    this.depth--;
    await this.exec(`RELEASE SAVEPOINT ${name}`);
    return result;
  }

  smallCache<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async commit(): Promise<void> {
    if (this.iterating) throw new Error("a transaction ended with an iteration still open");
    // A failure the callback caught: what it returned rests on statements that were not kept.
    if (this.retry !== undefined) throw this.retry;
    if (this.failed !== undefined) throw this.failed;
    await this.exec("COMMIT");
  }

  /** Roll back after `cause`, quietly (the cause is what the caller hears). */
  async abandon(_cause: unknown): Promise<void> {
    if (!this.open || this.broken !== undefined) return;
    this.iterating = false;
    try {
      await this.client.query("ROLLBACK");
      this.open = false;
    } catch (e) {
      this.broken ??= e;
    }
  }

  release(): void {
    this.client.off("error", this.onError);
    // A broken connection (or one left inside a transaction) is closed rather than reused.
    const dirty = this.broken !== undefined || this.open;
    this.client.release(dirty ? new Error("connection not reusable") : undefined);
  }
}
