// The store's behaviour (testing.ts) on PostgreSQL: one database for the file, a fresh schema
// (search_path) per test, so that every test starts from an empty lookback database.
import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { admin, freshDatabase, NO_PG, type TestDatabase } from "../../../test/helpers/pg.js";
import { SqlStore } from "../sql/store.js";
import { describeStore } from "../testing.js";
import { openPostgresDriver } from "./driver.js";

let db: Promise<TestDatabase> | undefined;
afterAll(async () => {
  if (db) await (await db).drop();
});

/** A URL that works in a schema of its own, made empty. */
export async function freshSchemaUrl(): Promise<string> {
  db ??= freshDatabase();
  const { url, name } = await db;
  const schema = `t_${randomBytes(5).toString("hex")}`;
  await admin(`CREATE SCHEMA ${schema}`, [], name);
  return `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

describeStore(
  "PostgreSQL",
  async () => {
    const driver = await openPostgresDriver(await freshSchemaUrl(), { intent: "write" });
    return {
      store: new SqlStore(driver),
      sql: (text, params) => driver.run(text, params),
      dispose: () => driver.close(),
    };
  },
  NO_PG ? "LOOKBACK_TEST_PG is not set" : false,
);
