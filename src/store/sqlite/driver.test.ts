// The SQLite driver's own promises: transactions that never interleave on the one connection,
// the write lock taken up front, savepoints, streaming, constraint errors described portably,
// and every guarantee of opening a file (identity, read-only media, the missing-file policy).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LookbackError } from "../../errors.js";
import { APPLICATION_ID, READ_CACHE_KIB, SCHEMA_VERSION } from "../db.js";
import type { Driver } from "../driver.js";
import { openSqliteDriver } from "./driver.js";

let dir: string;
let file: string;
let driver: Driver | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-sqlite-driver-"));
  file = path.join(dir, "t.db");
});
afterEach(async () => {
  await driver?.close();
  driver = undefined;
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const open = async (intent: "read" | "write" = "write") => {
  driver = await openSqliteDriver(file, { intent });
  return driver;
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const addUnit = (d: Pick<Driver, "run">, id: string, name = id) =>
  d.run("INSERT INTO units (id, name, created_at, updated_at, name_key) VALUES (?, ?, 'x', 'x', ?)", [
    id,
    name,
    name,
  ]);
const unitIds = async (d: Pick<Driver, "all">) =>
  (await d.all<{ id: string }>("SELECT id FROM units ORDER BY id")).map((r) => r.id);

/** Whatever `p` rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

describe("opening", () => {
  it("makes a new file with WAL, synchronous FULL, foreign keys, its identity and every migration", async () => {
    const d = await open();
    expect(d.location).toBe(file);
    expect(d.dialect).toMatchObject({ engine: "sqlite", rowOrder: "rowid", forUpdate: "" });
    await d.close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(raw.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
      expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      raw.close();
    }
    const again = await open();
    expect(await again.get("PRAGMA synchronous")).toEqual({ synchronous: 2 });
    expect(await again.get("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
    expect(Number((await again.get<{ timeout: number }>("PRAGMA busy_timeout"))?.timeout)).toBeGreaterThan(0);
  });

  it("gives a reading connection a small page cache and a writing one SQLite's default", async () => {
    await (await open()).close();
    const reading = await open("read");
    expect(await reading.get("PRAGMA cache_size")).toEqual({ cache_size: READ_CACHE_KIB });
    await reading.close();
    const writing = await open("write");
    expect(await writing.get("PRAGMA cache_size")).toEqual({ cache_size: -16000 });
  });

  it("intent read refuses a missing file (db.missing, exit 2) and creates nothing", async () => {
    const e = await rejection(open("read"));
    expect(e).toBeInstanceOf(LookbackError);
    expect(e).toMatchObject({ code: "db.missing", exitCode: 2 });
    expect((e as LookbackError).hint).toBeTruthy();
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  it("intent write with mustExist refuses a missing file too; without it the file is made", async () => {
    driver = undefined;
    expect(await rejection(openSqliteDriver(file, { intent: "write", mustExist: true }))).toMatchObject({
      code: "db.missing",
    });
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
    await (await openSqliteDriver(file, { intent: "write" })).close();
    driver = await openSqliteDriver(file, { intent: "write", mustExist: true });
    expect(driver.engine).toBe("sqlite");
  });

  it("refuses a foreign SQLite file and a newer lookback file, bytes untouched", async () => {
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine')");
    foreign.close();
    const before = readFileSync(file);
    for (const intent of ["read", "write"] as const) {
      expect(await rejection(open(intent))).toMatchObject({ code: "store.foreign", exitCode: 2 });
    }
    expect(readFileSync(file).equals(before)).toBe(true);

    rmSync(file);
    const newer = new Database(file);
    newer.exec("CREATE TABLE t (x TEXT)");
    newer.pragma(`application_id = ${APPLICATION_ID}`);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    const newerBytes = readFileSync(file);
    expect(await rejection(open())).toMatchObject({ code: "store.newer", exitCode: 2 });
    expect(readFileSync(file).equals(newerBytes)).toBe(true);
  });

  it("refuses a file that is not a database, and a folder", async () => {
    writeFileSync(file, "not a database, just text that is long enough to have a header of sorts".repeat(10));
    expect(await rejection(open())).toMatchObject({ code: "store.notSqlite", exitCode: 2 });
    expect(await rejection(openSqliteDriver(dir, { intent: "read" }))).toMatchObject({
      code: "store.notRegular",
    });
  });

  it.skipIf(process.getuid?.() === 0)(
    "a read-only file is read with intent read, refused with intent write before anything",
    async () => {
      const d = await open();
      await addUnit(d, "u1");
      await d.close();
      chmodSync(file, 0o444);
      expect(await rejection(open("write"))).toMatchObject({ code: "store.readonlyFile", exitCode: 2 });
      const reader = await open("read");
      expect(await unitIds(reader)).toEqual(["u1"]);
      // Writing anyway is the machine's refusal, in words, not SQLite's.
      const e = await rejection(addUnit(reader, "u2"));
      expect(e).toBeInstanceOf(LookbackError);
      expect((e as LookbackError).code).toMatch(/^store\.readonly/);
    },
  );
});

describe("transactions", () => {
  it("two callbacks that await never interleave; each sees only its own changes until commit", async () => {
    const d = await open();
    const order: string[] = [];
    const a = d.transaction("write", async (tx) => {
      order.push("a:start");
      await addUnit(tx, "a1");
      await tick();
      await addUnit(tx, "a2");
      order.push("a:end");
    });
    const b = d.transaction("read", async (tx) => {
      order.push("b:start");
      const seen = await unitIds(tx);
      order.push("b:end");
      return seen;
    });
    await a;
    expect(await b).toEqual(["a1", "a2"]);
    expect(order).toEqual(["a:start", "a:end", "b:start", "b:end"]);
  });

  it("a callback that throws rolls back everything and passes its error on; the next one runs", async () => {
    const d = await open();
    const boom = new Error("boom");
    const e = await rejection(
      d.transaction("write", async (tx) => {
        await addUnit(tx, "gone");
        await tick();
        throw boom;
      }),
    );
    expect(e).toBe(boom);
    expect(await unitIds(d)).toEqual([]);
    await d.transaction("write", (tx) => addUnit(tx, "kept"));
    expect(await unitIds(d)).toEqual(["kept"]);
  });

  it("a write takes the write lock before its first statement: another process waits, then is told", async () => {
    process.env.LOOKBACK_BUSY_TIMEOUT = "50";
    try {
      const d = await open();
      const other = new Database(file);
      other.pragma("busy_timeout = 50");
      try {
        await d.transaction("write", async () => {
          // Nothing read or written yet, and the other connection already cannot write.
          expect(() => other.exec("BEGIN IMMEDIATE")).toThrow(/locked|busy/i);
        });
        other.exec("BEGIN IMMEDIATE");
        const e = await rejection(d.transaction("write", async () => undefined));
        expect(e).toBeInstanceOf(LookbackError);
        expect(e).toMatchObject({ code: "store.busy", exitCode: 2 });
        expect((e as LookbackError).hint).toBeTruthy();
        other.exec("ROLLBACK");
      } finally {
        other.close();
      }
      await d.transaction("write", (tx) => addUnit(tx, "after"));
      expect(await unitIds(d)).toEqual(["after"]);
    } finally {
      delete process.env.LOOKBACK_BUSY_TIMEOUT;
    }
  });

  it("a read transaction refuses to change rows", async () => {
    const d = await open();
    const e = await rejection(d.transaction("read", (tx) => addUnit(tx, "x")));
    expect(String(e)).toMatch(/read transaction/);
    expect(await unitIds(d)).toEqual([]);
  });

  it("the driver itself, or a tx after its end, used from inside a transaction is an error, not a hang", async () => {
    const d = await open();
    const e = await rejection(d.transaction("write", () => unitIds(d)));
    expect(String(e)).toMatch(/use the tx passed in/);
    // A transaction started inside one is refused the same way (a rejection, not a throw).
    const nested = d.transaction("write", () => d.transaction("read", async () => 1));
    expect(String(await rejection(nested))).toMatch(/use the tx passed in/);
    let kept: Pick<Driver, "all"> | undefined;
    await d.transaction("read", async (tx) => {
      kept = tx;
    });
    expect(String(await rejection(unitIds(kept!)))).toMatch(/after it ended/);
  });

  it("a savepoint's failure rolls back to it alone; the transaction goes on and commits", async () => {
    const d = await open();
    await d.transaction("write", async (tx) => {
      await addUnit(tx, "outer");
      const e = await rejection(
        tx.savepoint(async (sp) => {
          await addUnit(sp, "inner");
          await tick();
          await addUnit(sp, "inner", "another name"); // the same id again: a unique violation
        }),
      );
      expect(d.violation(e)).toEqual({ kind: "unique", table: "units", columns: ["id"] });
      await tx.savepoint(async (sp) => {
        await addUnit(sp, "second");
        await sp.savepoint((deeper) => addUnit(deeper, "deeper"));
      });
    });
    expect(await unitIds(d)).toEqual(["deeper", "outer", "second"]);
  });
});

describe("iterate", () => {
  it("yields rows one at a time; breaking out closes the statement and frees the connection", async () => {
    const d = await open();
    await d.transaction("write", async (tx) => {
      for (let i = 0; i < 50; i++) await addUnit(tx, `u${String(i).padStart(2, "0")}`);
    });
    const seen: string[] = [];
    for await (const row of d.iterate<{ id: string }>("SELECT id FROM units ORDER BY id")) {
      seen.push(row.id);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["u00", "u01", "u02"]);
    // The connection is free again: a write goes through.
    await addUnit(d, "z");
    let count = 0;
    await d.transaction("read", async (tx) => {
      for await (const _ of tx.iterate("SELECT id FROM units")) count++;
    });
    expect(count).toBe(51);
  });

  it("holds the connection while the loop runs: a transaction started meanwhile waits for it", async () => {
    const d = await open();
    await addUnit(d, "a");
    await addUnit(d, "b");
    const order: string[] = [];
    const loop = (async () => {
      for await (const row of d.iterate<{ id: string }>("SELECT id FROM units ORDER BY id")) {
        order.push(`row ${row.id}`);
        await tick();
      }
    })();
    await tick();
    const write = d.transaction("write", async (tx) => {
      order.push("write");
      await addUnit(tx, "c");
    });
    await Promise.all([loop, write]);
    expect(order).toEqual(["row a", "row b", "write"]);
  });
});

describe("violation", () => {
  it("describes unique (with table and columns), foreign-key, check and not-null errors; others are not", async () => {
    const d = await open();
    await addUnit(d, "u1", "莲塘一小");
    const kinds = async (p: Promise<unknown>) => d.violation(await rejection(p));
    expect(await kinds(addUnit(d, "u2", "莲塘一小"))).toEqual({
      kind: "unique",
      table: "units",
      columns: ["name"],
    });
    expect(
      await kinds(
        d.run(
          `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
             started_at, updated_at) VALUES ('r', 'nobody', 'h', 'c', '1', 'p', 'complete', 'x', 'x')`,
        ),
      ),
    ).toMatchObject({ kind: "foreign-key" });
    expect(
      await kinds(
        d
          .run(
            `INSERT INTO checklist_snapshots (hash, checklist_id, version, title, content, created_at)
           VALUES ('h', 'c', '1', 't', 'x', 'x')`,
          )
          .then(() =>
            d.run(
              `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
               started_at, updated_at) VALUES ('r', 'u1', 'h', 'c', '1', 'p', 'nonsense', 'x', 'x')`,
            ),
          ),
      ),
    ).toMatchObject({ kind: "check" });
    expect(
      await kinds(d.run("INSERT INTO units (id, created_at, updated_at) VALUES ('u3', 'x', 'x')")),
    ).toEqual({
      kind: "not-null",
      table: "units",
      columns: ["name"],
    });
    expect(d.violation(new Error("UNIQUE constraint failed: units.name"))).toBeUndefined();
    expect(d.violation(await rejection(d.all("SELECT nothing FROM nowhere")))).toBeUndefined();
  });

  it("names the columns of the partial unique index that allows one unfinished run", async () => {
    const d = await open();
    await addUnit(d, "u1");
    await d.run(
      `INSERT INTO checklist_snapshots (hash, checklist_id, version, title, content, created_at)
       VALUES ('h', 'c', '1', 't', 'x', 'x')`,
    );
    const run = (id: string) =>
      d.run(
        `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
           started_at, updated_at) VALUES (?, 'u1', 'h', 'c', '1', 'p', 'in-progress', 'x', 'x')`,
        [id],
      );
    await run("r1");
    expect(d.violation(await rejection(run("r2")))).toEqual({
      kind: "unique",
      table: "runs",
      columns: ["unit_id", "checklist_id"],
    });
  });
});
