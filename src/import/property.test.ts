// A property of import, tried on thousands of school files mutated at random (seeded, so a
// failure can be replayed with LOOKBACK_PROPERTY_SEED): either the file is refused and the
// county database holds exactly what it held (every row of every table import writes), or it
// is accepted, importing it again changes nothing, and every reading command still works on the
// result (no internal error). The county database comes from a factory per engine
// (test/helpers/import-target.ts), so the same property is tried on each.
//
// LOOKBACK_PROPERTY_CASES sets the number of cases (default 2000); on PostgreSQL, where each
// accepted case copies a schema over the network, LOOKBACK_PROPERTY_CASES_PG (default 150).
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type ImportTarget,
  importTargets,
  type TargetFactory,
  type TargetTemplate,
} from "../../test/helpers/import-target.js";

type Dump = Record<string, unknown[]>;

import { makeSchool } from "../../test/helpers/school.js";
import { main } from "../cli.js";
import { setLang } from "../i18n/index.js";
import { openStore } from "../store/store.js";
import { importDatabase } from "./session.js";
import { IMPORTED } from "./spec.js";

const CASES = Number(process.env.LOOKBACK_PROPERTY_CASES ?? 2000);
const CASES_PG = Number(process.env.LOOKBACK_PROPERTY_CASES_PG ?? 150);
const SEED = Number(process.env.LOOKBACK_PROPERTY_SEED ?? 20261201);

/** mulberry32: small, fast, and the same sequence everywhere. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(xs: readonly T[]): T {
      return xs[Math.floor(next() * xs.length)] as T;
    },
  };
}
type Rng = ReturnType<typeof rng>;

let dir: string;
let school: Buffer;

beforeAll(() => {
  setLang("en");
  // In memory where the system offers it: thousands of small databases opened and synced.
  const base = existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  dir = mkdtempSync(path.join(base, "lookback-property-"));
  const s = makeSchool(path.join(dir, "school.db"), { unit: "莲塘一小", code: "3601210001" });
  // Some of its history moved on, so that every table has rows worth mutating.
  const store = openStore(s.file);
  const rect = s.rectifications[0]!;
  store.changeRectification(rect.id, { toStatus: "done", by: "赵主任", note: "已整改" });
  store.changeRectification(rect.id, {
    toStatus: "closed",
    by: "王主任",
    note: null,
    patch: { closedAt: "2026-12-01", closedBy: "王主任" },
  });
  store.close();
  const db = new Database(s.file);
  db.pragma("journal_mode = DELETE");
  school = db.serialize();
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A value of another type, length or meaning, for a column. */
function strangeValue(r: Rng, db: Database.Database, table: string, column: string): unknown {
  const otherValue = () => {
    const rows = db.prepare(`SELECT "${column}" AS v FROM "${table}"`).all() as { v: unknown }[];
    return rows.length > 0 ? r.pick(rows).v : null;
  };
  const anId = () => {
    const t = r.pick(IMPORTED).table;
    const col = t === "checklist_snapshots" ? "hash" : "id";
    const rows = db.prepare(`SELECT "${col}" AS v FROM "${t}"`).all() as { v: unknown }[];
    return rows.length > 0 ? r.pick(rows).v : randomUUID();
  };
  const choices: (() => unknown)[] = [
    () => null,
    () => r.int(1_000_000) - 500_000,
    () => r.next() * 1e6,
    () => Buffer.from([r.int(256), r.int(256), r.int(256)]),
    () => "",
    () => " ",
    () => "字".repeat(1 + r.int(3000)),
    () => "x".repeat(70_000),
    () => `a\u0000b`,
    () => "名\u202e字",
    () => "[1, 2",
    () => JSON.stringify([`甲${r.int(9)}`, `乙${r.int(9)}`]),
    () => JSON.stringify(["同名", "同名"]),
    () => JSON.stringify(Array.from({ length: 60 }, (_, i) => `人${i}`)),
    () => randomUUID(),
    anId,
    otherValue,
    () => "2026-02-30",
    () => "2027-01-15",
    () => "2099-12-31T23:59:59.999Z",
    () => new Date(Date.now() + r.int(1000) * 86_400_000).toISOString(),
    () =>
      r.pick(["pass", "partial", "fail", "na", "open", "in-progress", "done", "closed", "complete", "bogus"]),
    () => r.pick(["immediate", "deadline", "ongoing", "self-check", "inspection", "visit", "public"]),
    () => "0".repeat(64),
    () => "study.study-time",
    () => "six-checks.self-discipline@李校长",
  ];
  return r.pick(choices)();
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare("SELECT name FROM pragma_table_info(?)").all(table) as { name: string }[]).map(
    (c) => c.name,
  );
}

