// The store's behaviour (testing.ts) on PostgreSQL: one database for the file, a fresh schema
// (search_path) per test, so that every test starts from an empty lookback database.
import { NO_PG, schemaPerTest } from "../../../test/helpers/pg.js";
import { SqlStore } from "../sql/store.js";
import { describeStore } from "../testing.js";
import { openPostgresDriver } from "./driver.js";

const freshSchemaUrl = schemaPerTest();

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
