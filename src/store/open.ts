// Commands that read the database open what exists: a missing file is an input error (exit 2)
// naming the file looked for, never a new empty database created just to say it is empty.
import { existsSync } from "node:fs";
import { usageError } from "../errors.js";
import { openStore, type Store } from "./store.js";

/** `intent: "read"`: a database that cannot be written (a read-only share) is still read. */
export function openExistingStore(dbPath: string, intent: "read" | "write" = "write"): Store {
  if (!existsSync(dbPath)) throw usageError("db.missing", { db: dbPath }, { hintKey: "db.missing.hint" });
  return openStore(dbPath, { intent });
}
