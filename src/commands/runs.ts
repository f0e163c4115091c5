// The runs a command's --checklist may name: those the database has.
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { openExistingStore } from "../store/open.js";
import type { Store } from "../store/store.js";

/** --checklist names a checklist some run of the database has, or it is an input error (exit 2). */
export function requireRunChecklist(store: Store, checklist: string): void {
  const ids = [...new Set(store.listRuns().map((r) => r.checklistId))].sort();
  if (ids.includes(checklist)) return;
  throw usageError(
    "runs.unknownChecklist",
    { checklist, known: ids.join(t("table.separator")) || "—" },
    { hintKey: "runs.unknownChecklist.hint" },
  );
}

/** The existing database, opened, when its runs include --checklist (if given); closed again when not. */
export function openForChecklist(dbPath: string, checklist: string | undefined): Store {
  const store = openExistingStore(dbPath);
  try {
    if (checklist !== undefined) requireRunChecklist(store, checklist);
  } catch (e) {
    store.close();
    throw e;
  }
  return store;
}
