// A PostgreSQL database of its own for each test file, on the server LOOKBACK_TEST_PG names
// (`eval "$(scripts/pg-server.sh start)"` starts one on loopback; .ci/run does it for CI).
// Without it, the PostgreSQL tests are skipped, with this reason in their title, never passed.
import { randomBytes } from "node:crypto";
import pg from "pg";

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
