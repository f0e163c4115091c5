// Correspondences between checklists: an item says, with `verifies`, which items of another
// checklist it checks (an inspection item the self-check items the school answered about the
// same thing), so that a unit's own answers can be held against what the inspectors found.
// A reference is `checklist-id:section.item`. Item ids never change through `extends`, so an
// item of `self-check` is the same item in every checklist that extends it (unless removed):
// lineageIds() says which checklists a run's checklist answers for.
import { t } from "../i18n/index.js";
import { closest } from "../util/similar.js";
import type { FileReport } from "./load.js";
import { diagnosticAt } from "./place.js";
import type { ChecklistIndex } from "./resolve.js";
import type { Checklist } from "./schema.js";

/** An item of a checklist: `self-check:study.study-time`. */
export interface ItemRef {
  checklistId: string;
  sectionId: string;
  itemId: string;
  /** The item's full id in its checklist: `section.item` (the key answers are stored under). */
  itemKey: string;
}

const ID = "[a-z0-9]+(?:-[a-z0-9]+)*";
const ITEM_REF = new RegExp(`^(${ID}):(${ID})\\.(${ID})$`);

/** `checklist:section.item` split; undefined when it is not written so. */
export function parseItemRef(ref: string): ItemRef | undefined {
  const m = ITEM_REF.exec(ref);
  if (!m) return undefined;
  const [, checklistId, sectionId, itemId] = m as unknown as [string, string, string, string];
  return { checklistId, sectionId, itemId, itemKey: `${sectionId}.${itemId}` };
}

export function formatItemRef(ref: Pick<ItemRef, "checklistId" | "itemKey">): string {
  return `${ref.checklistId}:${ref.itemKey}`;
}

/** One `verifies` entry: the item that verifies (by full id in `checklist`) and the item verified. */
export interface Correspondence {
  from: ItemRef;
  to: ItemRef;
}

/** Every correspondence a checklist declares, in its order (items, then their `verifies`). */
export function correspondences(checklist: Checklist): Correspondence[] {
  const out: Correspondence[] = [];
  for (const section of checklist.sections) {
    for (const item of section.items) {
      const from: ItemRef = {
        checklistId: checklist.id,
        sectionId: section.id,
        itemId: item.id,
        itemKey: `${section.id}.${item.id}`,
      };
      for (const ref of item.verifies ?? []) {
        const to = parseItemRef(ref);
        if (to) out.push({ from, to });
      }
    }
  }
  return out;
}

/**
 * The checklists whose items a run of `checklist` answers: itself, then (for one resolved from
 * `extends`) the one it extends, and so on. A run of a county checklist that extends `self-check`
 * answers `self-check:study.study-time` when the county kept that item.
 */
export function lineageIds(checklist: Checklist): string[] {
  return [checklist.id, ...(checklist.lineage ?? []).map((l) => l.id)];
}

/** The full ids (`section.item`) of a checklist's items. */
export function itemKeys(checklist: Checklist): Set<string> {
  return new Set(checklist.sections.flatMap((s) => s.items.map((i) => `${s.id}.${i.id}`)));
}

/**
 * The pairs of item keys to set side by side when a run of `verifying` (an inspection) is held
 * against a run of `verified` (a self-check, or a checklist extending it): for each
 * correspondence whose target checklist is in `verified`'s lineage and whose target item
 * `verified` still has. Per-leader items are paired by their base key; a caller expands them
 * with the runs' leaders.
 */
export function pairsBetween(verifying: Checklist, verified: Checklist): { from: string; to: string }[] {
  const lineage = new Set(lineageIds(verified));
  const keys = itemKeys(verified);
  return correspondences(verifying)
    .filter((c) => lineage.has(c.to.checklistId) && keys.has(c.to.itemKey))
    .map((c) => ({ from: c.from.itemKey, to: c.to.itemKey }));
}

/**
 * For `validate`: every `verifies` entry of the given reports names a loaded checklist and an
 * item it has, with a did-you-mean where one is close, at the entry's line and column.
 */
export function checkCorrespondences(reports: readonly FileReport[], index: ChecklistIndex): void {
  for (const r of reports) {
    const checklist = r.checklist?.checklist ?? r.read;
    if (!checklist || !r.locate) continue;
    checklist.sections.forEach((section, si) => {
      section.items.forEach((item, ii) => {
        (item.verifies ?? []).forEach((raw, k) => {
          const ref = parseItemRef(raw);
          if (!ref || ref.checklistId === checklist.id) return; // said by the file's own checks
          const problem = referenceProblem(ref, index);
          if (problem)
            r.diagnostics.push(
              diagnosticAt(r.locate!.part(si, ii, ["verifies", k]), "unknown-reference", problem.message, {
                hint: problem.hint,
              }),
            );
        });
      });
    });
  }
}

function referenceProblem(
  ref: ItemRef,
  index: ChecklistIndex,
): { message: string; hint?: string } | undefined {
  const target = index.resolved(ref.checklistId);
  if (target === undefined) {
    const suggestion = closest(ref.checklistId, index.ids());
    return {
      message: t("diag.verifies.unknownChecklist", { ref: formatItemRef(ref), id: ref.checklistId }),
      hint: suggestion
        ? t("diag.unknownKey.didYouMean", { suggestion: `${suggestion}:${ref.itemKey}` })
        : t("diag.verifies.unknownChecklist.hint", { known: index.ids().join(", ") }),
    };
  }
  if (target === null) return undefined; // its own errors are reported in its file
  const keys = itemKeys(target);
  if (keys.has(ref.itemKey)) return undefined;
  const suggestion = closest(ref.itemKey, [...keys]);
  return {
    message: t("diag.verifies.unknownItem", { id: ref.checklistId, item: ref.itemKey }),
    hint: suggestion
      ? t("diag.unknownKey.didYouMean", { suggestion: `${ref.checklistId}:${suggestion}` })
      : t("diag.verifies.unknownItem.hint", { id: ref.checklistId }),
  };
}
