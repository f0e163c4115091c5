// The storage interface (port) every command and core module uses. It speaks the domain
// (units, runs, answers, rectifications), never SQL, and hands out no engine handle: the same
// commands run on the embedded SQLite file and on a PostgreSQL server.
//
// Contract:
// - Every method is asynchronous. A method called on the store is one transaction of its own;
//   several calls that must see one state, or change it all or nothing, go in `read(tx => …)`
//   or `write(tx => …)`, which declare the intent up front (a write takes the write lock before
//   its first statement, so two writers never both read, then both write). Inside the callback
//   only `tx` is used. The transaction commits when the callback resolves, rolls back when it
//   throws, and passes the error on. A write callback may run again after a PostgreSQL deadlock
//   or serialization failure: it does nothing outside the database before it returns.
// - Reads that grow with the number of units come as async iterables (flat memory: rows are
//   read a page or a cursor batch at a time), or as a fixed small number of queries per call;
//   never one query per row.
// - Orders are part of the result: each list says what it is sorted by, the same on both engines.
// - Errors: what the machine did (read-only, disk full, busy, connection lost) is a LookbackError
//   with its hint (exit 2); the rules the database enforces (one unfinished run per unit and
//   checklist, one rectification not closed per unit and item, a status change against the
//   version it was read at) come out as the typed errors below, whatever the engine.
import type { LoadedChecklist } from "../checklist/schema.js";
import type { SchoolMerge, SchoolMergeOptions } from "../import/types.js";
import type { SourceData } from "../import/validate.js";
import type { Engine } from "./driver.js";
import type {
  Answer,
  AnswerDraft,
  ChecklistSnapshot,
  DraftPatch,
  EvidenceFile,
  EvidenceTarget,
  HistoryEntry,
  InspectionGroup,
  InspectionMethod,
  Rectification,
  RectificationFields,
  RectificationStatus,
  Result,
  Run,
  Unit,
} from "./types.js";

