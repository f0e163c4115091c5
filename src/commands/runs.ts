// Opening the database for a command that takes --checklist: a checklist no run has is an
// input error (src/store/run-checklist.ts), and the database is closed again when it is one.
import { openExistingStore } from "../store/open.js";
import { requireRunChecklist } from "../store/run-checklist.js";
import type { Store } from "../store/store.js";

/** The existing database, opened, when its runs include --checklist (if given); closed again when not. */
export function openForChecklist(dbPath: string, checklist: string | undefined): Store {
  // Every command that takes --checklist here only reads (export, report, compare, rectify list).
  const store = openExistingStore(dbPath, "read");
  try {
    if (checklist !== undefined) requireRunChecklist(store, checklist);
  } catch (e) {
    store.close();
    throw e;
  }
  return store;
}
