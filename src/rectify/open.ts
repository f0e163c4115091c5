// Follow-up commands read what exists: a missing database is an input error (exit 2),
// never a new empty file.
import { existsSync } from "node:fs";
import { usageError } from "../errors.js";
import { openStore, type Store } from "../store/store.js";

export function openExistingStore(dbPath: string, intent: "read" | "write" = "write"): Store {
  if (!existsSync(dbPath)) throw usageError("rectify.noDb", { db: dbPath }, { hintKey: "rectify.noDb.hint" });
  return openStore(dbPath, { intent });
}