/** One random change an adversary could make to a school's file. */
function mutate(r: Rng, db: Database.Database): string {
  const table = r.pick(IMPORTED).table;
  const rows = db.prepare(`SELECT rowid AS id FROM "${table}"`).all() as { id: number }[];
  const kind = r.int(10);
  if (rows.length === 0 || kind === 9) {
    if (r.next() < 0.5) {
      db.exec(`DROP TABLE IF EXISTS "${table}"`);
      db.exec(`CREATE VIEW "${table}" AS SELECT 1 AS id`);
      return `${table}: a view`;
    }
    const content = db.prepare("SELECT content FROM checklist_snapshots LIMIT 1").pluck().get() as
      | string
      | undefined;
    if (content === undefined) return "nothing";
    const edited = content.replace("学习", "学 习");
    const hash = createHash("sha256").update(edited).digest("hex");
    db.prepare("UPDATE checklist_snapshots SET content = ?, hash = ?").run(
      edited,
      r.next() < 0.5 ? hash : "f".repeat(64),
    );
    return "snapshot edited";
  }
  const rowid = r.pick(rows).id;
  if (kind === 7) {
    db.prepare(`DELETE FROM "${table}" WHERE rowid = ?`).run(rowid);
    return `${table}#${rowid}: deleted`;
  }
  if (kind === 8) {
    const cols = columnsOf(db, table);
    const key = table === "checklist_snapshots" ? "hash" : "id";
    const list = cols.map((c) => `"${c}"`).join(", ");
    const select = cols.map((c) => (c === key ? "?" : `"${c}"`)).join(", ");
    db.prepare(`INSERT INTO "${table}" (${list}) SELECT ${select} FROM "${table}" WHERE rowid = ?`).run(
      key === "hash" ? "e".repeat(64) : randomUUID(),
      rowid,
    );
    return `${table}#${rowid}: duplicated`;
  }
  const column = r.pick(columnsOf(db, table));
  const value = strangeValue(r, db, table, column);
  db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`).run(value as never, rowid);
  return `${table}#${rowid}.${column} = ${typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value)}`;
}

function mutated(r: Rng, file: string): string[] {
  const db = new Database(school);
  db.pragma("foreign_keys = OFF");
  db.pragma("ignore_check_constraints = ON");
  const done: string[] = [];
  try {
    for (let i = 0, n = 1 + r.int(3); i < n; i++) {
      try {
        done.push(mutate(r, db));
      } catch (e) {
        done.push(`(refused by SQLite: ${(e as Error).message})`);
      }
    }
    writeFileSync(file, db.serialize());
  } finally {
    db.close();
  }
  return done;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdinIsTTY: false,
    env: { NO_COLOR: "1", LOOKBACK_LANG: "en" },
    cwd: dir,
  });
  return { code, out, err };
}

/** The county database the cases start from: another school already imported. */
async function countyTemplate(factory: TargetFactory): Promise<{ template: TargetTemplate; rows: Dump }> {
  const county = await factory.create();
  const other = makeSchool(path.join(dir, "other.db"), { unit: "向塘中学" });
  const r = await importDatabase(county.store, other.file);
  if (!r.ok) throw new Error("setup failed");
  const rows = await county.dump();
  return { template: await factory.freeze(county), rows };
}

/**
 * Every reading command on the result: none may fail with an internal error. `export --all`,
 * which costs most, on every fifth accepted file (and as xlsx on every 50th case), so that the
 * thousands of cases stay within half a minute; the other readers on every accepted file.
 */
async function readersWork(target: ImportTarget, i: number, nth: number, context: string): Promise<void> {
  const out = path.join(dir, `out-${i}`);
  const commands = [
    ["status", "--json"],
    ["rectify", "list", "--json"],
    ["compare", "--json"],
    ["units", "--json"],
  ];
  if (i % 50 === 0 || nth % 5 === 0) {
    commands.push(["export", "--all", "--format", i % 50 === 0 ? "xlsx" : "json", "--out", out]);
  }
  for (const args of commands) {
    const c = await cli(["--db", target.location, ...args]);
    expect(c.err, `${context}: ${args.join(" ")}`).not.toMatch(/internal error/i);
    expect([0, 1], `${context}: ${args.join(" ")} → ${c.code} ${c.err}`).toContain(c.code);
  }
  rmSync(out, { recursive: true, force: true });
}

const factories = importTargets();

