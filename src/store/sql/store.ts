// The store (port.ts) written once, in portable SQL over a Driver (driver.ts): the same code
// runs on the SQLite file and on a PostgreSQL server. SqlTx is the store seen from inside one
// transaction; SqlStore runs each of its methods in a transaction of its own, or hands a SqlTx
// to read()/write().
import type { LoadedChecklist } from "../../checklist/schema.js";
import type { SchoolMergeOptions } from "../../import/types.js";
import type { SourceData } from "../../import/validate.js";
import type { Driver, DriverTx } from "../driver.js";
import type {
  AnswerInput,
  EvidenceContentInput,
  EvidenceFilter,
  NewEvidence,
  ReadTx,
  RectificationChange,
  RectificationFilter,
  RectificationQuery,
  RunFilter,
  RunPatch,
  Store,
  UnitFields,
  UnitRunCountQuery,
  WriteTx,
} from "../port.js";
import type { DraftPatch } from "../types.js";
import * as answers from "./answers.js";
import type { Sql } from "./context.js";
import * as evidence from "./evidence.js";
import * as history from "./history.js";
import * as ledgers from "./ledgers.js";
import * as rects from "./rectifications.js";
import { s } from "./rows.js";
import * as runs from "./runs.js";
import * as sets from "./sets.js";
import * as units from "./units.js";

/** The store inside one transaction of the driver. */
export class SqlTx implements WriteTx, Sql {
  constructor(
    readonly tx: DriverTx,
    private readonly driver: Driver,
  ) {}

  get dialect() {
    return this.driver.dialect;
  }
  violation(e: unknown) {
    return this.driver.violation(e);
  }
  savepoint<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.tx.savepoint((inner) => fn(new SqlTx(inner, this.driver)));
  }

  async databaseId(): Promise<string> {
    const row = await this.tx.get("SELECT value FROM meta WHERE key = 'db_id'");
    if (!row) throw new Error("database has no id");
    return s(row.value);
  }

  listUnits = () => units.listUnits(this);
  getUnit = (id: string) => units.getUnit(this, id);
  findUnitByName = (name: string) => units.findUnitByName(this, name);
  findUnitByCode = (code: string) => units.findUnitByCode(this, code);
  unitNames = () => units.unitNames(this);
  unitIdsAndNames = () => units.unitIdsAndNames(this);
  unitNamesNear = (name: string) => units.unitNamesNear(this, name);
  mergedInto = (fromId: string, fromName: string) => units.mergedInto(this, fromId, fromName);
  ensureUnit = (name: string, extra?: UnitFields) => units.ensureUnit(this, name, extra);
  updateUnit = (id: string, patch: UnitFields & { name?: string }) => units.updateUnit(this, id, patch);
  mergeUnit = (fromId: string, intoId: string) => units.mergeUnit(this, fromId, intoId);

  getSnapshot = (hash: string) => runs.getSnapshot(this, hash);
  saveSnapshot = (loaded: LoadedChecklist) => runs.saveSnapshot(this, loaded);
  getRun = (id: string) => runs.getRun(this, id);
  findRuns = (prefix: string, limit?: number) => runs.findRuns(this, prefix, limit);
  listRuns = (filter?: RunFilter) => runs.listRuns(this, filter);
  latestRun = (unitId: string, checklistId: string, opts?: { unfinishedOnly?: boolean }) =>
    runs.latestRun(this, unitId, checklistId, opts);
  runChecklists = (unitId?: string) => runs.runChecklists(this, unitId);
  runSnapshotHashes = () => runs.runSnapshotHashes(this);
  createRun = (input: runs.NewRun) => runs.createRun(this, input);
  updateRun = (id: string, patch: RunPatch) => runs.updateRun(this, id, patch);
  supersedeRun = (id: string, by: string) => runs.supersedeRun(this, id, by);
  finishRun = (id: string) => runs.finishRun(this, id);

  listAnswers = (runId: string) => answers.listAnswers(this, runId);
  saveAnswer = (runId: string, input: AnswerInput) => answers.saveAnswer(this, runId, input);
  listDrafts = (runId: string) => answers.listDrafts(this, runId);
  saveDraft = (runId: string, itemKey: string, patch: DraftPatch) =>
    answers.saveDraft(this, runId, itemKey, patch);
  deleteDraft = (runId: string, itemKey: string) => answers.deleteDraft(this, runId, itemKey);

  listRectifications = (filter?: RectificationFilter) => rects.listRectifications(this, filter);
  getRectification = (id: string) => rects.getRectification(this, id);
  findRectifications = (prefix: string, limit?: number) => rects.findRectifications(this, prefix, limit);
  shortIds = (ids: readonly string[]) => rects.shortIds(this, ids);
  changeRectification = (id: string, change: RectificationChange) =>
    rects.changeRectification(this, id, change);
  // Loaded on first use: only import needs it.
  mergeSchool = async (data: SourceData, opts: SchoolMergeOptions) =>
    (await import("../../import/merge.js")).mergeSchool(this.tx, this, data, opts);
  listHistory = (rectificationId: string) => history.listHistory(this, rectificationId);

  // Every page in this transaction.
  private readonly pages: sets.PageReader = (fn) => fn(this);
  iterateRectifications = (query?: RectificationQuery) => sets.iterateRectifications(this.pages, query, this);
  runDetails = (filter?: RunFilter) => sets.runDetails(this.pages, filter);
  runSummaries = (select?: RunFilter | { runIds: readonly string[] }) =>
    sets.runSummaries(this.pages, select);
  runKeys = (filter?: RunFilter) => sets.runKeys(this, filter);
  unitRunCounts = (opts?: UnitRunCountQuery) => sets.unitRunCounts(this, opts);
  iterateUnits = () => ledgers.iterateUnits(this.pages);
  latestRuns = (filter?: { checklistId?: string }) => ledgers.latestRuns(this.pages, filter);
  ledgerSources = (runIds: readonly string[]) => ledgers.ledgerSources(this.pages, runIds);
  latestRunsOfSnapshots = (hashes: readonly string[]) => ledgers.latestRunsOfSnapshots(this.pages, hashes);

  evidenceContentsPresent = (hashes: readonly string[]) => evidence.evidenceContentsPresent(this, hashes);
  listEvidence = (filter?: EvidenceFilter) => evidence.listEvidence(this, filter);
  getEvidence = (id: string) => evidence.getEvidence(this, id);
  findEvidence = (prefix: string, limit?: number) => evidence.findEvidence(this, prefix, limit);
  evidenceContent = (hash: string) => evidence.contentPieces((seq) => evidence.contentPiece(this, hash, seq));
  unitEvidenceContents = (unitId: string) => evidence.unitEvidenceContents(this, unitId);
  unitEvidenceBytes = (unitId: string, more?: readonly { hash: string; size: number }[]) =>
    evidence.unitEvidenceBytes(this, unitId, more);
  putEvidenceContent = (input: EvidenceContentInput) => evidence.putEvidenceContent(this, input);
  attachEvidence = (input: NewEvidence) => evidence.attachEvidence(this, input);
  removeEvidence = (id: string, by: string | null, historyNote?: string | null) =>
    evidence.removeEvidence(this, id, by, historyNote);
}

