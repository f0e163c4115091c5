// TEMPORARY: the asynchronous port (port.ts) over the synchronous SqliteStore of store.ts, so
// that every caller runs on the port before the shared SQL store (src/store/sql/) lands. It
// keeps what the SQLite file guarantees today (openDb: WAL, synchronous FULL, busy timeout,
// identity and version checks) and adds what the port promises: one transaction at a time on
// the one connection (an async mutex), BEGIN IMMEDIATE around a write callback, BEGIN (deferred)
// around a read one, savepoints for nested writes, and the `rev` check of a status change.
import type { LoadedChecklist } from "../checklist/schema.js";
import { databaseId } from "./db.js";
import {
  type AnswerInput,
  type RectificationChange,
  RectificationChanged,
  type RectificationFilter,
  type RunFilter,
  type Store,
  type StoreReads,
  type StoreWrites,
  type UnitFields,
  type WriteTx,
} from "./port.js";
import { type Store as SqliteStore, toRectification } from "./store.js";
import type { DraftPatch, Rectification } from "./types.js";

/** One holder at a time, in the order they asked; a failure releases the lock. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const SHORT = 8;

/** The reads of the port over the synchronous store (no lock: the caller holds it or needs none). */
function readsOver(s: SqliteStore): StoreReads {
  return {
    databaseId: async () => databaseId(s.db),
    listUnits: async () => s.listUnits(),
    getUnit: async (id) => s.getUnit(id),
    findUnitByName: async (name) => s.findUnitByName(name),
    findUnitByCode: async (code) => s.findUnitByCode(code),
    unitNames: async () => s.unitNames(),
    mergedInto: async (id, name) => s.mergedInto(id, name),
    getSnapshot: async (hash) => s.getSnapshot(hash),
    getRun: async (id) => s.getRun(id),
    listRuns: async (filter?: RunFilter) => s.listRuns(filter),
    latestRun: async (unitId, checklistId, opts) => s.latestRun(unitId, checklistId, opts),
    runChecklists: async (unitId?: string) => {
      const rows = s.db
        .prepare(
          `SELECT DISTINCT checklist_id AS id FROM runs ${unitId === undefined ? "" : "WHERE unit_id = ?"} ORDER BY checklist_id`,
        )
        .all(...(unitId === undefined ? [] : [unitId])) as { id: string }[];
      return rows.map((r) => r.id);
    },
    listAnswers: async (runId) => s.listAnswers(runId),
    listDrafts: async (runId) => s.listDrafts(runId),
    listRectifications: async (filter?: RectificationFilter) => s.listRectifications(filter),
    getRectification: async (id) => s.getRectification(id),
    findRectifications: async (prefix, limit) => {
      const found = s.findRectifications(prefix);
      return limit === undefined ? found : found.slice(0, limit);
    },
    shortIds: async (ids) => shortIdsOver(s, ids),
    listHistory: async (id) => s.listHistory(id),
  };
}

/**
 * Each id's first 8 characters, longer where another id shares them: the ids sorted around it
 * (its neighbours in the primary-key index) are the only ones that can share a longer prefix.
 */
function shortIdsOver(s: SqliteStore, ids: readonly string[]): Map<string, string> {
  const before = s.db.prepare("SELECT id FROM rectifications WHERE id < ? ORDER BY id DESC LIMIT 1");
  const after = s.db.prepare("SELECT id FROM rectifications WHERE id > ? ORDER BY id LIMIT 1");
  const common = (a: string, b: string | undefined) => {
    if (b === undefined) return 0;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  const out = new Map<string, string>();
  for (const id of ids) {
    if (out.has(id)) continue;
    const prev = (before.get(id) as { id: string } | undefined)?.id;
    const next = (after.get(id) as { id: string } | undefined)?.id;
    const shared = Math.max(common(id, prev), common(id, next));
    out.set(id, id.slice(0, Math.max(SHORT, shared + 1)));
  }
  return out;
}

/** The writes of the port over the synchronous store (each already one transaction or savepoint in it). */
function writesOver(s: SqliteStore): StoreWrites {
  return {
    ensureUnit: async (name, extra?: UnitFields) => s.ensureUnit(name, extra),
    updateUnit: async (id, patch) => s.updateUnit(id, patch),
    mergeUnit: async (from, into) => s.mergeUnit(from, into),
    saveSnapshot: async (loaded: LoadedChecklist) => s.saveSnapshot(loaded),
    createRun: async (input) => s.createRun(input),
    updateRun: async (id, patch) => s.updateRun(id, patch),
    supersedeRun: async (id, by) => s.supersedeRun(id, by),
    finishRun: async (id) => s.finishRun(id),
    saveAnswer: async (runId, input: AnswerInput) => s.saveAnswer(runId, input),
    saveDraft: async (runId, key, patch: DraftPatch) => s.saveDraft(runId, key, patch),
    deleteDraft: async (runId, key) => s.deleteDraft(runId, key),
    changeRectification: async (id, change: RectificationChange) =>
      s.transaction(() => {
        const { expectedRev, ...rest } = change;
        if (expectedRev !== undefined) {
          const row = s.db.prepare("SELECT * FROM rectifications WHERE id = ?").get(id) as
            | Record<string, unknown>
            | undefined;
          const current: Rectification | undefined = row && toRectification(row);
          if (current && current.rev !== expectedRev) throw new RectificationChanged(current);
        }
        return s.changeRectification(id, rest);
      }),
  };
}

type Methods = StoreReads & StoreWrites;

const legacyOf = new WeakMap<Store, SqliteStore>();

/** TEMPORARY, for the import command until import is the port's mergeSchool: the synchronous store. */
export function legacyStoreOf(store: Store): SqliteStore | undefined {
  return legacyOf.get(store);
}

/** The port over `sync`: its methods each take the lock for their one call; read/write hold it throughout. */
export function syncPortStore(sync: SqliteStore): Store {
  const db = sync.db;
  const mutex = new Mutex();
  let savepoints = 0;
  const methods: Methods = { ...readsOver(sync), ...writesOver(sync) };
  const savepoint = async <T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> => {
    const name = `sp${++savepoints}`;
    db.exec(`SAVEPOINT ${name}`);
    try {
      const out = await fn(tx);
      db.exec(`RELEASE ${name}`);
      return out;
    } catch (e) {
      db.exec(`ROLLBACK TO ${name}`);
      db.exec(`RELEASE ${name}`);
      throw e;
    }
  };
  const tx: WriteTx = { ...methods, savepoint };
  const inTransaction = async <T>(begin: string, fn: (tx: WriteTx) => Promise<T>): Promise<T> => {
    db.exec(begin);
    try {
      const out = await fn(tx);
      db.exec("COMMIT");
      return out;
    } catch (e) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw e;
    }
  };
  const locked = Object.fromEntries(
    Object.entries(methods).map(([name, fn]) => [
      name,
      (...args: unknown[]) => mutex.run(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as Methods;
  const store: Store = {
    ...locked,
    engine: "sqlite",
    location: sync.file,
    read: (fn) => mutex.run(() => inTransaction("BEGIN", fn)),
    write: (fn) => mutex.run(() => inTransaction("BEGIN IMMEDIATE", fn)),
    close: () => mutex.run(async () => sync.close()),
  };
  legacyOf.set(store, sync);
  return store;
}
