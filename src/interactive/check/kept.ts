// What a stop keeps, said exactly: the answers stored, and for each answer still being typed the
// fields already kept as a draft (a field cut off before Enter is marked so).
import { t } from "../../i18n/index.js";
import { fieldLabel, resultLabel } from "../../run/fields.js";
import type { RunItem } from "../../run/items.js";
import type { StoreReads } from "../../store/port.js";
import { type AnswerDraft, DRAFT_TEXT_FIELDS, type Run } from "../../store/types.js";

/** The fields a draft holds, in the order they are asked, with the cut-off one marked. */
export function draftFields(d: AnswerDraft): string[] {
  const out: string[] = [];
  // An inspection asks the method first, right after the result.
  if (d.method !== null) out.push(fieldLabel("method"));
  if (d.markDone !== null) out.push(t(d.markDone ? "check.kept.markDone" : "check.kept.notMarkDone"));
  for (const f of DRAFT_TEXT_FIELDS) {
    if (d[f] === null) continue;
    const label = fieldLabel(f);
    out.push(d.partialField === f ? t("check.kept.partial", { field: label }) : label);
    if (f === "department" && d.kind !== null) out.push(fieldLabel("kind"));
    if (f === "deadline" && d.origin !== null) out.push(fieldLabel("origin"));
  }
  return out;
}

/** One line per draft: which item, the result chosen, the fields kept. */
export function draftLines(
  drafts: readonly AnswerDraft[],
  slots: readonly RunItem[],
  title: (s: RunItem) => string,
): string[] {
  return drafts.map((d) => {
    const slot = slots.find((s) => s.key === d.itemKey);
    const fields = draftFields(d);
    return t(fields.length > 0 ? "check.kept.draft" : "check.kept.draftResultOnly", {
      position: slot ? `${slot.index + 1}/${slots.length}` : d.itemKey,
      item: slot ? title(slot) : d.itemKey,
      result: resultLabel(d.result),
      fields: fields.join(t("check.kept.sep")),
    });
  });
}

/** The message after Ctrl-C in a check, from what the store holds now. */
export async function keptMessage(
  store: StoreReads,
  run: Run,
  slots: readonly RunItem[],
  unitName: string,
  title: (s: RunItem) => string,
): Promise<string> {
  const keys = new Set(slots.map((s) => s.key));
  const answered = (await store.listAnswers(run.id)).filter((a) => keys.has(a.itemKey)).length;
  const drafts = await store.listDrafts(run.id);
  return [
    t("check.kept.stopped", { answered, total: slots.length }),
    ...draftLines(drafts, slots, title),
    t(drafts.length > 0 ? "check.kept.nextDraft" : "check.kept.next", {
      unit: unitName,
      checklist: run.checklistId,
    }),
  ].join("\n");
}