for (const factory of factories) {
  describe.skipIf(factory.skip)(`import into ${factory.engine}, property`, () => {
    let county: { template: TargetTemplate; rows: Dump };
    beforeAll(async () => {
      county = await countyTemplate(factory);
    });
    afterAll(async () => {
      await county?.template.dispose();
    });

    const cases = factory.engine === "postgres" ? CASES_PG : CASES;
    test(`${cases} mutated school files: refused with nothing changed, or accepted and everything still works`, async () => {
      const r = rng(SEED);
      const file = path.join(dir, "mutant.db");
      let accepted = 0;
      // A county a refused file left as it was serves the next case too.
      let target: ImportTarget | undefined;
      try {
        for (let i = 0; i < cases; i++) {
          const changes = mutated(r, file);
          target ??= await factory.copy(county.template);
          const context = `case ${i} (seed ${SEED}): ${changes.join("; ")}`;
          const result = await importDatabase(target.store, file);
          if (!result.ok) {
            expect(await target.dump(), context).toEqual(county.rows);
            continue;
          }
          accepted++;
          const once = await target.dump();
          const second = await importDatabase(target.store, file);
          expect(second.ok, context).toBe(true);
          // Row for row: the second import wrote nothing at all.
          expect(await target.dump(), `${context}: importing again changed something`).toEqual(once);
          await readersWork(target, i, accepted, context);
          await target.dispose();
          target = undefined;
        }
      } finally {
        await target?.dispose();
      }
      // The mutations are not all fatal: some files are taken, and then checked the harder way.
      if (process.env.LOOKBACK_PROPERTY_VERBOSE) console.log(`accepted ${accepted} of ${cases}`);
      expect(accepted).toBeGreaterThan(cases / 20);
      expect(accepted).toBeLessThan(cases);
    }, 600_000);
  });
}

/**
 * Rows as both engines must hold them: the ids and times this database gives a conflict it logs
 * and a record it changes are its own, and history's seq only orders (PostgreSQL's sequence
 * skips the numbers of rolled-back files): each seq becomes its rank.
 */
function comparable(dump: Dump, since: string): Dump {
  const out: Dump = {};
  for (const [table, rows] of Object.entries(dump)) {
    const seqs = rows.map((r) => Number((r as Row).seq)).sort((a, b) => a - b);
    out[table] = rows
      .map((r) => {
        const x: Row = { ...(r as Row) };
        for (const [k, v] of Object.entries(x)) {
          if (typeof v === "string" && v >= since && /^\d{4}-\d\d-\d\dT/.test(v)) x[k] = "now";
        }
        if (table === "merge_conflicts") x.id = "";
        if (table === "rectification_history") {
          x.seq = seqs.indexOf(Number(x.seq));
          // The bureau's own follow-ups were written on each engine apart, under ids of their own.
          if (x.by === BUREAU) x.id = "";
        }
        // Column order differs (PostgreSQL adds columns at the end where SQLite rebuilt a table).
        return JSON.stringify(Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))));
      })
      .sort();
  }
  return out;
}

const BUREAU = "督导组";

type Row = Record<string, unknown>;

const [sqlite, postgres] = [
  factories.find((f) => f.engine === "sqlite")!,
  factories.find((f) => f.engine === "postgres"),
];

describe.skipIf(!postgres || postgres.skip)("the same files, the same rows on SQLite and PostgreSQL", () => {
  test(`${Math.min(CASES_PG, 60)} mutated files over a county that already holds the school and followed it up`, async () => {
    const since = new Date().toISOString();
    const other = makeSchool(path.join(dir, "both-other.db"), { unit: "向塘中学" }).file;
    const original = path.join(dir, "both-school.db");
    writeFileSync(original, school);
    const seed = async (f: TargetFactory) => {
      const county = await f.create();
      for (const file of [other, original]) {
        if (!(await importDatabase(county.store, file)).ok) throw new Error("setup failed");
      }
      // The bureau followed some up: merges of the school's later copies meet changes on both sides.
      for (const x of (await county.store.listRectifications()).slice(0, 4)) {
        if (x.status !== "closed")
          await county.store.changeRectification(x.id, { toStatus: "in-progress", by: BUREAU, note: null });
      }
      return f.freeze(county);
    };
    const templates = { sqlite: await seed(sqlite), postgres: await seed(postgres!) };
    const r = rng(SEED + 1);
    const file = path.join(dir, "both.db");
    try {
      for (let i = 0, n = Math.min(CASES_PG, 60); i < n; i++) {
        const changes = mutated(r, file);
        const a = await sqlite.copy(templates.sqlite);
        const b = await postgres!.copy(templates.postgres);
        try {
          const context = `case ${i} (seed ${SEED + 1}): ${changes.join("; ")}`;
          const ra = await importDatabase(a.store, file);
          const rb = await importDatabase(b.store, file);
          const outcome = (x: typeof ra) =>
            x.ok
              ? { ...x, file: "", mergeConflicts: x.mergeConflicts.length }
              : { ok: false, reason: x.reason };
          expect(outcome(rb), context).toEqual(outcome(ra));
          expect(comparable(await b.dump(), since), context).toEqual(comparable(await a.dump(), since));
        } finally {
          await a.dispose();
          await b.dispose();
        }
      }
    } finally {
      await templates.sqlite.dispose();
      await templates.postgres.dispose();
    }
  }, 600_000);
});
