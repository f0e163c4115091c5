// Applying a status change: the rules of status.ts, checked and written in one transaction
// so that two clerks updating the same item cannot both move it from the same status.
import { type MessageKey, type Params, t } from "../i18n/index.js";
import { checklistOfRun } from "../run/snapshot.js";
import type { Store, StoreReads } from "../store/port.js";
import type { HistoryEntry, Rectification, RectificationStatus } from "../store/types.js";
import { planUpdate, statusKey, type UpdateRefusal, type UpdateRequest } from "./status.js";

export type UpdateOutcome =
  | { ok: true; before: Rectification; after: Rectification; entry: HistoryEntry }
  | { ok: false; refusal: UpdateRefusal };

export function updateRectification(
  store: Store,
  id: string,
  req: UpdateRequest,
  today: string,
): Promise<UpdateOutcome> {
  // The write lock is taken before the rectification is read (IMMEDIATE / row lock), and the
  // change carries the revision it was decided on.
  return store.write(async (tx): Promise<UpdateOutcome> => {
    const before = await tx.getRectification(id);
    if (!before) throw new Error(`rectification ${id} not found`);
    const plan = planUpdate(before, req, today);
    if (!plan.ok) return plan;
    if (plan.change.toStatus === "closed") {
      const missing = await missingProof(tx, before);
      if (missing) return { ok: false, refusal: missing };
    }
    if (before.status === "closed" && plan.change.toStatus !== "closed") {
      // The item may hold one not-closed rectification: a relapse already opened one.
      const other = (
        await tx.listRectifications({
          unitId: before.unitId,
          checklistId: before.checklistId,
          itemKey: before.itemKey,
        })
      ).find((r) => r.id !== id && r.status !== "closed" && r.continuedBy === null);
      if (other) return { ok: false, refusal: { kind: "open-elsewhere", other: other.id } };
    }
    const after = await tx.changeRectification(id, { ...plan.change, expectedRev: before.rev });
    const entry = (await tx.listHistory(id)).at(-1);
    if (!entry) throw new Error(`rectification ${id}: history entry missing after update`);
    return { ok: true, before, after, entry };
  });
}

/**
 * 销号 on proof: where the rectification's checklist (as its run stored it) says
 * `rectify: { require_evidence_to_close: true }`, at least one evidence file attached to it.
 */
async function missingProof(tx: StoreReads, rect: Rectification): Promise<UpdateRefusal | undefined> {
  const run = await tx.getRun(rect.runId);
  if (!run) return undefined;
  const checklist = await checklistOfRun(tx, run);
  if (checklist.rectify?.require_evidence_to_close !== true) return undefined;
  if ((await tx.listEvidence({ rectificationId: rect.id })).length > 0) return undefined;
  return { kind: "needs-evidence", checklist: checklist.id };
}

/** "已完成（done）" / "Done (已完成)": the label a person reads, with the code they can type. */
export function statusLabel(s: RectificationStatus): string {
  return t("rectify.statusWithCode", { label: t(statusKey(s)), code: s });
}

export interface RefusalText {
  key: MessageKey;
  params: Params;
  hintKey: MessageKey;
  /** 2 when an option is missing (usage), 1 when the item's status does not allow the move. */
  exitCode: 1 | 2;
}

/** The message, hint and exit code for a refused update; `id` is the short id shown to the user. */
export function describeRefusal(refusal: UpdateRefusal, id: string): RefusalText {
  const list = (xs: readonly RectificationStatus[]) => xs.map(statusLabel).join(t("rectify.listSeparator"));
  switch (refusal.kind) {
    case "not-allowed":
      return {
        key: refusal.to === "closed" ? "rectify.refused.closeNotDone" : "rectify.refused.notAllowed",
        params: {
          id,
          from: statusLabel(refusal.from),
          to: statusLabel(refusal.to),
          allowed: list(refusal.allowed),
        },
        hintKey: "rectify.refused.allowed",
        exitCode: 1,
      };
    case "unchanged":
      return {
        key: "rectify.refused.unchanged",
        params: { id, status: statusLabel(refusal.status), allowed: list(refusal.allowed) },
        hintKey:
          refusal.status === "closed"
            ? "rectify.refused.unchangedClosed.hint"
            : "rectify.refused.unchanged.hint",
        exitCode: 1,
      };
    case "needs-by":
      return {
        key: "rectify.refused.needsBy",
        params: { id },
        hintKey: "rectify.refused.needsBy.hint",
        exitCode: 2,
      };
    case "open-elsewhere":
      return {
        key: "rectify.refused.openElsewhere",
        params: { id, other: refusal.other.slice(0, 8) },
        hintKey: "rectify.refused.openElsewhere.hint",
        exitCode: 1,
      };
    case "continued":
      return {
        key: "rectify.refused.continued",
        params: { id, by: refusal.by.slice(0, 8) },
        hintKey: "rectify.refused.continued.hint",
        exitCode: 1,
      };
    case "needs-evidence":
      return {
        key: "rectify.refused.needsEvidence",
        params: { id, checklist: refusal.checklist },
        hintKey: "rectify.refused.needsEvidence.hint",
        exitCode: 1,
      };
    case "needs-note":
      return {
        key: "rectify.refused.needsNote",
        params: { id, from: statusLabel(refusal.from), to: statusLabel(refusal.to) },
        hintKey: "rectify.refused.needsNote.hint",
        exitCode: 2,
      };
  }
}
