// The driver seam, one suite for both engines: the same portable SQL on lookback's schema gives
// the same rows, the same order, the same values and the same description of a broken rule.
// SQLite runs everywhere; PostgreSQL where LOOKBACK_TEST_PG names a server (skipped otherwise).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_PG, PG_SKIP, schemaPerTest } from "../../test/helpers/pg.js";
import type { Driver, DriverTx } from "./driver.js";
import { openPostgresDriver } from "./pg/driver.js";
import { openSqliteDriver } from "./sqlite/driver.js";

interface DriverFixture {
  driver: Driver;
  dispose(): Promise<void>;
}

const freshSchemaUrl = schemaPerTest();

const engines: [string, () => Promise<DriverFixture>, string | false][] = [
  [
    "SQLite",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "lookback-driver-"));
      const driver = await openSqliteDriver(path.join(dir, "t.db"), { intent: "write" });
      return {
        driver,
        dispose: async () => {
          await driver.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    false,
  ],
  [
    "PostgreSQL",
    async () => {
      const driver = await openPostgresDriver(await freshSchemaUrl(), { intent: "write" });
      return { driver, dispose: () => driver.close() };
    },
    NO_PG ? PG_SKIP : false,
  ],
];

const NOW = "2026-12-01T08:00:00.000Z";
const unit = (d: Driver, id: string, name: string, code: string | null = null) =>
  d.run("INSERT INTO units (id, name, code, name_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [
    id,
    name,
    code,
    name,
    NOW,
    NOW,
  ]);
const snapshot = (d: Driver) =>
  d.run(
    "INSERT INTO checklist_snapshots (hash, checklist_id, version, title, content, created_at) VALUES ('h', 'c', '1', 't', 'x', ?)",
    [NOW],
  );
const run = (d: Driver, id: string, unitId: string, status = "in-progress") =>
  d.run(
    `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status, started_at, updated_at)
     VALUES (?, ?, 'h', 'c', '1', '张老师', ?, ?, ?)`,
    [id, unitId, status, NOW, NOW],
  );

async function refusal(d: Driver, p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return d.violation(e);
  }
  throw new Error("expected the database to refuse it");
}

