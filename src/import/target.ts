// The SQL of import on the bureau's database: lookups by identity, writes of merged records,
// the merge bases and the conflict log. Prepared once per import session. Column lists come
// from spec.ts; columns that belong to this database only (revision, history order, a unit's
// comparison key) are given by the caller.
import type Database from "better-sqlite3";
import type { Db } from "../store/db.js";
import type { Base } from "./decide.js";
import { ANSWERS, HISTORY, RECTIFICATIONS, RUNS, SNAPSHOTS, type TableSpec, UNITS } from "./spec.js";
import type { Row } from "./validate.js";

type Stmt = Database.Statement;

/** Merge bases written per statement. */
const BASE_BATCH = 100;

const cols = (spec: TableSpec) => spec.columns.map((c) => c.name);
const q = (c: string) => `"${c}"`;

function insertOf(db: Db, spec: TableSpec): Stmt {
  const names = cols(spec);
  return db.prepare(
    `INSERT INTO main.${q(spec.table)} (${names.map(q).join(", ")}) VALUES (${names.map((c) => `@${c}`).join(", ")})`,
  );
}

/** UPDATE of every column but the identity ones, by id. */
function updateOf(db: Db, spec: TableSpec, keep: readonly string[]): Stmt {
  const set = cols(spec).filter((c) => c !== "id" && !keep.includes(c));
  return db.prepare(
    `UPDATE main.${q(spec.table)} SET ${set.map((c) => `${q(c)} = @${c}`).join(", ")} WHERE id = @id`,
  );
}

export class Target {
  readonly unitById: Stmt;
  readonly unitByCode: Stmt;
  readonly unitByKey: Stmt;
  readonly unitMergedInto: Stmt;
  readonly insertUnit: Stmt;
  readonly updateUnit: Stmt;
  readonly snapshotExists: Stmt;
  readonly insertSnapshot: Stmt;
  readonly runById: Stmt;
  readonly openRun: Stmt;
  readonly insertRun: Stmt;
  readonly updateRun: Stmt;
  readonly answersOfRun: Stmt;
  readonly insertAnswer: Stmt;
  readonly updateAnswer: Stmt;
  readonly rectsOfRun: Stmt;
  readonly insertRect: Stmt;
  readonly updateRect: Stmt;
  readonly deleteRect: Stmt;
  readonly rectIdOf: Stmt;
  readonly unlinkAnswers: Stmt;
  readonly unlinkContinued: Stmt;
  readonly historyExists: Stmt;
  readonly insertHistory: Stmt;
  readonly nextSeq: Stmt;
  private readonly basesOf: Stmt;
  private readonly putConflict: Stmt;
  private readonly putBases: Stmt;

