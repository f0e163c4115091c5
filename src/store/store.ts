// The storage interface every command uses, with SQLite behind it (§10). Commands never
// write SQL; another engine can implement `Store` without touching them.
import type Database from "better-sqlite3";
import type { LoadedChecklist } from "../checklist/schema.js";
import { normalizeUnitName, unitKey } from "../units/identity.js";
import { type Db, type OpenOptions, openDb } from "./db.js";
import {
  DRAFT_COLUMNS,
  newId,
  nowIso,
  type Row,
  SNAKE_FIELD,
  s,
  sn,
  toAnswer,
  toDraft,
  toHistory,
  toRectification,
  toRun,
  toSnapshot,
  toUnit,
} from "./sql/rows.js";

type Statement = Database.Statement<unknown[], unknown>;

import type {
  Answer,
  AnswerDraft,
  ChecklistSnapshot,
  DraftPatch,
  HistoryEntry,
  Rectification,
  RectificationFields,
  RectificationStatus,
  Result,
  Run,
  Unit,
} from "./types.js";

export { newId, nowIso };

export interface AnswerInput {
  itemKey: string;
  sectionId: string;
  itemId: string;
  leader: string | null;
  result: Result;
  note: string | null;
  evidence: string | null;
  naReason: string | null;
  /** Required for partial/fail; ignored otherwise. */
  rectification?: RectificationFields;
  /**
   * A pass answer on an item whose rectification (of an earlier round) is not closed yet: mark
   * it done (已完成, never 销号: that needs a verifier), with 完成情况 and a history note.
   */
  markDone?: { progress: string | null; note: string | null };
  /** History note when a partial/fail answer continues the rectification of an earlier round. */
  continueNote?: string | null;
}

export interface SavedAnswer {
  answer: Answer;
  /** The rectification the answer opened or continued (partial/fail), else null. */
  rectification: Rectification | null;
  /** True when that rectification was found in an earlier round and this answer continues it. */
  continued: boolean;
  /** The earlier round's rectification a pass answer marked done. */
  markedDone: Rectification | null;
}

export interface UnitMergeOutcome {
  into: Unit;
  runs: number;
  rectifications: number;
  /** FROM's unfinished runs set aside because INTO had one of the same checklist. */
  setAside: number;
}

export interface RectificationFilter {
  unitId?: string;
  runId?: string;
  status?: RectificationStatus;
  checklistId?: string;
  itemKey?: string;
}

export interface Store {
  readonly file: string;
  close(): void;
  /** Run `fn` in one write transaction (IMMEDIATE: the write lock is taken up front). */
  transaction<T>(fn: () => T): T;

  listUnits(): Unit[];
  getUnit(id: string): Unit | undefined;
  /** The unit of this name, or of a look-alike of it (same comparison key). */
  findUnitByName(name: string): Unit | undefined;
  /** Every unit's id, name and comparison key, for near-name checks. */
  unitNames(): { id: string; name: string; key: string }[];
  findUnitByCode(code: string): Unit | undefined;
  /** The unit with this name, created when new. */
  ensureUnit(
    name: string,
    extra?: { code?: string | null; township?: string | null; type?: string | null },
  ): Unit;
  /** Change a unit's roster fields (单位名册: name, code, township, type). */
  updateUnit(
    id: string,
    patch: { name?: string; code?: string | null; township?: string | null; type?: string | null },
  ): Unit;

  /**
   * units merge FROM INTO: FROM's runs and rectifications (and so their answers and history)
   * move to INTO, INTO takes the code, township and type it lacks, FROM's unfinished run is set
   * aside where INTO has one, and the merge is recorded (unit_merges); FROM is then removed.
   */
  mergeUnit(fromId: string, intoId: string): UnitMergeOutcome;
  /** The unit a merged unit (by its old id or name) lives on as, if it was merged. */
  mergedInto(fromId: string, fromName: string): Unit | undefined;

  saveSnapshot(loaded: LoadedChecklist): ChecklistSnapshot;
  getSnapshot(hash: string): ChecklistSnapshot | undefined;

