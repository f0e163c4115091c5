// A --checklist that names a checklist no run of the database has: one answer for every
// command that takes it (export, compare, rectify list), so the same mistake gets the same
// message and exit code.
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { Store } from "./store.js";

/** Throws an input error (exit 2) naming the checklists runs exist for, unless `checklist` is one. */
export function requireRunChecklist(store: Store, checklist: string, unitId?: string): void {
  const runs = store.listRuns(unitId === undefined ? {} : { unitId });
  const ids = [...new Set(runs.map((r) => r.checklistId))].sort();
  if (ids.includes(checklist)) return;
  throw usageError(
    "runs.unknownChecklist",
    { checklist, known: ids.join(t("table.separator")) || "—" },
    { hintKey: "runs.unknownChecklist.hint" },
  );
}