export interface AnswerInput {
  itemKey: string;
  sectionId: string;
  itemId: string;
  leader: string | null;
  result: Result;
  note: string | null;
  evidence: string | null;
  naReason: string | null;
  /** 检查方式 of an inspection run's answer (absent or null: not recorded; a self-check has none). */
  method?: InspectionMethod | null;
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

export interface UnitFields {
  code?: string | null;
  township?: string | null;
  type?: string | null;
}

/**
 * Every unit's id and name, as two lists (the i-th name is the i-th id's): what a list of a
 * province's units needs to put them in its order, with no object per unit (30,000 of them
 * surviving while they are sorted made V8 double its young generation: `units --json` of 30,000
 * units on SQLite peaked at 103 MB, 83 MB with these lists).
 */
export interface UnitIdsAndNames {
  ids: string[];
  names: string[];
}

/** A unit's name and comparison key (for near-name checks). */
export interface UnitName {
  id: string;
  name: string;
  key: string;
}

/** What updateRun may change of a run. */
export interface RunPatch {
  respondent?: string;
  leaders?: string[];
  answersFileHash?: string;
  inspection?: InspectionGroup | null;
}

export interface RunFilter {
  unitId?: string;
  checklistId?: string;
  /** Unfinished runs set aside for another are left out unless asked for. */
  includeSetAside?: boolean;
}

export interface RectificationFilter {
  unitId?: string;
  runId?: string;
  status?: RectificationStatus;
  checklistId?: string;
  itemKey?: string;
}

/** Rectifications to stream: a filter, and what lists ask of it. */
export interface RectificationQuery extends RectificationFilter {
  /** Any of these statuses (empty or absent: all). */
  statuses?: readonly RectificationStatus[];
  /** Only those overdue on this local date (YYYY-MM-DD): a deadline before it, not done or closed. */
  overdueOn?: string;
  /** Leave out rectifications continued by another (part of that one's story, not ledger rows). */
  ledgerOnly?: boolean;
  /**
   * In the order a list shows them, urgent first, as of this local date (YYYY-MM-DD): overdue
   * (the longest overdue first), then still to do by deadline, then done, then closed (no
   * deadline last in each); then by unit name and item key (code point order), then the store's
   * order. Read by one statement the engine sorts (it streams inside read(tx => …)).
   */
  urgentOn?: string;
}

/** A rectification as lists and ledgers show it: with its unit, round and short id. */
export interface RectificationRow extends Rectification {
  /** Its first 8 characters, longer where another rectification of the database shares them. */
  shortId: string;
  unit: { id: string; name: string; code: string | null };
  /** The round (轮次) of the run that found it: 1 for the unit's first run of the checklist; null if set aside. */
  round: number | null;
}

/** A run with everything a report on it needs, read together (status, the ledger, 汇总). */
export interface RunDetail {
  run: Run;
  unit: Unit;
  /** The run's round (1 for the unit's first run of the checklist); null for a run set aside. */
  round: number | null;
  /**
   * Its place in the order runs were stored in (a later run, a larger number, across checklists):
   * what says which of two runs came first, whatever the clocks that stamped them said.
   */
  stored: number;
  /** In the order first given. */
  answers: Answer[];
  /** The rectifications this run found (by the day found, item key, id), continued later or not. */
  rectifications: Rectification[];
  /** The unit's closed rectifications found by earlier rounds of this checklist (for relapses, 反弹). */
  closedEarlier: Rectification[];
}

/** Of an answer, what counts, scores and relapses need. */
export type AnswerResult = Pick<Answer, "itemKey" | "result" | "rectificationId" | "method">;

/** Of a rectification, what the follow-up counts need (status, overdue, on the ledger). */
export type RectificationState = Pick<Rectification, "status" | "deadline" | "continuedBy">;

/**
 * A run as `status` counts it: RunDetail without the answer and rectification rows, their few
 * columns read aggregated in the database (one value per run, not one row per answer).
 */
export interface RunSummary {
  run: Run;
  unit: Pick<Unit, "id" | "name" | "code">;
  /** As RunDetail.round. */
  round: number | null;
  /** As RunDetail.stored. */
  stored: number;
  /** Every answer of the run, in the order first given (as RunDetail.answers). */
  answers: AnswerResult[];
  /** The rectifications this run found, in no set order. */
  rectifications: RectificationState[];
  /** As RunDetail.closedEarlier. */
  closedEarlier: Rectification[];
}

/** What a list of runs sorts by, to read the runs themselves a page at a time in that order. */
export interface RunKey {
  runId: string;
  /** Its unit's name (the unit id, if the unit is gone). */
  unitName: string;
  /** As RunDetail.stored. */
  stored: number;
}

/** A unit's latest run of a checklist, as picking the run of its ledger needs it (a few bytes a run). */
export interface LatestRun {
  runId: string;
  unitId: string;
  unitName: string;
  checklistId: string;
  /** As RunDetail.stored. */
  stored: number;
}

/** A unit's latest run of some snapshots, with its answers counted by 检查方式 (what 汇总's 最近督导检查 shows). */
export interface LatestRunMethods {
  run: Run;
  /** As RunDetail.stored. */
  stored: number;
  /** How many of the run's answers recorded each method; a method none recorded is left out. */
  methods: Partial<Record<InspectionMethod, number>>;
}

/** What one run's ledger (整改台账) shows of the store, read with those of other runs (ledgerSources). */
export interface LedgerSource {
  run: Run;
  /** Its unit; undefined when the unit is gone. */
  unit: Unit | undefined;
  /** The unit's runs of the run's checklist, not set aside, in run order (as listRuns). */
  runs: Run[];
  /**
   * Answers by run id (each list as listAnswers): of the run, and of each of `runs` after the
   * first (what relapses, 反弹, are found in).
   */
  answers: ReadonlyMap<string, Answer[]>;
  /** The unit's rectifications of the run's checklist (as listRectifications). */
  rectifications: Rectification[];
  /** The unit's evidence files not removed, of every checklist (as listEvidence). */
  evidence: EvidenceFile[];
}

export interface UnitRunCountQuery {
  withoutRunsOnly?: boolean;
  unitIds?: readonly string[];
}

/** A unit of the roster and how far it has got (已开展 / 未开展). */
export interface UnitRunCount {
  unit: Unit;
  /** Runs of any checklist, not counting those set aside. */
  runs: number;
  completeRuns: number;
}

/** A status change of a rectification, as status.ts plans it. */
export interface RectificationChange {
  toStatus: RectificationStatus;
  by: string | null;
  note: string | null;
  at?: string;
  patch?: Partial<Pick<Rectification, "progress" | "remark" | "closedAt" | "closedBy">>;
  /**
   * The revision the change was decided on (Rectification.rev as read): the change is refused
   * with RectificationChanged when another writer changed the rectification since.
   */
  expectedRev?: number;
}

/** Evidence files to list: those matching each filter given (every file when none), oldest first. */
export interface EvidenceFilter {
  unitId?: string;
  runId?: string;
  answerId?: string;
  rectificationId?: string;
  /** The attachments of one content (sha256). */
  hash?: string;
  /** Removed files too (kept with who removed them). */
  includeRemoved?: boolean;
}

/** A file's bytes handed to the store, piece by piece (at most EVIDENCE_CHUNK_BYTES each). */
export interface EvidenceContentInput {
  /** sha256 (hex) the pieces must hash to: checked as they are written. */
  hash: string;
  size: number;
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
}

/** An attachment: content already stored (putEvidenceContent), named and placed. */
export interface NewEvidence {
  target: EvidenceTarget;
  hash: string;
  name: string;
  size: number;
  mediaType: string;
  by: string | null;
  /** Written to the rectification's history (跟踪问效) when the file proves a rectification. */
  historyNote?: string | null;
}

/** The largest piece of a file one row holds. */
export const EVIDENCE_CHUNK_BYTES = 1024 * 1024;

export interface StoreReads {
  /** This database's own id (given to every database that imports it). */
  databaseId(): Promise<string>;