  createRun(input: {
    id?: string;
    unitId: string;
    snapshot: ChecklistSnapshot;
    respondent: string;
    leaders: string[];
  }): Run;
  getRun(id: string): Run | undefined;
  /** Runs by start time; unfinished runs set aside for another are left out unless asked for. */
  listRuns(filter?: { unitId?: string; checklistId?: string; includeSetAside?: boolean }): Run[];
  /**
   * The unit's most recent run of a checklist (by start time), optionally only unfinished ones;
   * never one set aside. Throws RunAlreadyOpen from createRun when an unfinished one exists.
   */
  latestRun(unitId: string, checklistId: string, opts?: { unfinishedOnly?: boolean }): Run | undefined;
  updateRun(id: string, patch: { respondent?: string; leaders?: string[]; answersFileHash?: string }): Run;
  /** Set an unfinished run aside for run `by`: kept with its answers, never resumed. */
  supersedeRun(id: string, by: string): Run;
  finishRun(id: string): Run;

  /**
   * Store one answer (insert or revise) in one transaction: a partial/fail answer continues the
   * unit's not-closed rectification of the item (from any round) or opens one; a pass/na answer
   * drops a rectification this run opened, and may mark an earlier round's done. The draft of the
   * item goes with it.
   */
  saveAnswer(runId: string, input: AnswerInput): SavedAnswer;
  listAnswers(runId: string): Answer[];

  /** Keep what was typed so far for an answer not yet given (one field at a time). */
  saveDraft(runId: string, itemKey: string, patch: DraftPatch): AnswerDraft;
  listDrafts(runId: string): AnswerDraft[];
  deleteDraft(runId: string, itemKey: string): void;

  listRectifications(filter?: RectificationFilter): Rectification[];
  getRectification(id: string): Rectification | undefined;
  /** Rectifications whose id starts with `prefix` (for short ids typed by a person). */
  findRectifications(prefix: string): Rectification[];
  /** Apply a status change and append it to the history, in one transaction. */
  changeRectification(
    id: string,
    change: {
      toStatus: RectificationStatus;
      by: string | null;
      note: string | null;
      at?: string;
      patch?: Partial<Pick<Rectification, "progress" | "remark" | "closedAt" | "closedBy">>;
    },
  ): Rectification;
  listHistory(rectificationId: string): HistoryEntry[];

  /** The raw handle, for bulk paths (import, export) that need SQL the interface does not model. */
  readonly db: Db;
}

export class SqliteStore implements Store {
  readonly db: Db;
  readonly file: string;
  private readonly stmts: ReturnType<SqliteStore["prepare"]>;
  private readonly cache = new Map<string, Statement>();

  constructor(file: string, opts: OpenOptions = {}) {
    this.file = file;
    this.db = openDb(file, opts);
    this.stmts = this.prepare();
  }

