// What every command does the same way, in one place: opening the database for what the
// command means to do with it, finding the unit a person named, checking a --checklist
// against the runs, and printing the same data as text or as JSON.

import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { Store, StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";
import { resolveUnit } from "../units/resolve.js";
import { unknownUnitsError } from "../units/suggest.js";
import { jsonChunks, writeChunks } from "../util/json-stream.js";

export { JsonLater, JsonList } from "../util/json-stream.js";

/**
 * What a command does with the database:
 * - "read": only reads. A missing database is an input error (exit 2) naming it, never an
 *   empty one created to say it is empty; one the user may not write is still read.
 * - "update": changes records that must exist already (a unit renamed, a rectification moved
 *   on): a missing database is refused the same way, one that cannot be written at once.
 * - "create": records new things (check, import): a missing database is created.
 */
export type StoreUse = "read" | "update" | "create";

export async function openFor(ctx: Context, use: StoreUse): Promise<Store> {
  // Loaded here, not at the top: the guide uses this module and opens no database.
  const { openStore } = await import("../store/open.js");
  // A server database without lookback's tables is refused before anything is created: opened
  // for reading first (the SQLite driver checks for the file itself: mustExist).
  if (use === "update" && ctx.dbEngine === "postgres")
    await (await openStore(ctx.dbPath, { intent: "read" })).close();
  return openStore(ctx.dbPath, { intent: use === "read" ? "read" : "write", mustExist: use === "update" });
}

/** The database as a person is shown it: the file, or the server URL without its password. */
export function dbLabel(ctx: Context): string {
  return ctx.dbShown;
}

/** Open the database for `use`, run `fn` on it, and close it whatever happens. */
export async function withStore<T>(
  ctx: Context,
  use: StoreUse,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openFor(ctx, use);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * The unit a person named (--unit, or an argument): by name or a look-alike of it, else by code
 * (单位代码); else an input error (exit 2) naming the database (`db`, its location) and the
 * likeliest units.
 */
export async function requireUnit(store: StoreReads, nameOrCode: string, db: string): Promise<Unit> {
  const unit = await resolveUnit(store, nameOrCode);
  if (unit) return unit;
  throw await unknownUnitsError(store, [nameOrCode], db);
}

/** Throws an input error (exit 2) naming the checklists runs exist for, unless `checklist` is one. */
export async function requireRunChecklist(
  store: StoreReads,
  checklist: string,
  unitId?: string,
): Promise<void> {
  const ids = await store.runChecklists(unitId);
  if (ids.includes(checklist)) return;
  throw usageError(
    "runs.unknownChecklist",
    { checklist, known: ids.join(t("table.separator")) || "—" },
    { hintKey: "runs.unknownChecklist.hint" },
  );
}

/** The database opened for reading, when its runs include --checklist (if given); closed again when not. */
export async function openForChecklist(ctx: Context, checklist: string | undefined): Promise<Store> {
  const store = await openFor(ctx, "read");
  try {
    if (checklist !== undefined) await requireRunChecklist(store, checklist);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/**
 * A JSON document whose long lists (values wrapped in JsonList) are written item by item as
 * they come, never as one string: the text is that of `JSON.stringify(doc, null, 2)`.
 */
export function writeJsonDocument(ctx: Context, doc: Record<string, unknown>): Promise<void> {
  return writeChunks(ctx.stdout, jsonChunks(doc));
}
