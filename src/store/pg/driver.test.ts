// The PostgreSQL driver against a real server: identity and migrations, transactions and
// retries, cursors, savepoints, constraint errors, and what a person is told when the machine
// fails (never a password). Each test that needs a database gets a fresh one.
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  admin,
  freshDatabase,
  NO_PG,
  PG_SKIP,
  TEST_PG,
  type TestDatabase,
  withDatabase,
} from "../../../test/helpers/pg.js";
import { LookbackError } from "../../errors.js";
import type { Driver } from "../driver.js";
import { steps } from "../migrations.js";
import { openPostgresDriver } from "./driver.js";

const open: Driver[] = [];
const dbs: TestDatabase[] = [];

async function fresh(): Promise<TestDatabase> {
  const db = await freshDatabase();
  dbs.push(db);
  return db;
}
async function drive(url: string, intent: "read" | "write" = "write"): Promise<Driver> {
  const d = await openPostgresDriver(url, { intent });
  open.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await Promise.all(dbs.splice(0).map((d) => d.drop()));
});

async function tables(url: string): Promise<string[]> {
  const name = new URL(url).pathname.slice(1);
  const rows = await admin<{ t: string }>(
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    [],
    name,
  );
  return rows.map((r) => r.t);
}

/** The LookbackError an action fails with. */
async function failure(action: () => Promise<unknown>): Promise<LookbackError> {
  try {
    await action();
  } catch (e) {
    if (e instanceof LookbackError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

describe.skipIf(NO_PG)(`PostgreSQL driver: identity and migrations ${NO_PG ? PG_SKIP : ""}`, () => {
  test("a writing command creates the schema at this version, marked as lookback's", async () => {
    const db = await fresh();
    const d = await drive(db.url);
    const meta = await d.all<{ key: string; value: string }>("SELECT key, value FROM meta ORDER BY key");
    expect(meta.map((m) => m.key)).toEqual(["application", "db_id", "schema_version"]);
    expect(meta.find((m) => m.key === "application")?.value).toBe("lookback");
    expect(meta.find((m) => m.key === "schema_version")?.value).toBe(String(steps.length));
    expect(await tables(db.url)).toEqual(
      expect.arrayContaining(["units", "runs", "answers", "rectifications", "rectification_history", "meta"]),
    );
    expect(d.location).toBe(`postgres://lookback@127.0.0.1:${new URL(db.url).port}/${db.name}`);
  });

  test("a reading command refuses an empty database (db.missing) and creates nothing", async () => {
    const db = await fresh();
    const e = await failure(() => drive(db.url, "read"));
    expect(e.code).toBe("db.missing");
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(db.name);
    expect(await tables(db.url)).toEqual([]);
  });

  test("a writing command that needs the data there (mustExist) refuses an empty database too", async () => {
    const db = await fresh();
    const e = await failure(() => openPostgresDriver(db.url, { intent: "write", mustExist: true }));
    expect(e.code).toBe("db.missing");
    expect(await tables(db.url)).toEqual([]);
    await (await drive(db.url)).close();
    expect((await drive(db.url, "write")).engine).toBe("postgres");
    const again = await openPostgresDriver(db.url, { intent: "write", mustExist: true });
    open.push(again);
    expect(await again.get("SELECT count(*) AS n FROM units")).toEqual({ n: 0 });
  });

  test("a database holding other tables is refused as foreign, untouched", async () => {
    const db = await fresh();
    await admin("CREATE TABLE invoices (id int PRIMARY KEY)", [], db.name);
    for (const intent of ["read", "write"] as const) {
      const e = await failure(() => drive(db.url, intent));
      expect(e.code).toBe("store.foreign");
      expect(e.exitCode).toBe(2);
    }
    expect(await tables(db.url)).toEqual(["invoices"]);
  });

  test("a meta table of another application is foreign too", async () => {
    const db = await fresh();
    await admin("CREATE TABLE meta (key text PRIMARY KEY, value text)", [], db.name);
    await admin("INSERT INTO meta VALUES ('application', 'ledgerpro')", [], db.name);
    expect((await failure(() => drive(db.url))).code).toBe("store.foreign");
    expect(await tables(db.url)).toEqual(["meta"]);
  });

  test("a database made by a newer lookback is refused untouched", async () => {
    const db = await fresh();
    await (await drive(db.url)).close();
    await admin(
      "UPDATE meta SET value = $1 WHERE key = 'schema_version'",
      [String(steps.length + 1)],
      db.name,
    );
    await admin("CREATE TABLE from_the_future (x int)", [], db.name);
    const e = await failure(() => drive(db.url));
    expect(e.code).toBe("store.newer");
    expect(e.message).toContain(String(steps.length + 1));
    const meta = await admin<{ value: string }>(
      "SELECT value FROM meta WHERE key = 'schema_version'",
      [],
      db.name,
    );
    expect(meta[0]?.value).toBe(String(steps.length + 1));
  });

  test("an older schema is migrated forward, its data kept", async () => {
    const db = await fresh();
    // Version 2, as an earlier lookback left it, with a unit in it.
    const { stepSql } = await import("../migrations.js");
    for (const s of steps.slice(0, 2)) await admin(stepSql(s, "postgres"), [], db.name);
    await admin("INSERT INTO meta VALUES ('application', 'lookback'), ('schema_version', '2')", [], db.name);
    await admin(
      "INSERT INTO units (id, name, created_at, updated_at) VALUES ('u1', '莲塘一小', 'x', 'x')",
      [],
      db.name,
    );
    const d = await drive(db.url, "read");
    // The comparison key and near group are worked out for the units already there.
    expect(await d.get("SELECT name, rev, name_key, near_group FROM units")).toEqual({
      name: "莲塘一小",
      rev: 1,
      name_key: "莲塘一小",
      near_group: "一小",
    });
    expect(await d.get("SELECT value FROM meta WHERE key = 'schema_version'")).toEqual({
      value: String(steps.length),
    });
  });

  test("rectifications stored before short ids were kept get theirs", async () => {
    const db = await fresh();
    const { stepSql, SINCE_SHORT_ID } = await import("../migrations.js");
    const { SHARED_PREFIX_ROWS, SHARED_PREFIX_SHORT_IDS } = await import("../testing.js");
    for (const s of steps.slice(0, SINCE_SHORT_ID - 1)) await admin(stepSql(s, "postgres"), [], db.name);
    await admin(
      "INSERT INTO meta VALUES ('application', 'lookback'), ('schema_version', $1)",
      [String(SINCE_SHORT_ID - 1)],
      db.name,
    );
    for (const row of SHARED_PREFIX_ROWS) await admin(row, [], db.name);
    const d = await drive(db.url);
    const rows = await d.all<{ id: string; short_len: number }>(
      "SELECT id, short_len FROM rectifications ORDER BY id",
    );
    expect(rows.map((r) => r.id.slice(0, r.short_len))).toEqual(SHARED_PREFIX_SHORT_IDS);
  });

  test("processes opening a new database at once migrate it once (advisory lock)", async () => {
    const db = await fresh();
    const drivers = await Promise.all(Array.from({ length: 6 }, () => drive(db.url)));
    expect(drivers).toHaveLength(6);
    expect(await drivers[0]!.get("SELECT count(*) AS n FROM meta WHERE key = 'db_id'")).toEqual({ n: 1 });
  });
});

describe.skipIf(NO_PG)(`PostgreSQL driver: statements and transactions ${NO_PG ? PG_SKIP : ""}`, () => {
  let d: Driver;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await fresh();
  });
  const connect = async () => {
    d = await drive(db.url);
    await d.run(
      "CREATE TABLE IF NOT EXISTS t (id int PRIMARY KEY, n int NOT NULL CHECK (n >= 0), s text UNIQUE)",
    );
    await d.run("TRUNCATE t CASCADE");
  };

  test("counts, sums and booleans come back as numbers, like SQLite", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n) VALUES (?, ?), (?, ?)", [1, 5, 2, 7]);
    expect(
      await d.get("SELECT count(*) AS c, sum(n::bigint) AS s, max(n) AS m, 1 = 1 AS yes, 1 = 2 AS no FROM t"),
    ).toEqual({ c: 2, s: 12, m: 7, yes: 1, no: 0 });
    expect(await d.get("SELECT ? AS a, ? AS b", ["text", null])).toEqual({ a: "text", b: null });
  });

  test("iterate reads a batch ahead: a loop left with one under way, and a failure in it, leave nothing open", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n) SELECT g, g FROM generate_series(1, 1234) g");
    let n = 0;
    for await (const _ of d.iterate("SELECT id FROM t ORDER BY id")) if (++n === 3) break;
    expect(n).toBe(3);
    // Division by zero at row 700 (rows in series order, nothing sorted): in the second batch,
    // read while the first is used.
    const failing = "SELECT 1 / (g - 700) AS q FROM generate_series(1, 1234) g";
    const got: number[] = [];
    const all = async () => {
      for await (const r of d.iterate<{ q: number }>(failing)) got.push(r.q);
    };
    await expect(all()).rejects.toThrow(/division by zero/);
    expect(got).toHaveLength(500);
    // Left after the first row, in a transaction: the batch read ahead failed on the server, so
    // the transaction does not end as if it had worked.
    const leftEarly = d.transaction("write", async (tx) => {
      for await (const _ of tx.iterate(failing)) break;
      return "done";
    });
    await expect(leftEarly).rejects.toThrow(/division by zero/);
    expect(await d.get("SELECT count(*) AS c FROM t")).toEqual({ c: 1234 });
  });

  test("no JIT compiling in lookback's transactions, whatever the database's default", async () => {
    await connect();
    await admin(`ALTER DATABASE "${db.name}" SET jit = on`, [], db.name);
    expect((await admin<{ jit: string }>("SHOW jit", [], db.name))[0]?.jit).toBe("on");
    expect(await d.transaction("read", (tx) => tx.get("SHOW jit"))).toEqual({ jit: "off" });
    expect(await d.transaction("write", (tx) => tx.get("SHOW jit"))).toEqual({ jit: "off" });
    const streamed: unknown[] = [];
    for await (const r of d.iterate("SHOW jit")) streamed.push(r);
    expect(streamed).toEqual([{ jit: "off" }]);
  });

  test("a wrong number of parameters is refused before it is sent", async () => {
    await connect();
    await expect(d.all("SELECT ? AS a", [])).rejects.toThrow(/1 parameters, 0 given/);
  });

  test("iterate streams a cursor in batches; breaking out closes it", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n) SELECT g, g FROM generate_series(1, 1234) g");
    let sum = 0;
    for await (const r of d.iterate<{ n: number }>("SELECT n FROM t ORDER BY id")) sum += r.n;
    expect(sum).toBe((1234 * 1235) / 2);
    const seen: number[] = [];
    for await (const r of d.iterate<{ id: number }>("SELECT id FROM t WHERE id > ? ORDER BY id", [1000])) {
      seen.push(r.id);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1001, 1002, 1003]);
    // The connection is usable again: nothing was left open.
    expect(await d.get("SELECT count(*) AS c FROM t")).toEqual({ c: 1234 });
    const backends = await admin<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%'",
      [db.name],
    );
    expect(backends[0]?.n).toBe(0);
  });

  test("inside a transaction, a statement sent while an iteration is open is refused", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n) VALUES (1, 1), (2, 2)");
    await expect(
      d.transaction("read", async (tx) => {
        for await (const _ of tx.iterate("SELECT id FROM t")) await tx.all("SELECT 1");
      }),
    ).rejects.toThrow(/iteration was open/);
    expect(await d.get("SELECT count(*) AS c FROM t")).toEqual({ c: 2 });
  });

  test("a transaction commits when its callback resolves and rolls back when it throws", async () => {
    await connect();
    await d.transaction("write", async (tx) => {
      await tx.run("INSERT INTO t (id, n) VALUES (1, 1)");
    });
    await expect(
      d.transaction("write", async (tx) => {
        await tx.run("INSERT INTO t (id, n) VALUES (2, 2)");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await d.all("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }]);
  });

  test("a read transaction sees one snapshot, and cannot write", async () => {
    await connect();
    const other = await drive(db.url);
    await d.transaction("read", async (tx) => {
      expect(await tx.get("SELECT count(*) AS c FROM t")).toEqual({ c: 0 });
      await other.run("INSERT INTO t (id, n) VALUES (9, 9)");
      expect(await tx.get("SELECT count(*) AS c FROM t")).toEqual({ c: 0 });
    });
    expect(await d.get("SELECT count(*) AS c FROM t")).toEqual({ c: 1 });
    await expect(d.transaction("read", (tx) => tx.run("DELETE FROM t"))).rejects.toThrow();
    expect(await d.get("SELECT count(*) AS c FROM t")).toEqual({ c: 1 });
  });

  test("a savepoint's failure rolls back to it alone; the transaction goes on", async () => {
    await connect();
    await d.transaction("write", async (tx) => {
      await tx.run("INSERT INTO t (id, n) VALUES (1, 1)");
      await expect(
        tx.savepoint(async (sp) => {
          await sp.run("INSERT INTO t (id, n) VALUES (2, 2)");
          await sp.run("INSERT INTO t (id, n) VALUES (1, 1)"); // duplicate key
        }),
      ).rejects.toMatchObject({ code: "23505" });
      await tx.savepoint(async (sp) => {
        await sp.run("INSERT INTO t (id, n) VALUES (3, 3)");
        await sp.savepoint((inner) => inner.run("INSERT INTO t (id, n) VALUES (4, 4)"));
      });
    });
    expect(await d.all("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }, { id: 3 }, { id: 4 }]);
  });

  test("a failed statement the callback swallowed (outside a savepoint) never commits", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n) VALUES (1, 1)");
    await expect(
      d.transaction("write", async (tx) => {
        await tx.run("INSERT INTO t (id, n) VALUES (2, 2)");
        await tx.run("INSERT INTO t (id, n) VALUES (1, 1)").catch(() => undefined);
        return "claims success";
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(await d.all("SELECT id FROM t ORDER BY id")).toEqual([{ id: 1 }]);
  });

  test("violation() names the kind, the table and the key's columns", async () => {
    await connect();
    await d.run("CREATE TABLE IF NOT EXISTS child (id int PRIMARY KEY, t_id int REFERENCES t(id))");
    await d.run("INSERT INTO t (id, n, s) VALUES (1, 1, 'a')");
    const caught = async (sql: string) => {
      try {
        await d.run(sql);
      } catch (e) {
        return d.violation(e);
      }
      throw new Error("no error");
    };
    expect(await caught("INSERT INTO t (id, n, s) VALUES (2, 2, 'a')")).toEqual({
      kind: "unique",
      table: "t",
      columns: ["s"],
    });
    expect(await caught("INSERT INTO child VALUES (1, 99)")).toEqual({
      kind: "foreign-key",
      table: "child",
      columns: ["t_id"],
    });
    expect(await caught("INSERT INTO t (id, n) VALUES (3, -1)")).toMatchObject({ kind: "check", table: "t" });
    expect(await caught("INSERT INTO t (id) VALUES (4)")).toEqual({
      kind: "not-null",
      table: "t",
      columns: ["n"],
    });
    expect(d.violation(new Error("something else"))).toBeUndefined();
  });

  test("writers racing on one row: a serialization failure reruns the callback, no update is lost", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n) VALUES (1, 0)");
    let attempts = 0;
    const writers = Array.from({ length: 6 }, async () => {
      const w = await drive(db.url);
      for (let i = 0; i < 5; i++) {
        await w.transaction("write", async (tx) => {
          attempts++;
          const row = await tx.get<{ n: number }>(`SELECT n FROM t WHERE id = 1${w.dialect.forUpdate}`);
          await tx.run("UPDATE t SET n = ? WHERE id = 1", [(row?.n ?? 0) + 1]);
        });
      }
    });
    await Promise.all(writers);
    expect(await d.get("SELECT n FROM t WHERE id = 1")).toEqual({ n: 30 });
    // Some callbacks ran more than once: the race really happened.
    expect(attempts).toBeGreaterThan(30);
  });

  test("a unique key inserted by a racing writer: the loser runs again and sees it; a real duplicate still fails", async () => {
    await connect();
    await d.run("CREATE INDEX IF NOT EXISTS t_n ON t (n)");
    // Each writer looks the row up by n (another index than s's unique one), then inserts it.
    let runs = 0;
    const writers = Array.from({ length: 5 }, async (_, i) => {
      const w = await drive(db.url);
      return w.transaction("write", async (tx) => {
        runs++;
        const found = await tx.get("SELECT id FROM t WHERE n = 7");
        if (found) return "found";
        await tx.run("INSERT INTO t (id, n, s) VALUES (?, 7, 'seven')", [100 + i]);
        return "inserted";
      });
    });
    const outcomes = await Promise.all(writers);
    expect(outcomes.filter((o) => o === "inserted")).toHaveLength(1);
    expect(await d.get("SELECT count(*) AS c FROM t WHERE s = 'seven'")).toEqual({ c: 1 });
    runs = 0;
    await expect(
      d.transaction("write", async (tx) => {
        runs++;
        await tx.run("INSERT INTO t (id, n, s) VALUES (200, 1, 'seven')");
      }),
    ).rejects.toMatchObject({ code: "23505" });
    expect(runs).toBe(3);
  });

  test("a read-then-insert race (no row to lock) is serialized too", async () => {
    await connect();
    // Each writer inserts the next id after the largest: under READ COMMITTED two would collide.
    const writers = Array.from({ length: 5 }, async () => {
      const w = await drive(db.url);
      for (let i = 0; i < 4; i++) {
        await w.transaction("write", async (tx) => {
          const row = await tx.get<{ m: number | null }>("SELECT max(id) AS m FROM t");
          await tx.run("INSERT INTO t (id, n) VALUES (?, 0)", [(row?.m ?? 0) + 1]);
        });
      }
    });
    await Promise.all(writers);
    expect(await d.get("SELECT count(*) AS c, max(id) AS m FROM t")).toEqual({ c: 20, m: 20 });
  });

  /** The statements this connection's session holds prepared, by name. */
  const prepared = (tx: { all: Driver["all"] }) =>
    tx.all<{ name: string; statement: string }>(
      "SELECT name, statement FROM pg_prepared_statements ORDER BY name",
    );

  test("a statement sent again on a connection is prepared under a name; one sent once is not", async () => {
    await connect();
    const seen = await d.transaction("read", async (tx) => {
      await tx.all("SELECT n FROM t WHERE id = ?", [1]);
      await tx.all("SELECT s FROM t WHERE id = ?", [1]);
      const before = await prepared(tx);
      await tx.all("SELECT n FROM t WHERE id = ?", [2]);
      await tx.all("SELECT n FROM t WHERE id = ?", [3]);
      return { before, after: await prepared(tx) };
    });
    expect(seen.before.map((p) => p.statement)).not.toContain("SELECT n FROM t WHERE id = $1");
    const named = seen.after.filter((p) => p.statement === "SELECT n FROM t WHERE id = $1");
    expect(named).toHaveLength(1);
    expect(named[0]?.name).toMatch(/^lookback_\d+$/);
    expect(seen.after.map((p) => p.statement)).not.toContain("SELECT s FROM t WHERE id = $1");
  });

  test("a table changed by another process under a prepared statement: a write reruns on a new connection, a read says so", async () => {
    await connect();
    await d.run("INSERT INTO t (id, n, s) VALUES (1, 1, 'one')");
    const read = () => d.transaction("read", (tx) => tx.all("SELECT * FROM t WHERE id = ?", [1]));
    const write = () =>
      d.transaction("write", async (tx) => {
        const rows = await tx.all("SELECT * FROM t WHERE id = ?", [1]);
        await tx.run("UPDATE t SET n = n + 1 WHERE id = 1");
        return rows;
      });
    // Sent twice on the pool's one idle connection: prepared there.
    await write();
    await write();
    const name = new URL(db.url).pathname.slice(1);
    await admin("ALTER TABLE t ADD COLUMN extra int", [], name);
    expect(await write()).toEqual([{ id: 1, n: 3, s: "one", extra: null }]);
    expect(await d.get("SELECT n FROM t WHERE id = 1")).toEqual({ n: 4 });
    await read();
    await read();
    await admin("ALTER TABLE t ADD COLUMN more int", [], name);
    const e = await failure(read);
    expect(e.code).toBe("store.pg.changed");
    expect(e.exitCode).toBe(2);
    // That connection was let go: the next read works.
    expect(await read()).toEqual([{ id: 1, n: 4, s: "one", extra: null, more: null }]);
    await d.run("ALTER TABLE t DROP COLUMN extra, DROP COLUMN more");
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("PostgreSQL driver: what a person is told when the machine fails", () => {
  const SECRET = "s3cr3t-Pa55";

  test("nothing listens: unreachable, exit 2, a hint, and never the password", async () => {
    const port = await closedPort();
    const e = await failure(() =>
      openPostgresDriver(`postgres://clerk:${SECRET}@127.0.0.1:${port}/county`, { intent: "read" }),
    );
    expect(e.code).toBe("store.pg.unreachable");
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`postgres://clerk@127.0.0.1:${port}/county`);
    expect(e.hint).toBeTruthy();
    const all = JSON.stringify({ m: e.message, h: e.hint, d: e.details, s: e.stack, c: e.cause });
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(encodeURIComponent(SECRET));
  });

  test("a URL lookback cannot read is named without its password", async () => {
    const e = await failure(() =>
      openPostgresDriver(`postgres://clerk:${SECRET}@127.0.0.1:5432,127.0.0.2/x`, { intent: "read" }),
    );
    expect(e.code).toBe("store.pg.setting.severalHosts");
    expect(`${e.message} ${e.hint}`).not.toContain(SECRET);
  });

  test.skipIf(NO_PG)(
    `an unknown user is refused at login, password not shown ${NO_PG ? PG_SKIP : ""}`,
    async () => {
      const u = new URL(TEST_PG ?? "postgres://x");
      const e = await failure(() =>
        openPostgresDriver(`postgres://nobody_here:${SECRET}@${u.host}/postgres`, { intent: "read" }),
      );
      expect(e.code).toBe("store.pg.auth");
      expect(JSON.stringify({ m: e.message, h: e.hint, s: e.stack })).not.toContain(SECRET);
    },
  );

  test.skipIf(NO_PG)(
    `a database that does not exist is named, with how to create it ${NO_PG ? PG_SKIP : ""}`,
    async () => {
      const e = await failure(() =>
        openPostgresDriver(withDatabase(TEST_PG ?? "", "lb_absent_db"), { intent: "write" }),
      );
      expect(e.code).toBe("store.pg.noDatabase");
      expect(e.hint).toContain("createdb");
    },
  );

  test.skipIf(NO_PG)(
    `a user without CREATE on the schema gets the privilege message ${NO_PG ? PG_SKIP : ""}`,
    async () => {
      const db = await fresh();
      const role = `${db.name}_clerk`;
      await admin(`CREATE ROLE ${role} LOGIN`);
      try {
        const u = new URL(db.url);
        u.username = role;
        const e = await failure(() => openPostgresDriver(u.toString(), { intent: "write" }));
        expect(e.code).toBe("store.pg.privilege");
        expect(e.message).toContain("nothing was changed");
      } finally {
        await db.drop();
        await admin(`DROP ROLE ${role}`);
      }
    },
  );

  test.skipIf(NO_PG)(
    `a connection lost mid-transaction: store.pg.lost, nothing kept ${NO_PG ? PG_SKIP : ""}`,
    async () => {
      const db = await fresh();
      const d = await drive(db.url);
      await d.run("CREATE TABLE kept (id int)");
      const e = await failure(() =>
        d.transaction("write", async (tx) => {
          await tx.run("INSERT INTO kept VALUES (1)");
          const pid = await tx.get<{ pid: number }>("SELECT pg_backend_pid() AS pid");
          await admin("SELECT pg_terminate_backend($1)", [pid?.pid]);
          await tx.run("INSERT INTO kept VALUES (2)");
        }),
      );
      expect(e.code).toBe("store.pg.lost");
      expect(e.exitCode).toBe(2);
      // The pool recovers: the next statement gets a new connection.
      expect(await d.get("SELECT count(*) AS c FROM kept")).toEqual({ c: 0 });
    },
  );
});