  /** Every unit, by name (code point order). */
  listUnits(): Promise<Unit[]>;
  /** The same units in the same order, read a page at a time (a province's are never held whole). */
  iterateUnits(): AsyncIterable<Unit>;
  getUnit(id: string): Promise<Unit | undefined>;
  /** The unit of this name, or of a look-alike of it (same comparison key; the first made). */
  findUnitByName(name: string): Promise<Unit | undefined>;
  findUnitByCode(code: string): Promise<Unit | undefined>;
  /** Every unit's id, name and comparison key, in the order they were made. */
  unitNames(): Promise<UnitName[]>;
  /** Every unit's id and name, in the order they were made (for a caller that sorts them). */
  unitIdsAndNames(): Promise<UnitIdsAndNames>;
  /**
   * The units whose names may be near `name` (a likely typo or short form of it): those sharing
   * its numbers and school level, so that a province is not read whole to warn of one look-alike.
   */
  unitNamesNear(name: string): Promise<UnitName[]>;
  /** The unit a merged unit (by its old id or name) lives on as, if it was merged. */
  mergedInto(fromId: string, fromName: string): Promise<Unit | undefined>;

  getSnapshot(hash: string): Promise<ChecklistSnapshot | undefined>;

  getRun(id: string): Promise<Run | undefined>;
  /** Runs whose id starts with `prefix` (typed by a person), by id, set aside or not; at most `limit` (20). */
  findRuns(prefix: string, limit?: number): Promise<Run[]>;
  /**
   * Runs in run order: the order this database stored them in (an imported file's runs in the
   * sender's order), never by their start times, which another machine's clock wrote.
   */
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /** The unit's latest run of a checklist (run order), optionally only an unfinished one; never one set aside. */
  latestRun(
    unitId: string,
    checklistId: string,
    opts?: { unfinishedOnly?: boolean },
  ): Promise<Run | undefined>;
  /** The checklists that runs exist for (of one unit, when given), by id. */
  runChecklists(unitId?: string): Promise<string[]>;
  /** The snapshots runs were made with (their hashes, sorted): what checklists are in use, once each. */
  runSnapshotHashes(): Promise<string[]>;

  /** A run's answers, in the order they were first given. */
  listAnswers(runId: string): Promise<Answer[]>;
  /** What was typed for answers not given yet, oldest first. */
  listDrafts(runId: string): Promise<AnswerDraft[]>;

  /** By the day they were found, then item key and id. */
  listRectifications(filter?: RectificationFilter): Promise<Rectification[]>;
  getRectification(id: string): Promise<Rectification | undefined>;
  /** Rectifications whose id starts with `prefix` (short ids typed by a person), by id; at most `limit`. */
  findRectifications(prefix: string, limit?: number): Promise<Rectification[]>;
  /**
   * The short id of each of `ids`: its first 8 characters, longer where another rectification
   * of the database shares them. Costs a few index lookups per id, whatever the database holds.
   */
  shortIds(ids: readonly string[]): Promise<Map<string, string>>;
  /** A rectification's history (跟踪问效) in the order it was written here, never by a clock. */
  listHistory(rectificationId: string): Promise<HistoryEntry[]>;