  // Statements prepared once: the answer path runs them for every keypress-confirmed answer.
  private prepare() {
    const db = this.db;
    return {
      answerByKey: db.prepare("SELECT * FROM answers WHERE run_id = ? AND item_key = ?"),
      insertAnswer: db.prepare(
        `INSERT INTO answers (id, run_id, item_key, section_id, item_id, leader, result, note, evidence, na_reason,
           rectification_id, answered_at, updated_at, rev)
         VALUES (@id, @runId, @itemKey, @sectionId, @itemId, @leader, @result, @note, @evidence, @naReason,
           @rectificationId, @at, @at, 1)`,
      ),
      updateAnswer: db.prepare(
        `UPDATE answers SET result = @result, note = @note, evidence = @evidence, na_reason = @naReason,
           rectification_id = @rectificationId, updated_at = @at, rev = rev + 1
         WHERE id = @id`,
      ),
      rectByKey: db.prepare("SELECT * FROM rectifications WHERE run_id = ? AND item_key = ?"),
      rectById: db.prepare("SELECT * FROM rectifications WHERE id = ?"),
      // The one not-closed rectification the unit may have for a checklist item (an index says so).
      openRectOfItem: db.prepare(
        `SELECT * FROM rectifications WHERE unit_id = ? AND checklist_id = ? AND item_key = ?
           AND status <> 'closed' AND continued_by IS NULL`,
      ),
      insertRect: db.prepare(
        `INSERT INTO rectifications (id, run_id, unit_id, checklist_id, item_key, problem, measure, owner,
           leader_in_charge, department, deadline, kind, origin, evidence, status, created_at, updated_at, rev)
         VALUES (@id, @runId, @unitId, @checklistId, @itemKey, @problem, @measure, @owner,
           @leaderInCharge, @department, @deadline, @kind, @origin, @evidence, 'open', @at, @at, 1)`,
      ),
      setRectStatus: db.prepare(
        `UPDATE rectifications SET status = @status, progress = coalesce(@progress, progress), updated_at = @at,
           rev = rev + 1
         WHERE id = @id`,
      ),
      deleteDraft: db.prepare("DELETE FROM answer_drafts WHERE run_id = ? AND item_key = ?"),
      updateRectFields: db.prepare(
        `UPDATE rectifications SET problem = @problem, measure = @measure, owner = @owner, leader_in_charge = @leaderInCharge,
           department = @department, deadline = @deadline, kind = @kind, origin = @origin, evidence = @evidence, updated_at = @at,
           rev = rev + 1
         WHERE id = @id`,
      ),
      deleteRect: db.prepare("DELETE FROM rectifications WHERE id = ?"),
      // seq: the order entries were written in here, never taken from a clock.
      insertHistory: db.prepare(
        `INSERT INTO rectification_history (id, rectification_id, at, by, from_status, to_status, note, seq)
         VALUES (@id, @rectificationId, @at, @by, @fromStatus, @toStatus, @note,
           (SELECT coalesce(max(seq), 0) + 1 FROM rectification_history))`,
      ),
      touchRun: db.prepare("UPDATE runs SET updated_at = ? WHERE id = ?"),
      runById: db.prepare("SELECT * FROM runs WHERE id = ?"),
    };
  }

  /**
   * A prepared statement, cached by its text: queries such as listRectifications are run once
   * per unit by export and compare, and preparing them each time cost more than running them.
   */
  private sql(text: string): Statement {
    let stmt = this.cache.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.cache.set(text, stmt);
    }
    return stmt;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  listUnits(): Unit[] {
    return (this.sql("SELECT * FROM units ORDER BY name").all() as Row[]).map(toUnit);
  }
  getUnit(id: string): Unit | undefined {
    const r = this.sql("SELECT * FROM units WHERE id = ?").get(id) as Row | undefined;
    return r && toUnit(r);
  }
  findUnitByName(name: string): Unit | undefined {
    const exact = this.sql("SELECT * FROM units WHERE name = ?").get(name) as Row | undefined;
    if (exact) return toUnit(exact);
    const norm = normalizeUnitName(name);
    if (!norm.ok) return undefined;
    const r = this.sql("SELECT * FROM units WHERE name_key = ? ORDER BY rowid LIMIT 1").get(norm.key) as
      | Row
      | undefined;
    return r && toUnit(r);
  }
  unitNames(): { id: string; name: string; key: string }[] {
    return (this.sql("SELECT id, name, name_key FROM units ORDER BY rowid").all() as Row[]).map((r) => ({
      id: s(r.id),
      name: s(r.name),
      key: sn(r.name_key) ?? unitKey(s(r.name)),
    }));
  }
  findUnitByCode(code: string): Unit | undefined {
    const r = this.sql("SELECT * FROM units WHERE code = ?").get(code) as Row | undefined;
    return r && toUnit(r);
  }
  ensureUnit(
    name: string,
    extra: { code?: string | null; township?: string | null; type?: string | null } = {},
  ): Unit {
    const norm = normalizeUnitName(name);
    if (!norm.ok) throw new Error(`not a valid unit name (${norm.problem}): ${JSON.stringify(name)}`);
    return this.transaction(() => {
      const found = this.findUnitByName(norm.name);
      if (found) return found;
      const at = nowIso();
      const unit: Unit = {
        id: newId(),
        name: norm.name,
        code: extra.code ?? null,
        township: extra.township ?? null,
        type: extra.type ?? null,
        createdAt: at,
        updatedAt: at,
      };
      this.sql(
        `INSERT INTO units (id, name, code, township, type, created_at, updated_at, name_key, rev)
         VALUES (@id, @name, @code, @township, @type, @createdAt, @updatedAt, @key, 1)`,
      ).run({ ...unit, key: norm.key });
      return unit;
    });
  }