type Reads = Omit<ReadTx, never>;
type Writes = Omit<WriteTx, keyof ReadTx | "savepoint">;

/** The port over a driver: each method alone is one transaction (read or write, as it does). */
export class SqlStore implements Store {
  constructor(private readonly driver: Driver) {}

  get engine() {
    return this.driver.engine;
  }
  get location() {
    return this.driver.location;
  }

  read<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.driver.transaction("read", (tx) => fn(new SqlTx(tx, this.driver)));
  }
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.driver.transaction("write", (tx) => fn(new SqlTx(tx, this.driver)));
  }
  close(): Promise<void> {
    return this.driver.close();
  }

  private r<K extends keyof Reads>(name: K, ...args: Parameters<Reads[K]>): ReturnType<Reads[K]> {
    return this.read((tx) => (tx[name] as (...a: unknown[]) => Promise<unknown>)(...args)) as ReturnType<
      Reads[K]
    >;
  }
  private w<K extends keyof Writes>(name: K, ...args: Parameters<Writes[K]>): ReturnType<Writes[K]> {
    return this.write((tx) => (tx[name] as (...a: unknown[]) => Promise<unknown>)(...args)) as ReturnType<
      Writes[K]
    >;
  }

  databaseId = () => this.r("databaseId");
  listUnits = () => this.r("listUnits");
  getUnit = (id: string) => this.r("getUnit", id);
  findUnitByName = (name: string) => this.r("findUnitByName", name);
  findUnitByCode = (code: string) => this.r("findUnitByCode", code);
  unitNames = () => this.r("unitNames");
  unitIdsAndNames = () => this.r("unitIdsAndNames");
  unitNamesNear = (name: string) => this.r("unitNamesNear", name);
  mergedInto = (fromId: string, fromName: string) => this.r("mergedInto", fromId, fromName);
  getSnapshot = (hash: string) => this.r("getSnapshot", hash);
  getRun = (id: string) => this.r("getRun", id);
  findRuns = (prefix: string, limit?: number) => this.r("findRuns", prefix, limit);
  listRuns = (filter?: RunFilter) => this.r("listRuns", filter);
  latestRun = (unitId: string, checklistId: string, opts?: { unfinishedOnly?: boolean }) =>
    this.r("latestRun", unitId, checklistId, opts);
  runChecklists = (unitId?: string) => this.r("runChecklists", unitId);
  runSnapshotHashes = () => this.r("runSnapshotHashes");
  listAnswers = (runId: string) => this.r("listAnswers", runId);
  listDrafts = (runId: string) => this.r("listDrafts", runId);
  listRectifications = (filter?: RectificationFilter) => this.r("listRectifications", filter);
  getRectification = (id: string) => this.r("getRectification", id);
  findRectifications = (prefix: string, limit?: number) => this.r("findRectifications", prefix, limit);
  shortIds = (ids: readonly string[]) => this.r("shortIds", ids);
  listHistory = (rectificationId: string) => this.r("listHistory", rectificationId);
  unitRunCounts = (opts?: UnitRunCountQuery) => this.r("unitRunCounts", opts);
  runKeys = (filter?: RunFilter) => this.r("runKeys", filter);
  evidenceContentsPresent = (hashes: readonly string[]) => this.r("evidenceContentsPresent", hashes);
  listEvidence = (filter?: EvidenceFilter) => this.r("listEvidence", filter);
  getEvidence = (id: string) => this.r("getEvidence", id);
  findEvidence = (prefix: string, limit?: number) => this.r("findEvidence", prefix, limit);
  unitEvidenceContents = (unitId: string) => this.r("unitEvidenceContents", unitId);
  unitEvidenceBytes = (unitId: string, more?: readonly { hash: string; size: number }[]) =>
    this.r("unitEvidenceBytes", unitId, more);
  // Each piece in a read of its own: a content never changes once stored.
  evidenceContent = (hash: string) =>
    evidence.contentPieces((seq) => this.read((tx) => evidence.contentPiece(tx as SqlTx, hash, seq)));

  // Each page in a read transaction of its own: between pages the store is free for the loop body.
  private readonly pages: sets.PageReader = (fn) => this.read((tx) => fn(tx as SqlTx));
  iterateRectifications = (query?: RectificationQuery) => sets.iterateRectifications(this.pages, query);
  runDetails = (filter?: RunFilter) => sets.runDetails(this.pages, filter);
  runSummaries = (select?: RunFilter | { runIds: readonly string[] }) =>
    sets.runSummaries(this.pages, select);
  iterateUnits = () => ledgers.iterateUnits(this.pages);
  latestRuns = (filter?: { checklistId?: string }) => ledgers.latestRuns(this.pages, filter);
  ledgerSources = (runIds: readonly string[]) => ledgers.ledgerSources(this.pages, runIds);
  latestRunsOfSnapshots = (hashes: readonly string[]) => ledgers.latestRunsOfSnapshots(this.pages, hashes);

  ensureUnit = (name: string, extra?: UnitFields) => this.w("ensureUnit", name, extra);
  updateUnit = (id: string, patch: UnitFields & { name?: string }) => this.w("updateUnit", id, patch);
  mergeUnit = (fromId: string, intoId: string) => this.w("mergeUnit", fromId, intoId);
  saveSnapshot = (loaded: LoadedChecklist) => this.w("saveSnapshot", loaded);
  createRun = (input: runs.NewRun) => this.w("createRun", input);
  updateRun = (id: string, patch: RunPatch) => this.w("updateRun", id, patch);
  supersedeRun = (id: string, by: string) => this.w("supersedeRun", id, by);
  finishRun = (id: string) => this.w("finishRun", id);
  saveAnswer = (runId: string, input: AnswerInput) => this.w("saveAnswer", runId, input);
  saveDraft = (runId: string, itemKey: string, patch: DraftPatch) =>
    this.w("saveDraft", runId, itemKey, patch);
  deleteDraft = (runId: string, itemKey: string) => this.w("deleteDraft", runId, itemKey);
  changeRectification = (id: string, change: RectificationChange) =>
    this.w("changeRectification", id, change);
  mergeSchool = (data: SourceData, opts: SchoolMergeOptions) => this.w("mergeSchool", data, opts);
  putEvidenceContent = (input: EvidenceContentInput) => this.w("putEvidenceContent", input);
  attachEvidence = (input: NewEvidence) => this.w("attachEvidence", input);
  removeEvidence = (id: string, by: string | null, historyNote?: string | null) =>
    this.w("removeEvidence", id, by, historyNote);
}