  // Set-based reads: a fixed few queries per page of rows, whatever the database holds. On the
  // store itself each page is read in a transaction of its own, so the loop body may use the
  // store between rows; inside read(tx => …) every page sees the one state of that transaction.

  /**
   * Rectifications with their unit, round and short id, streamed (pages of rows): by unit id,
   * checklist, item key, then the order they were stored in (a unit's rows come together); with
   * `urgentOn`, in a list's order (see there).
   */
  iterateRectifications(query?: RectificationQuery): AsyncIterable<RectificationRow>;
  /**
   * Runs with their unit, round, answers and rectifications, streamed (pages of runs): by unit
   * id, checklist, then run order (a unit's runs of a checklist come together, oldest first).
   */
  runDetails(filter?: RunFilter): AsyncIterable<RunDetail>;
  /**
   * As RunSummary, streamed in pages of a fixed few queries: the runs of a filter in runDetails'
   * order, or the runs of these ids in the order given (an id that names no run is left out).
   */
  runSummaries(select?: RunFilter | { runIds: readonly string[] }): AsyncIterable<RunSummary>;
  /**
   * The latest run (run order, not set aside) of each unit and checklist, of units that exist,
   * streamed (pages by keyset): by unit name (code point order), then run order. With
   * `checklistId`, of that checklist only (one run per unit).
   */
  latestRuns(filter?: { checklistId?: string }): AsyncIterable<LatestRun>;
  /**
   * Each unit's latest run (run order, not set aside: the last of listRuns) among the runs made
   * with any of these snapshots (hashes, a few: the snapshots in use of one kind), whether its
   * unit exists or not, with its answers counted by method in the database; streamed in pages
   * by keyset, in run order. Nothing when no hash is given.
   */
  latestRunsOfSnapshots(checklistHashes: readonly string[]): AsyncIterable<LatestRunMethods>;
  /**
   * What the ledgers of these runs show, streamed in the order given (an id that names no run is
   * left out), a page of runs at a time in a fixed few statements per page.
   */
  ledgerSources(runIds: readonly string[]): AsyncIterable<LedgerSource>;
  /** The runs of a filter as RunKey, in runDetails' order: one query, a few bytes a run. */
  runKeys(filter?: RunFilter): Promise<RunKey[]>;
  /**
   * Every unit with how many runs it has, by name (code point order). One query. With
   * `withoutRunsOnly`, only the units whose count of runs is 0 (未开展), picked by the database;
   * with `unitIds`, only these units (a page of a list sorted by unitNames).
   */
  unitRunCounts(opts?: UnitRunCountQuery): Promise<UnitRunCount[]>;

  // 佐证材料 (evidence files).

  /** Which of these contents (sha256) the database holds. */
  evidenceContentsPresent(hashes: readonly string[]): Promise<Set<string>>;
  /** Attachments by the time they were added, then the order they were stored in. */
  listEvidence(filter?: EvidenceFilter): Promise<EvidenceFile[]>;
  getEvidence(id: string): Promise<EvidenceFile | undefined>;
  /** Attachments whose id starts with `prefix` (typed by a person), by id; at most `limit`. */
  findEvidence(prefix: string, limit?: number): Promise<EvidenceFile[]>;
  /**
   * A content's bytes, piece by piece in order (one piece in memory at a time); nothing when the
   * database does not hold it. On the store itself each piece is read on its own (contents never
   * change once stored).
   */
  evidenceContent(hash: string): AsyncIterable<Buffer>;
  /**
   * The distinct contents a unit's attachments (not removed) hold: sha256 → size. What a unit
   * already holds is counted once towards its cap, however many files are attached again.
   */
  unitEvidenceContents(unitId: string): Promise<Map<string, number>>;
  /** Bytes of the distinct contents a unit's attachments (not removed) hold, with `more` counted in. */
  unitEvidenceBytes(unitId: string, more?: readonly { hash: string; size: number }[]): Promise<number>;
}

export interface StoreWrites {
  /** The unit with this name (or a look-alike's), created when new. */
  ensureUnit(name: string, extra?: UnitFields): Promise<Unit>;
  /** Change a unit's roster fields (单位名册: name, code, township, type). */
  updateUnit(id: string, patch: UnitFields & { name?: string }): Promise<Unit>;
  /**
   * units merge FROM INTO: FROM's runs and rectifications (and so their answers and history)
   * move to INTO, INTO takes the code, township and type it lacks, FROM's unfinished run is set
   * aside where INTO has one, and the merge is recorded; FROM is then removed.
   */
  mergeUnit(fromId: string, intoId: string): Promise<UnitMergeOutcome>;

