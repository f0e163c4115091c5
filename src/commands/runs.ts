// The runs a command's --checklist may name: those the database has.
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
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
