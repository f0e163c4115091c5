// What a person names as the place evidence goes: a rectification (its short id, as `rectify
// list` shows it) or an item (`section.item`, `section.item@leader`) of a unit's latest run of a
// checklist (or of the run --run names), i.e. that item's answer.
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { lookupRectification } from "../rectify/ids.js";
import { parseItemKey } from "../run/items.js";
import type { StoreReads } from "../store/port.js";
import type { Answer, EvidenceTarget, Rectification, Run, Unit } from "../store/types.js";
import { resolveUnit } from "../units/resolve.js";
import { unknownUnitsError } from "../units/suggest.js";

export type ResolvedTarget =
  | { kind: "rectification"; target: EvidenceTarget; unit: Unit; rectification: Rectification }
  | { kind: "answer"; target: EvidenceTarget; unit: Unit; run: Run; answer: Answer };

/** An item key has a dot; a rectification id is hexadecimal digits and dashes. */
export const looksLikeItem = (input: string): boolean => input.includes(".") || input.includes("@");

/** The unit named with --unit, or the database's only unit. */
export async function unitFor(store: StoreReads, name: string | undefined, db: string): Promise<Unit> {
  if (name !== undefined) {
    const unit = await resolveUnit(store, name);
    if (unit) return unit;
    throw await unknownUnitsError(store, [name], db);
  }
  const units = await store.listUnits();
  if (units.length === 1) return units[0]!;
  throw usageError("evidence.needUnit", { count: units.length }, { hintKey: "evidence.needUnit.hint" });
}

/** A --checklist that no run has: the same input error (exit 2) every command gives. */
export async function checkChecklist(store: StoreReads, checklist: string | undefined, unitId?: string) {
  if (checklist === undefined) return;
  const ids = await store.runChecklists(unitId);
  if (ids.includes(checklist.trim())) return;
  throw usageError(
    "runs.unknownChecklist",
    { checklist, known: ids.join(t("table.separator")) || "—" },
    { hintKey: "runs.unknownChecklist.hint" },
  );
}

/** A run named by its id or the start of it (as `status --json` shows runId); an input error when none or several. */
export async function lookupRun(store: StoreReads, input: string): Promise<Run> {
  const needle = input.trim().toLowerCase();
  if (/^[0-9a-f-]+$/.test(needle)) {
    const exact = await store.getRun(needle);
    if (exact) return exact;
    const found = await store.findRuns(needle);
    if (found.length === 1) return found[0]!;
    if (found.length > 1)
      throw usageError(
        "evidence.run.ambiguous",
        { run: input, count: found.length },
        { details: found.map((r) => `${r.id}  ${r.checklistId}  ${r.startedAt}`) },
      );
  }
  throw usageError("evidence.run.unknown", { run: input }, { hintKey: "evidence.run.unknown.hint" });
}

/** The run --run names, checked against --unit and --checklist when they are given too. */
async function namedRun(
  store: StoreReads,
  input: string,
  named: Unit | undefined,
  checklist: string | undefined,
): Promise<{ run: Run; unit: Unit }> {
  const run = await lookupRun(store, input);
  const unit = await store.getUnit(run.unitId);
  if (!unit) throw new Error(`unit ${run.unitId} of run ${run.id} not found`);
  const other = checklist !== undefined && checklist.trim() !== run.checklistId;
  if ((named && named.id !== unit.id) || other)
    throw usageError("evidence.run.mismatch", {
      run: run.id.slice(0, 8),
      unit: unit.name,
      checklist: run.checklistId,
    });
  return { run, unit };
}

async function runOf(store: StoreReads, unit: Unit, checklist: string | undefined): Promise<Run> {
  await checkChecklist(store, checklist, unit.id);
  const ids = await store.runChecklists(unit.id);
  const id = checklist?.trim() ?? (ids.length === 1 ? ids[0] : undefined);
  if (id === undefined || !ids.includes(id)) {
    throw usageError(
      ids.length === 0 ? "evidence.noRuns" : "evidence.needChecklist",
      { unit: unit.name, known: ids.join(t("table.separator")) || "—" },
      { hintKey: "evidence.needChecklist.hint" },
    );
  }
  const run = await store.latestRun(unit.id, id);
  if (!run) throw usageError("evidence.noRuns", { unit: unit.name, known: "—" });
  return run;
}

/** The unit (--unit, or the database's only one) and its latest run of the checklist. */
async function latestOf(
  store: StoreReads,
  named: Unit | undefined,
  opts: { checklist?: string; db: string },
): Promise<{ unit: Unit; run: Run }> {
  const unit = named ?? (await unitFor(store, undefined, opts.db));
  return { unit, run: await runOf(store, unit, opts.checklist) };
}

/** The answer or rectification `input` names; an input error (exit 2) saying what was looked for. */
export async function resolveTarget(
  store: StoreReads,
  input: string,
  opts: { unit?: string; checklist?: string; run?: string; db: string },
): Promise<ResolvedTarget> {
  // A --unit or --checklist that names nothing is said first, whatever the target.
  const named = opts.unit !== undefined ? await unitFor(store, opts.unit, opts.db) : undefined;
  await checkChecklist(store, opts.checklist, named?.id);
  if (looksLikeItem(input)) {
    const key = input.trim();
    if (!parseItemKey(key))
      throw usageError("evidence.badTarget", { target: input }, { hintKey: "evidence.badTarget.hint" });
    const { unit, run } =
      opts.run !== undefined
        ? await namedRun(store, opts.run, named, opts.checklist)
        : await latestOf(store, named, opts);
    const answer = (await store.listAnswers(run.id)).find((a) => a.itemKey === key);
    if (!answer)
      throw usageError(
        opts.run !== undefined ? "evidence.notAnsweredInRun" : "evidence.notAnswered",
        { item: key, unit: unit.name, checklist: run.checklistId, run: run.id.slice(0, 8) },
        { hintKey: "evidence.notAnswered.hint" },
      );
    return { kind: "answer", target: { answerId: answer.id }, unit, run, answer };
  }
  if (opts.run !== undefined) throw usageError("evidence.run.notItem", { target: input });
  const found = await lookupRectification(store, input);
  if (found.kind === "found") {
    const rect = found.rectification;
    const unit = await store.getUnit(rect.unitId);
    if (!unit) throw new Error(`unit ${rect.unitId} of rectification ${rect.id} not found`);
    return { kind: "rectification", target: { rectificationId: rect.id }, unit, rectification: rect };
  }
  if (found.kind === "ambiguous")
    throw usageError(
      "rectify.id.ambiguous",
      { id: input, count: found.candidates.length },
      { hintKey: "rectify.id.ambiguous.hint", details: found.candidates.map((c) => `${c.id}  ${c.itemKey}`) },
    );
  throw usageError("evidence.badTarget", { target: input }, { hintKey: "evidence.badTarget.hint" });
}
