// The store's behaviour (testing.ts) on SQLite: a fresh file per test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openSqliteDriver } from "../sqlite/driver.js";
import { describeStore } from "../testing.js";
import { SqlStore } from "./store.js";

describeStore("SQLite", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lookback-sqlstore-"));
  const driver = await openSqliteDriver(path.join(dir, "t.db"), { intent: "write" });
  return {
    store: new SqlStore(driver),
    sql: (text, params) => driver.run(text, params),
    dispose: async () => {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
