// A PostgreSQL database of its own for each test file, on the server LOOKBACK_TEST_PG names
// (`eval "$(scripts/pg-server.sh start)"` starts one on loopback; .ci/run does it for CI).
// Without it, the PostgreSQL tests are skipped, with this reason in their title, never passed.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll } from "vitest";
import { openStore } from "../../src/store/open.js";
import { openPostgresDriver } from "../../src/store/pg/driver.js";
import type { Store } from "../../src/store/port.js";

export const TEST_PG = process.env.LOOKBACK_TEST_PG || undefined;
export const NO_PG = !TEST_PG;
export const PG_SKIP = 'skipped: LOOKBACK_TEST_PG is not set (eval "$(scripts/pg-server.sh start)")';

/** The server's URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Run one statement as the test server's administrator (on its postgres database). */
export async function admin<T = unknown>(
  sql: string,
  params: unknown[] = [],
  database?: string,
): Promise<T[]> {
  if (!TEST_PG) throw new Error(PG_SKIP);
  const client = new pg.Client({ connectionString: database ? withDatabase(TEST_PG, database) : TEST_PG });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** CREATE DATABASE lb_<random>; drop() removes it (closing whatever is still connected). */
export async function freshDatabase(prefix = "lb"): Promise<TestDatabase> {
  if (!TEST_PG) throw new Error(PG_SKIP);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(TEST_PG, name),
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * Fresh, empty lookback databases for one test file, cheaply: one database for the file
 * (dropped after it), a new schema in it per call, the URL pointing there (search_path).
 * Call at the top of the test file.
 */
export function schemaPerTest(): () => Promise<string> {
  let db: Promise<TestDatabase> | undefined;
  afterAll(async () => {
    if (db) await (await db).drop();
  });
  return async () => {
    db ??= freshDatabase();
    const { url, name } = await db;
    const schema = `t_${randomBytes(5).toString("hex")}`;
    await admin(`CREATE SCHEMA ${schema}`, [], name);
    return `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  };
}

/** What import's tests need of a bureau database on PostgreSQL (test/helpers/import-target.ts). */
export interface PgImportTarget {
  readonly engine: "postgres";
  readonly location: string;
  readonly store: Store;
  dump(): Promise<Record<string, unknown[]>>;
  dispose(): Promise<void>;
}

/** The tables of a lookback schema, parents before children (for copying one). */
const COPY_ORDER = [
  "meta",
  "units",
  "checklist_snapshots",
  "runs",
  "rectifications",
  "answers",
  "rectification_history",
  "answer_drafts",
  "merge_base",
  "merge_conflicts",
  "unit_merges",
];

/**
 * Bureau databases on PostgreSQL for the import tests: each target a schema of its own in one
 * database for the test file (dropped after it). `dumped`: the tables a dump holds and the key
 * ordering each. Dumps leave out row_order (PostgreSQL's stand-in for rowid), so that they
 * compare with SQLite's. Skipped, with the reason, without LOOKBACK_TEST_PG.
 */
export function postgresTargets(dumped: readonly (readonly [table: string, order: string])[]) {
  const fresh = schemaPerTest();
  const open = async (location: string): Promise<PgImportTarget> => {
    const store = await openStore(location, { intent: "write" });
    const driver = await openPostgresDriver(location, { intent: "write" });
    return {
      engine: "postgres",
      location,
      store,
      async dump() {
        const out: Record<string, unknown[]> = {};
        for (const [table, order] of dumped) {
          const rows = await driver.all(`SELECT * FROM ${table} ORDER BY ${order}`);
          out[table] = rows.map(({ row_order: _, ...rest }) => digestBytes(rest));
        }
        return out;
      },
      async dispose() {
        await Promise.all([store.close(), driver.close()]);
      },
    };
  };
  const schemaOf = (location: string) => /search_path%3D(\w+)/.exec(location)?.[1] ?? "";
  return {
    engine: "postgres" as const,
    skip: NO_PG ? PG_SKIP : (false as const),
    create: async () => open(await fresh()),
    /** A copy of `template`'s tables (its id included), the template kept as it is. */
    async copy(template: { location: string }) {
      const location = await fresh();
      const target = await open(location);
      const [from, to] = [schemaOf(template.location), schemaOf(location)];
      const database = new URL(location).pathname.slice(1);
      const steps = [
        "BEGIN",
        ...COPY_ORDER.flatMap((t) => [
          `DELETE FROM ${to}.${t}`,
          `INSERT INTO ${to}.${t} SELECT * FROM ${from}.${t}`,
        ]),
        ...["units", "runs", "answers", "rectifications", "rectification_history"].map(
          (t) =>
            `SELECT setval(pg_get_serial_sequence('${to}.${t}', 'row_order'), (SELECT coalesce(max(row_order), 0) + 1 FROM ${to}.${t}), false)`,
        ),
        `SELECT setval('${to}.rectification_history_seq', (SELECT coalesce(max(seq), 0) + 1 FROM ${to}.rectification_history), false)`,
        "COMMIT",
      ];
      await admin(steps.join(";\n"), [], database);
      return target;
    },
  };
}

/** A row with its bytes (evidence pieces) as their sha256: dumps compare quickly, and the same on both engines. */
export function digestBytes(row: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) {
    if (Buffer.isBuffer(v)) row[k] = `sha256:${createHash("sha256").update(v).digest("hex")}`;
  }
  return row;
}