for (const [engine, make, skip] of engines) {
  describe.skipIf(skip !== false)(`driver on ${engine}${skip ? ` (${skip})` : ""}`, () => {
    let fx: DriverFixture;
    let d: Driver;
    beforeEach(async () => {
      fx = await make();
      d = fx.driver;
    });
    afterEach(async () => {
      await fx?.dispose();
    });

    it("values: integers as numbers, text as strings, NULL as null; ? never inside a literal", async () => {
      await unit(d, "u1", "莲塘一小", "3601");
      const row = await d.get(
        "SELECT count(*) AS n, sum(rev) AS s, max(rev) AS m, name, township, 'why?' AS q, ? AS p FROM units GROUP BY name, township",
        ["x"],
      );
      expect(row).toEqual({ n: 1, s: 1, m: 1, name: "莲塘一小", township: null, q: "why?", p: "x" });
    });

    it("text sorts by code point, and dialect.rowOrder gives the order rows were made in", async () => {
      const names = ["b校", "中学", "B校", "a校", "Z校"];
      for (const [i, name] of names.entries()) await unit(d, `u${i}`, name);
      expect(
        (await d.all<{ name: string }>("SELECT name FROM units ORDER BY name")).map((r) => r.name),
      ).toEqual(["B校", "Z校", "a校", "b校", "中学"]);
      const made = await d.all<{ name: string }>(`SELECT name FROM units ORDER BY ${d.dialect.rowOrder}`);
      expect(made.map((r) => r.name)).toEqual(names);
      expect(await d.get("SELECT count(*) AS n FROM units WHERE name > ?", ["Z"])).toEqual({ n: 4 });
    });

    it("violation(): the rules of the schema, described alike", async () => {
      await unit(d, "u1", "莲塘一小", "3601");
      await snapshot(d);
      await run(d, "r1", "u1");
      expect(await refusal(d, unit(d, "u2", "莲塘一小"))).toEqual({
        kind: "unique",
        table: "units",
        columns: ["name"],
      });
      expect(await refusal(d, unit(d, "u3", "莲塘二小", "3601"))).toEqual({
        kind: "unique",
        table: "units",
        columns: ["code"],
      });
      // One unfinished run per unit and checklist (a partial unique index).
      expect(await refusal(d, run(d, "r2", "u1"))).toEqual({
        kind: "unique",
        table: "runs",
        columns: ["unit_id", "checklist_id"],
      });
      await run(d, "r3", "u1", "complete");
      expect((await refusal(d, run(d, "r4", "nobody", "complete")))?.kind).toBe("foreign-key");
      expect((await refusal(d, run(d, "r5", "u1", "paused")))?.kind).toBe("check");
      expect(
        await refusal(
          d,
          d.run("INSERT INTO units (id, name, created_at, updated_at) VALUES ('u9', NULL, 'x', 'x')"),
        ),
      ).toMatchObject({ kind: "not-null", columns: ["name"] });
      expect(d.violation(new Error("not a database error"))).toBeUndefined();
    });

    it("a savepoint's refused statement rolls back alone; the transaction commits the rest", async () => {
      await d.transaction("write", async (tx) => {
        await tx.run("INSERT INTO units (id, name, created_at, updated_at) VALUES ('u1', 'a', 'x', 'x')");
        const e = await tx
          .savepoint(async (sp) => {
            await sp.run("INSERT INTO units (id, name, created_at, updated_at) VALUES ('u2', 'b', 'x', 'x')");
            await sp.run("INSERT INTO units (id, name, created_at, updated_at) VALUES ('u3', 'a', 'x', 'x')");
          })
          .catch((err: unknown) => err);
        expect(d.violation(e)?.kind).toBe("unique");
        await tx.run("INSERT INTO units (id, name, created_at, updated_at) VALUES ('u4', 'c', 'x', 'x')");
      });
      expect((await d.all<{ id: string }>("SELECT id FROM units ORDER BY id")).map((r) => r.id)).toEqual([
        "u1",
        "u4",
      ]);
    });

    it("smallCache passes on what its callback returns or throws; SQLite's page cache is small inside only", async () => {
      const cache = async (tx: DriverTx) =>
        engine === "SQLite" ? (await tx.get<{ cache_size: number }>("PRAGMA cache_size"))?.cache_size : 0;
      const boom = new Error("boom");
      const seen = await d.transaction("write", async (tx) => {
        const outside = await cache(tx);
        const inside = await tx.smallCache(async () => {
          await unit(tx as unknown as Driver, "u1", "a");
          return cache(tx);
        });
        const failed = await tx
          .smallCache(async () => {
            throw boom;
          })
          .catch((e: unknown) => e);
        return { outside, inside, failed, after: await cache(tx) };
      });
      expect(seen).toEqual(
        engine === "SQLite"
          ? { outside: -16000, inside: -2000, failed: boom, after: -16000 }
          : { outside: 0, inside: 0, failed: boom, after: 0 },
      );
      expect(await d.get("SELECT count(*) AS n FROM units")).toEqual({ n: 1 });
    });

    it("a transaction whose callback throws keeps nothing and passes the error on", async () => {
      const boom = new Error("boom");
      const e = await d
        .transaction("write", async (tx) => {
          await unit(tx as unknown as Driver, "u1", "a");
          throw boom;
        })
        .catch((err: unknown) => err);
      expect(e).toBe(boom);
      expect(await d.get("SELECT count(*) AS n FROM units")).toEqual({ n: 0 });
    });

    it("iterate streams many rows in order, inside a transaction and out; breaking out frees the connection", async () => {
      await d.transaction("write", async (tx) => {
        for (let i = 0; i < 1500; i += 500) {
          const values = Array.from({ length: 500 }, (_, k) => i + k);
          await tx.run(
            `INSERT INTO units (id, name, created_at, updated_at) VALUES ${values.map(() => "(?, ?, 'x', 'x')").join(", ")}`,
            values.flatMap((v) => [`u${String(v).padStart(5, "0")}`, `n${v}`]),
          );
        }
      });
      let count = 0;
      let last = "";
      for await (const r of d.iterate<{ id: string }>("SELECT id FROM units ORDER BY id")) {
        expect(r.id > last).toBe(true);
        last = r.id;
        count++;
      }
      expect(count).toBe(1500);
      const inTx = await d.transaction("read", async (tx) => {
        let n = 0;
        for await (const _ of tx.iterate("SELECT id FROM units WHERE id >= ? ORDER BY id", ["u01000"])) {
          if (++n === 10) break;
        }
        return [n, await tx.get("SELECT count(*) AS n FROM units")];
      });
      expect(inTx).toEqual([10, { n: 1500 }]);
    });

    it("run() counts the rows it changed", async () => {
      await unit(d, "u1", "a");
      await unit(d, "u2", "b");
      expect(await d.run("UPDATE units SET township = ? WHERE name IN (?, ?)", ["镇", "a", "b"])).toEqual({
        changes: 2,
      });
      expect(await d.run("DELETE FROM units WHERE id = ?", ["none"])).toEqual({ changes: 0 });
    });
  });
}