  saveSnapshot(loaded: LoadedChecklist): Promise<ChecklistSnapshot>;

  /** Throws RunAlreadyOpen when the unit has an unfinished run of the checklist. */
  createRun(input: {
    id?: string;
    unitId: string;
    snapshot: ChecklistSnapshot;
    respondent: string;
    leaders: string[];
    /** The supervision group of an inspection run (absent or null: a self-check). */
    inspection?: InspectionGroup | null;
  }): Promise<Run>;
  updateRun(id: string, patch: RunPatch): Promise<Run>;
  /** Set an unfinished run aside for run `by`: kept with its answers, never resumed. */
  supersedeRun(id: string, by: string): Promise<Run>;
  finishRun(id: string): Promise<Run>;

  /**
   * Store one answer (insert or revise): a partial/fail answer continues the unit's not-closed
   * rectification of the item (from any round) or opens one; a pass/na answer drops a
   * rectification this run opened, and may mark an earlier round's done. The item's draft goes.
   */
  saveAnswer(runId: string, input: AnswerInput): Promise<SavedAnswer>;
  /** Keep what was typed so far for an answer not yet given (one field at a time). */
  saveDraft(runId: string, itemKey: string, patch: DraftPatch): Promise<AnswerDraft>;
  deleteDraft(runId: string, itemKey: string): Promise<void>;

  /**
   * Apply a status change and append it to the history. With `expectedRev`, refused
   * (RectificationChanged) when the rectification changed since it was read.
   */
  changeRectification(id: string, change: RectificationChange): Promise<Rectification>;

  /**
   * Merge one school's database (import), already read and validated by src/import, into this
   * one, in a savepoint of its own: records matched by identity, each decided against what was
   * last taken from that sender (merge bases), a record both sides changed kept as it is here and
   * logged with both versions, history numbered here in the order it arrives. A file the
   * database refuses (a second not-closed rectification of an item, an id taken by another
   * record) comes back `ok: false` with nothing of it kept; a failure of the machine is thrown.
   * Costs a fixed number of statements per file (batched), not one per row.
   */
  mergeSchool(data: SourceData, opts: SchoolMergeOptions): Promise<SchoolMerge>;

  /**
   * Store a content by its sha256, piece by piece, unless the database holds it already (then
   * the pieces are not read): true when stored. Pieces that do not hash to `hash` (or add up to
   * another size) throw EvidenceContentMismatch; the caller's transaction or savepoint then
   * rolls back what was written.
   */
  putEvidenceContent(input: EvidenceContentInput): Promise<boolean>;
  /** Attach stored content to an answer or a rectification (of a unit, found from the target). */
  attachEvidence(input: NewEvidence): Promise<EvidenceFile>;
  /** Mark an attachment removed (kept, with who and when); the rectification's history says so. */
  removeEvidence(id: string, by: string | null, historyNote?: string | null): Promise<EvidenceFile>;
}

export interface ReadTx extends StoreReads {}

export interface WriteTx extends StoreReads, StoreWrites {
  /** A nested transaction: a failure inside rolls back to here alone, and is passed on. */
  savepoint<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
}

export interface Store extends StoreReads, StoreWrites {
  readonly engine: Engine;
  /** Where the database is, for a person: the file, or the server URL without its password. */
  readonly location: string;
  read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T>;
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** createRun found another unfinished run of the unit and checklist: the database allows one. */
export class RunAlreadyOpen extends Error {
  constructor(readonly open: Run) {
    super(`run ${open.id} is already open for this unit and checklist`);
  }
}

/** A status change decided on a rectification that another writer changed meanwhile. */
export class RectificationChanged extends Error {
  constructor(readonly current: Rectification) {
    super(`rectification ${current.id} changed meanwhile (now ${current.status}, revision ${current.rev})`);
  }
}

/** Bytes given as a content did not hash to the sha256 they were given with (or another size). */
export class EvidenceContentMismatch extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly size: number,
  ) {
    super(`content ${expected} does not match: sha256 ${actual}, ${size} bytes`);
  }
}