  updateUnit(
    id: string,
    patch: { name?: string; code?: string | null; township?: string | null; type?: string | null },
  ): Unit {
    return this.transaction(() => {
      const unit = this.getUnit(id);
      if (!unit) throw new Error(`unit ${id} not found`);
      const next: Unit = { ...unit, ...patch, updatedAt: nowIso() };
      const norm = normalizeUnitName(next.name);
      if (!norm.ok) throw new Error(`not a valid unit name (${norm.problem}): ${JSON.stringify(next.name)}`);
      next.name = norm.name;
      this.sql(
        `UPDATE units SET name = @name, code = @code, township = @township, type = @type, updated_at = @updatedAt,
           name_key = @key, rev = rev + 1 WHERE id = @id`,
      ).run({ ...next, key: norm.key });
      return next;
    });
  }

  mergeUnit(fromId: string, intoId: string): UnitMergeOutcome {
    return this.transaction(() => {
      const from = this.getUnit(fromId);
      const into = this.getUnit(intoId);
      if (!from || !into || from.id === into.id)
        throw new Error(`cannot merge unit ${fromId} into ${intoId}`);
      const at = nowIso();
      // One unfinished run per unit and checklist: FROM's is set aside where INTO has one.
      let setAside = 0;
      for (const run of this.listRuns({ unitId: from.id })) {
        if (run.status !== "in-progress") continue;
        const open = this.latestRun(into.id, run.checklistId, { unfinishedOnly: true });
        if (open) {
          this.supersedeRun(run.id, open.id);
          setAside++;
        }
      }
      const runs = this.sql(
        "UPDATE runs SET unit_id = ?, updated_at = ?, rev = rev + 1 WHERE unit_id = ?",
      ).run(into.id, at, from.id).changes;
      const rectifications = this.sql(
        "UPDATE rectifications SET unit_id = ?, updated_at = ?, rev = rev + 1 WHERE unit_id = ?",
      ).run(into.id, at, from.id).changes;
      this.sql(
        `INSERT INTO unit_merges (id, from_id, from_name, from_key, from_code, into_id, at, runs, rectifications)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(newId(), from.id, from.name, unitKey(from.name), from.code, into.id, at, runs, rectifications);
      // Later merges into FROM now lead to INTO as well.
      this.sql("UPDATE unit_merges SET into_id = ? WHERE into_id = ?").run(into.id, from.id);
      this.sql("DELETE FROM units WHERE id = ?").run(from.id);
      const filled = this.updateUnit(into.id, {
        code: into.code ?? from.code,
        township: into.township ?? from.township,
        type: into.type ?? from.type,
      });
      return { into: filled, runs, rectifications, setAside };
    });
  }
  mergedInto(fromId: string, fromName: string): Unit | undefined {
    const r = this.sql(
      "SELECT into_id FROM unit_merges WHERE from_id = ? OR from_key = ? ORDER BY at DESC LIMIT 1",
    ).get(fromId, unitKey(fromName)) as Row | undefined;
    return r ? this.getUnit(s(r.into_id)) : undefined;
  }

  saveSnapshot(loaded: LoadedChecklist): ChecklistSnapshot {
    const existing = this.getSnapshot(loaded.hash);
    if (existing) return existing;
    const snap: ChecklistSnapshot = {
      hash: loaded.hash,
      checklistId: loaded.checklist.id,
      version: loaded.checklist.version,
      title: loaded.checklist.title,
      content: loaded.text,
      createdAt: nowIso(),
    };
    this.transaction(() =>
      this.sql(
        "INSERT OR IGNORE INTO checklist_snapshots (hash, checklist_id, version, title, content, created_at) VALUES (@hash, @checklistId, @version, @title, @content, @createdAt)",
      ).run(snap),
    );
    return snap;
  }
  getSnapshot(hash: string): ChecklistSnapshot | undefined {
    const r = this.sql("SELECT * FROM checklist_snapshots WHERE hash = ?").get(hash) as Row | undefined;
    return r && toSnapshot(r);
  }

  createRun(input: {
    id?: string;
    unitId: string;
    snapshot: ChecklistSnapshot;
    respondent: string;
    leaders: string[];
  }): Run {
    const at = nowIso();
    const run: Run = {
      id: input.id ?? newId(),
      unitId: input.unitId,
      checklistHash: input.snapshot.hash,
      checklistId: input.snapshot.checklistId,
      checklistVersion: input.snapshot.version,
      respondent: input.respondent,
      leaders: input.leaders,
      status: "in-progress",
      startedAt: at,
      finishedAt: null,
      updatedAt: at,
      supersededBy: null,
      answersFileHash: null,
    };
    this.transaction(() => {
      try {
        this.sql(
          `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, leaders, status,
             started_at, finished_at, updated_at, rev)
           VALUES (@id, @unitId, @checklistHash, @checklistId, @checklistVersion, @respondent, @leadersJson, @status,
             @startedAt, NULL, @updatedAt, 1)`,
        ).run({ ...run, leadersJson: JSON.stringify(run.leaders), finishedAt: undefined });
      } catch (e) {
        // The database allows one unfinished run per unit and checklist (index runs_one_open).
        const open = this.latestRun(run.unitId, run.checklistId, { unfinishedOnly: true });
        if (open && (e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE")
          throw new RunAlreadyOpen(open);
        throw e;
      }
    });
    return run;
  }
  supersedeRun(id: string, by: string): Run {
    return this.transaction(() => {
      const at = nowIso();
      this.sql(
        `UPDATE runs SET superseded_by = ?, updated_at = ?, rev = rev + 1
         WHERE id = ? AND status = 'in-progress' AND superseded_by IS NULL`,
      ).run(by, at, id);
      return this.getRun(id)!;
    });
  }
  getRun(id: string): Run | undefined {
    const r = this.stmts.runById.get(id) as Row | undefined;
    return r && toRun(r);
  }
  listRuns(filter: { unitId?: string; checklistId?: string; includeSetAside?: boolean } = {}): Run[] {
    // Only the conditions given, so that SQLite can use the indexes (`x IS NULL OR …` defeats them).
    const where = [
      filter.unitId !== undefined && "unit_id = @unitId",
      filter.checklistId !== undefined && "checklist_id = @checklistId",
      filter.includeSetAside !== true && NOT_SET_ASIDE,
    ];
    const rows = this.sql(`SELECT * FROM runs ${whereOf(where)} ORDER BY started_at, rowid`).all({
      unitId: filter.unitId ?? null,
      checklistId: filter.checklistId ?? null,
    }) as Row[];
    return rows.map(toRun);
  }
  latestRun(unitId: string, checklistId: string, opts: { unfinishedOnly?: boolean } = {}): Run | undefined {
    const r = this.sql(
      `SELECT * FROM runs WHERE unit_id = ? AND checklist_id = ? AND ${NOT_SET_ASIDE}
         ${opts.unfinishedOnly ? "AND status = 'in-progress'" : ""}
         ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    ).get(unitId, checklistId) as Row | undefined;
    return r && toRun(r);
  }
  updateRun(id: string, patch: { respondent?: string; leaders?: string[]; answersFileHash?: string }): Run {
    return this.transaction(() => {
      const run = this.getRun(id);
      if (!run) throw new Error(`run ${id} not found`);
      const next = { ...run, ...patch, updatedAt: nowIso() };
      this.sql(
        "UPDATE runs SET respondent = ?, leaders = ?, answers_file_hash = ?, updated_at = ?, rev = rev + 1 WHERE id = ?",
      ).run(next.respondent, JSON.stringify(next.leaders), next.answersFileHash, next.updatedAt, id);
      return next;
    });
  }
  finishRun(id: string): Run {
    return this.transaction(() => {
      const at = nowIso();
      this.sql(
        "UPDATE runs SET status = 'complete', finished_at = ?, updated_at = ?, rev = rev + 1 WHERE id = ?",
      ).run(at, at, id);
      return this.getRun(id)!;
    });
  }

  saveAnswer(runId: string, input: AnswerInput): SavedAnswer {
    return this.transaction(() => {
      const runRow = this.stmts.runById.get(runId) as Row | undefined;
      if (!runRow) throw new Error(`run ${runId} not found`);
      const run = toRun(runRow);
      // A finished run is the record handed in: its answers no longer change (§6).
      if (run.status === "complete") throw new Error(`run ${runId} is complete; its answers cannot change`);
      const opens = input.result === "partial" || input.result === "fail";
      // Never store a problem without its rectification: that is what the ledger is for (§5).
      if (opens && !input.rectification) {
        throw new Error(`answer ${input.itemKey}: a ${input.result} answer needs its rectification`);
      }
      const at = nowIso();
      const prev = this.stmts.answerByKey.get(runId, input.itemKey) as Row | undefined;
      const own = this.stmts.rectByKey.get(runId, input.itemKey) as Row | undefined;
      const outcome =
        opens && input.rectification
          ? this.continueOrOpen(run, input, input.rectification, own, sn(prev?.rectification_id), at)
          : this.settleRectification(run, input, own, sn(prev?.rectification_id), at);
      const params = {
        ...input,
        runId,
        at,
        id: prev ? s(prev.id) : newId(),
        rectificationId: outcome.linked,
      };
      if (prev) this.stmts.updateAnswer.run(params);
      else this.stmts.insertAnswer.run(params);
      this.stmts.touchRun.run(at, runId);
      this.stmts.deleteDraft.run(runId, input.itemKey);
      const answer: Answer = {
        id: params.id,
        runId,
        itemKey: input.itemKey,
        sectionId: input.sectionId,
        itemId: input.itemId,
        leader: input.leader,
        result: input.result,
        note: input.note,
        evidence: input.evidence,
        naReason: input.naReason,
        rectificationId: outcome.linked,
        answeredAt: prev ? s(prev.answered_at) : at,
        updatedAt: at,
      };
      return {
        answer,
        rectification: outcome.rectification,
        continued: outcome.continued,
        markedDone: outcome.markedDone,
      };
    });
  }

  private rect(id: string | null): Rectification | undefined {
    const r = id === null ? undefined : (this.stmts.rectById.get(id) as Row | undefined);
    return r && toRectification(r);
  }

  private history(
    id: string,
    at: string,
    by: string | null,
    from: RectificationStatus | null,
    to: RectificationStatus,
    note: string | null,
  ) {
    this.stmts.insertHistory.run({
      id: newId(),
      rectificationId: id,
      at,
      by,
      fromStatus: from,
      toStatus: to,
      note,
    });
  }

  /**
   * partial/fail: the rectification this run opened for the item, else the unit's not-closed one
   * of any round (continued: its fields revised, a done one back to 整改中), else a new one.
   */
  private continueOrOpen(
    run: Run,
    input: AnswerInput,
    fields: RectificationFields,
    own: Row | undefined,
    linkedId: string | null,
    at: string,
  ): { rectification: Rectification; linked: string; continued: boolean; markedDone: null } {
    const openRow =
      own ?? (this.stmts.openRectOfItem.get(run.unitId, run.checklistId, input.itemKey) as Row | undefined);
    if (!openRow) {
      const id = newId();
      this.stmts.insertRect.run({
        ...fields,
        id,
        runId: run.id,
        unitId: run.unitId,
        checklistId: run.checklistId,
        itemKey: input.itemKey,
        at,
      });
      this.history(id, at, run.respondent, null, "open", null);
      return { rectification: this.rect(id)!, linked: id, continued: false, markedDone: null };
    }
    const current = toRectification(openRow);
    this.stmts.updateRectFields.run({ ...fields, id: current.id, at });
    const continued = current.runId !== run.id;
    if (continued && current.status === "done") {
      // Found again before it was verified: the work is not finished (整改中 again, with why).
      this.stmts.setRectStatus.run({ id: current.id, status: "in-progress", progress: null, at });
      this.history(current.id, at, run.respondent, "done", "in-progress", input.continueNote ?? null);
    } else if (continued && linkedId !== current.id) {
      // The first time this round sees it: the history says the problem is still there.
      this.history(
        current.id,
        at,
        run.respondent,
        current.status,
        current.status,
        input.continueNote ?? null,
      );
    }
    return { rectification: this.rect(current.id)!, linked: current.id, continued, markedDone: null };
  }

  /**
   * pass/na: a rectification this run opened no longer stands (revised before the run ended);
   * one of an earlier round stays, and a pass may mark it done (已完成; 销号 needs a verifier).
   */
  private settleRectification(
    run: Run,
    input: AnswerInput,
    own: Row | undefined,
    linkedId: string | null,
    at: string,
  ): { rectification: null; linked: string | null; continued: false; markedDone: Rectification | null } {
    if (own) this.stmts.deleteRect.run(s(own.id));
    const none = { rectification: null, continued: false as const };
    if (input.result !== "pass") return { ...none, linked: null, markedDone: null };
    const carriedRow = this.stmts.openRectOfItem.get(run.unitId, run.checklistId, input.itemKey) as
      | Row
      | undefined;
    const carried = carriedRow && toRectification(carriedRow);
    if (carried && input.markDone && (carried.status === "open" || carried.status === "in-progress")) {
      this.stmts.setRectStatus.run({ id: carried.id, status: "done", progress: input.markDone.progress, at });
      this.history(carried.id, at, run.respondent, carried.status, "done", input.markDone.note);
      return { ...none, linked: carried.id, markedDone: this.rect(carried.id)! };
    }
    // Still pointing at the rectification it marked done earlier in this run.
    const keep = carried && linkedId === carried.id ? carried.id : null;
    return { ...none, linked: keep, markedDone: null };
  }

  saveDraft(runId: string, itemKey: string, patch: DraftPatch): AnswerDraft {
    return this.transaction(() => {
      const at = nowIso();
      const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [
        keyof typeof DRAFT_COLUMNS,
        unknown,
      ][];
      const cols = entries.map(([k]) => DRAFT_COLUMNS[k]);
      const values = entries.map(([k, v]) =>
        k === "markDone"
          ? v === null
            ? null
            : v
              ? "yes"
              : "no"
          : k === "partialField" && typeof v === "string"
            ? (SNAKE_FIELD[v] ?? v)
            : v,
      );
      // A new result starts a new draft: what was typed for another result does not carry over.
      const prev = this.sql("SELECT result FROM answer_drafts WHERE run_id = ? AND item_key = ?").get(
        runId,
        itemKey,
      ) as Row | undefined;
      if (prev && prev.result !== patch.result) this.stmts.deleteDraft.run(runId, itemKey);
      this.sql(
        `INSERT INTO answer_drafts (run_id, item_key, ${cols.join(", ")}, updated_at)
         VALUES (?, ?, ${cols.map(() => "?").join(", ")}, ?)
         ON CONFLICT (run_id, item_key) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(", ")},
           updated_at = excluded.updated_at`,
      ).run(runId, itemKey, ...values, at);
      return toDraft(
        this.sql("SELECT * FROM answer_drafts WHERE run_id = ? AND item_key = ?").get(runId, itemKey) as Row,
      );
    });
  }
  listDrafts(runId: string): AnswerDraft[] {
    return (
      this.sql("SELECT * FROM answer_drafts WHERE run_id = ? ORDER BY updated_at, item_key").all(
        runId,
      ) as Row[]
    ).map(toDraft);
  }
  deleteDraft(runId: string, itemKey: string): void {
    this.transaction(() => this.stmts.deleteDraft.run(runId, itemKey));
  }
  listAnswers(runId: string): Answer[] {
    return (
      this.sql("SELECT * FROM answers WHERE run_id = ? ORDER BY answered_at, rowid").all(runId) as Row[]
    ).map(toAnswer);
  }

  listRectifications(filter: RectificationFilter = {}): Rectification[] {
    const where = [
      filter.unitId !== undefined && "unit_id = @unitId",
      filter.runId !== undefined && "run_id = @runId",
      filter.status !== undefined && "status = @status",
      filter.checklistId !== undefined && "checklist_id = @checklistId",
      filter.itemKey !== undefined && "item_key = @itemKey",
    ];
    const rows = this.sql(
      `SELECT * FROM rectifications ${whereOf(where)} ORDER BY created_at, item_key, id`,
    ).all({
      unitId: filter.unitId ?? null,
      runId: filter.runId ?? null,
      status: filter.status ?? null,
      checklistId: filter.checklistId ?? null,
      itemKey: filter.itemKey ?? null,
    }) as Row[];
    return rows.map(toRectification);
  }
  getRectification(id: string): Rectification | undefined {
    const r = this.sql("SELECT * FROM rectifications WHERE id = ?").get(id) as Row | undefined;
    return r && toRectification(r);
  }
  findRectifications(prefix: string): Rectification[] {
    const escaped = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    return (
      this.sql("SELECT * FROM rectifications WHERE id LIKE ? ESCAPE '\\' ORDER BY id").all(
        `${escaped}%`,
      ) as Row[]
    ).map(toRectification);
  }
  changeRectification(
    id: string,
    change: {
      toStatus: RectificationStatus;
      by: string | null;
      note: string | null;
      at?: string;
      patch?: Partial<Pick<Rectification, "progress" | "remark" | "closedAt" | "closedBy">>;
    },
  ): Rectification {
    return this.transaction(() => {
      const current = this.getRectification(id);
      if (!current) throw new Error(`rectification ${id} not found`);
      const at = change.at ?? nowIso();
      const next: Rectification = { ...current, ...change.patch, status: change.toStatus, updatedAt: at };
      this.sql(
        `UPDATE rectifications SET status = @status, progress = @progress, remark = @remark, closed_at = @closedAt,
             closed_by = @closedBy, updated_at = @updatedAt, rev = rev + 1 WHERE id = @id`,
      ).run(next);
      this.stmts.insertHistory.run({
        id: newId(),
        rectificationId: id,
        at,
        by: change.by,
        fromStatus: current.status,
        toStatus: change.toStatus,
        note: change.note,
      });
      return next;
    });
  }
  listHistory(rectificationId: string): HistoryEntry[] {
    return (
      (
        this.db
          // In the order written here (seq), never by a clock: an imported entry stamped a year ahead
          // by a school's wrong clock does not jump the bureau's follow-up.
          .prepare("SELECT * FROM rectification_history WHERE rectification_id = ? ORDER BY seq, rowid")
          .all(rectificationId) as Row[]
      ).map(toHistory)
    );
  }
}

/** Not an unfinished run that another replaced (see isSetAside). */
const NOT_SET_ASIDE = "NOT (status = 'in-progress' AND superseded_by IS NOT NULL)";

/** createRun found another unfinished run of the unit and checklist: the database allows one. */
export class RunAlreadyOpen extends Error {
  constructor(readonly open: Run) {
    super(`run ${open.id} is already open for this unit and checklist`);
  }
}

/** `WHERE a AND b` from the conditions that apply (false ones left out), or nothing. */
function whereOf(conditions: (string | false)[]): string {
  const given = conditions.filter((c): c is string => c !== false);
  return given.length === 0 ? "" : `WHERE ${given.join(" AND ")}`;
}

export function openStore(file: string, opts: OpenOptions = {}): Store {
  return new SqliteStore(file, opts);
}
