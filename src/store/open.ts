// The one way to a database: `openStore(location, { intent })`. The location is `--db` /
// LOOKBACK_DB: a postgres:// URL, or a SQLite file. The one rule for a database that does not
// exist: a command that only reads, or changes records that must exist, refuses it (exit 2,
// naming it), never creating an empty database just to say it is empty; one that records new
// things creates it. (src/commands/policies.ts says which command is which.)
import { existsSync } from "node:fs";
import { usageError } from "../errors.js";
import { engineOf } from "./driver.js";
import type { Store } from "./port.js";
import { SqliteStore } from "./store.js";
import { syncPortStore } from "./sync-port.js";

export interface StoreOpenOptions {
  /**
   * "read": the command only reads; a database it may not write (a read-only share) is still
   * read. "write": refused at once when it cannot be written, before any prompt.
   */
  intent: "read" | "write";
  /** Refuse a missing database even when writing (a command that changes records that must exist). */
  mustExist?: boolean;
}

export async function openStore(location: string, opts: StoreOpenOptions): Promise<Store> {
  if (engineOf(location) === "postgres") {
    // The PostgreSQL driver (src/store/pg/) is wired here with the shared SQL store.
    throw usageError("store.engineUnavailable", { db: location });
  }
  if ((opts.intent === "read" || opts.mustExist) && !existsSync(location)) {
    throw usageError("db.missing", { db: location }, { hintKey: "db.missing.hint" });
  }
  return syncPortStore(new SqliteStore(location, { intent: opts.intent }));
}