  constructor(private readonly db: Db) {
    this.unitById = db.prepare("SELECT * FROM main.units WHERE id = ?");
    this.unitByCode = db.prepare("SELECT * FROM main.units WHERE code = ?");
    this.unitByKey = db.prepare("SELECT * FROM main.units WHERE name_key = ? ORDER BY rowid LIMIT 1");
    this.unitMergedInto = db.prepare(
      "SELECT u.* FROM main.unit_merges m JOIN main.units u ON u.id = m.into_id WHERE m.from_id = ? OR m.from_key = ? ORDER BY m.at DESC LIMIT 1",
    );
    this.insertUnit = insertOf(db, UNITS);
    this.updateUnit = updateOf(db, UNITS, ["created_at"]);
    this.snapshotExists = db.prepare("SELECT 1 FROM main.checklist_snapshots WHERE hash = ?").pluck();
    this.insertSnapshot = db.prepare(
      `INSERT INTO main.checklist_snapshots (${cols(SNAPSHOTS).map(q).join(", ")}) VALUES (${cols(SNAPSHOTS)
        .map((c) => `@${c}`)
        .join(", ")})`,
    );
    this.runById = db.prepare("SELECT * FROM main.runs WHERE id = ?");
    this.openRun = db
      .prepare(
        `SELECT id FROM main.runs WHERE unit_id = ? AND checklist_id = ? AND status = 'in-progress'
         AND superseded_by IS NULL AND id <> ? LIMIT 1`,
      )
      .pluck();
    this.insertRun = insertOf(db, RUNS);
    this.updateRun = updateOf(db, RUNS, [
      "started_at",
      "checklist_hash",
      "checklist_id",
      "checklist_version",
    ]);
    this.answersOfRun = db.prepare("SELECT * FROM main.answers WHERE run_id = ?");
    this.insertAnswer = insertOf(db, ANSWERS);
    this.updateAnswer = updateOf(db, ANSWERS, [
      "run_id",
      "item_key",
      "section_id",
      "item_id",
      "leader",
      "answered_at",
    ]);
    this.rectsOfRun = db.prepare("SELECT * FROM main.rectifications WHERE run_id = ?");
    this.insertRect = insertOf(db, RECTIFICATIONS);
    this.updateRect = updateOf(db, RECTIFICATIONS, ["run_id", "item_key", "created_at"]);
    this.deleteRect = db.prepare("DELETE FROM main.rectifications WHERE id = ?");
    this.rectIdOf = db
      .prepare("SELECT id FROM main.rectifications WHERE run_id = ? AND item_key = ?")
      .pluck();
    // A link to a rectification that did not come (left out with its answer): not kept dangling.
    this.unlinkAnswers = db.prepare(
      `UPDATE main.answers SET rectification_id = NULL WHERE run_id = ? AND rectification_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM main.rectifications r WHERE r.id = main.answers.rectification_id)`,
    );
    this.unlinkContinued = db.prepare(
      `UPDATE main.rectifications SET continued_by = NULL WHERE run_id = ? AND continued_by IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM main.rectifications r WHERE r.id = main.rectifications.continued_by)`,
    );
    this.historyExists = db.prepare("SELECT 1 FROM main.rectification_history WHERE id = ?").pluck();
    this.insertHistory = insertOf(db, HISTORY);
    this.nextSeq = db.prepare("SELECT coalesce(max(seq), 0) + 1 FROM main.rectification_history").pluck();
    this.basesOf = db.prepare("SELECT tbl, record_id, rev, content FROM main.merge_base WHERE source = ?");
    this.putBases = this.basesStatement(BASE_BATCH);
    this.putConflict = db.prepare(
      `INSERT INTO main.merge_conflicts (id, at, source, file, tbl, record_id, field, local_value, incoming_value, kept)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** What was last taken from `source`, by `table:localId`. */
  bases(source: string): Map<string, Base> {
    const out = new Map<string, Base>();
    for (const r of this.basesOf.all(source) as Row[]) {
      out.set(`${r.tbl}:${r.record_id}`, {
        rev: r.rev as number,
        groups: r.content === null ? null : (JSON.parse(r.content as string) as Record<string, string>),
      });
    }
    return out;
  }

  /** Many bases at once: one statement per hundred rows rather than one per row. */
  saveBases(source: string, bases: readonly { table: string; id: string; base: Base }[]): void {
    for (let i = 0; i < bases.length; i += BASE_BATCH) {
      const chunk = bases.slice(i, i + BASE_BATCH);
      const stmt = chunk.length === BASE_BATCH ? this.putBases : this.basesStatement(chunk.length);
      stmt.run(
        chunk.flatMap((b) => [
          source,
          b.table,
          b.id,
          b.base.rev,
          b.base.groups === null ? null : JSON.stringify(b.base.groups),
        ]),
      );
    }
  }

  private readonly basesStatements = new Map<number, Stmt>();

  private basesStatement(n: number): Stmt {
    let stmt = this.basesStatements.get(n);
    if (!stmt) {
      stmt = this.prepareBases(n);
      this.basesStatements.set(n, stmt);
    }
    return stmt;
  }

  private prepareBases(n: number): Stmt {
    return this.db.prepare(
      `INSERT INTO main.merge_base (source, tbl, record_id, rev, content) VALUES ${Array(n).fill("(?, ?, ?, ?, ?)").join(", ")}
       ON CONFLICT (source, tbl, record_id) DO UPDATE SET rev = excluded.rev, content = excluded.content`,
    );
  }

  logConflict(c: {
    id: string;
    at: string;
    source: string;
    file: string;
    table: string;
    recordId: string;
    group: string;
    local: unknown;
    incoming: unknown;
    kept: "local" | "incoming";
  }): void {
    this.putConflict.run(
      c.id,
      c.at,
      c.source,
      c.file,
      c.table,
      c.recordId,
      c.group,
      JSON.stringify(c.local),
      JSON.stringify(c.incoming),
      c.kept,
    );
  }
}
