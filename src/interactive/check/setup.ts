// The start of an interactive check: which unit, which checklist, who fills it in, and
// the leading cadres; then either the unfinished run to resume or a new one.

import type { ChecklistSet } from "../../checklist/load.js";
import type { Checklist, LoadedChecklist } from "../../checklist/schema.js";
import { usageError } from "../../errors.js";
import { type Lang, localized, t } from "../../i18n/index.js";
import { checkLeaders, checkMembers, checkName } from "../../run/fields.js";
import { groupText, isInspection } from "../../run/inspection.js";
import { perLeaderSections, runItems } from "../../run/items.js";
import { splitNames } from "../../run/leaders.js";
import { answeredCount, type CheckState } from "../../run/machine.js";
import { findResumable, loadState, startRun } from "../../run/runs.js";
import { checklistOfRun } from "../../run/snapshot.js";
import { RunAlreadyOpen, type Store, type StoreReads } from "../../store/port.js";
import type { InspectionGroup, Run, Unit } from "../../store/types.js";
import type { Palette } from "../../util/color.js";
import { localDateTime } from "../../util/dates.js";
import type { Ask, Choice } from "../ask/types.js";
import { askName } from "./unit.js";

export interface StartOptions {
  /** Asked first, by chooseUnit (unit.ts). */
  unit?: string;
  checklist?: string;
  respondent?: string;
  /** Start a new run even when an unfinished one exists (the old one is kept). */
  new?: boolean;
}

export interface StartDeps {
  store: Store;
  ask: Ask;
  checklists: () => ChecklistSet;
  lang: Lang;
  style: Palette;
}

export interface Started {
  unit: Unit;
  checklist: Checklist;
  state: CheckState;
  resumed: boolean;
}

const DEFAULT_CHECKLIST = "self-check";

async function progressOf(store: StoreReads, run: Run): Promise<{ answered: number; total: number }> {
  const state = await loadState(store, run);
  return { answered: answeredCount(state), total: state.slots.length };
}

async function chooseChecklist(
  deps: StartDeps,
  set: ChecklistSet,
  unitName: string,
  given: string | undefined,
): Promise<{ id: string; loaded: LoadedChecklist | undefined }> {
  const byId = new Map(set.checklists.map((l) => [l.checklist.id, l]));
  if (given !== undefined) {
    const loaded = byId.get(given);
    // A run started with a checklist that is no longer loaded can still be finished.
    if (!loaded && !(await findResumable(deps.store, unitName, given))) {
      throw usageError(
        "check.unknownChecklist",
        { id: given, known: [...byId.keys()].join(", ") },
        { hintKey: "check.unknownChecklist.hint" },
      );
    }
    return { id: given, loaded };
  }
  if (set.checklists.length === 0)
    throw usageError("check.noChecklists", {}, { hintKey: "check.noChecklists.hint" });
  let preferred: string | undefined;
  const choices: Choice<string>[] = [];
  for (const l of set.checklists) {
    const open = await findResumable(deps.store, unitName, l.checklist.id);
    let note = "";
    if (open) {
      const p = await progressOf(deps.store, open.run);
      note = t("check.ask.checklistOpen", p);
      preferred ??= l.checklist.id;
    }
    const items = l.checklist.sections.reduce((n, s) => n + s.items.length, 0);
    choices.push({
      value: l.checklist.id,
      name: `${localized(l.checklist.title, l.checklist.title_en, deps.lang)}  ${t("check.ask.checklistMeta", { id: l.checklist.id, items })}${note}`,
    });
  }
  const id = await deps.ask.select<string>({
    message: t("check.ask.checklist"),
    choices,
    default: preferred ?? (byId.has(DEFAULT_CHECKLIST) ? DEFAULT_CHECKLIST : set.checklists[0]?.checklist.id),
  });
  return { id, loaded: byId.get(id) };
}

/** 班子成员: several at once (, ， 、 separated), or one by one until an empty line. */
export async function askLeaders(
  ask: Ask,
  sectionTitle: string,
  previous: readonly string[],
): Promise<string[]> {
  const first = await ask.input({
    message: t("check.ask.leaders", { section: sectionTitle }),
    ...(previous.length > 0 ? { default: previous.join("、") } : {}),
    validate: (v) => {
      const c = checkLeaders(splitNames(v), sectionTitle);
      return c.ok ? true : c.message;
    },
  });
  const leaders = splitNames(first);
  if (leaders.length === 1) {
    for (;;) {
      const more = await ask.input({
        message: t("check.ask.leaderNext", { count: leaders.length }),
        validate: (v) => {
          const c = checkLeaders([...leaders, ...splitNames(v)], null);
          return c.ok ? true : c.message;
        },
      });
      const added = splitNames(more);
      if (added.length === 0) break;
      leaders.push(...added);
    }
  }
  return leaders;
}

/** 督导组 and its members (an inspection run): the group's name, then who of it inspects. */
export async function askInspection(ask: Ask, previous: InspectionGroup | null): Promise<InspectionGroup> {
  const group = await askName(ask, t("check.ask.inspectionGroup"), "inspectionGroup", previous?.group);
  const raw = await ask.input({
    message: t("check.ask.inspectors"),
    ...(previous && previous.members.length > 0 ? { default: previous.members.join("、") } : {}),
    validate: (v) => {
      const c = checkMembers(splitNames(v));
      return c.ok ? true : c.message;
    },
  });
  const members = checkMembers(splitNames(raw));
  return { group, members: members.ok ? members.value : splitNames(raw) };
}

/** The group of the latest inspection of this checklist, the one most likely to inspect next. */
async function lastGroup(store: StoreReads, checklistId: string): Promise<InspectionGroup | null> {
  const runs = await store.listRuns({ checklistId });
  for (let i = runs.length - 1; i >= 0; i--) {
    const g = runs[i]!.inspection;
    if (g) return g;
  }
  return null;
}

/** Resume `run`: the respondent given with --respondent, and where the person left off. */
async function resume(
  deps: StartDeps,
  opts: StartOptions,
  found: { unit: Unit; run: Run },
  loaded: LoadedChecklist | undefined,
): Promise<Started> {
  const { store, ask } = deps;
  const c = deps.style;
  let run = found.run;
  if (opts.respondent !== undefined) {
    const r = checkName(opts.respondent, "respondent");
    if (!r.ok) throw usageError("check.badOption", { option: "--respondent", message: r.message });
    if (r.value !== run.respondent) run = await store.updateRun(run.id, { respondent: r.value });
  }
  const checklist = await checklistOfRun(store, run);
  // An inspection run started before runs recorded their group: asked now.
  if (isInspection(checklist) && run.inspection === null) {
    const inspection = await askInspection(ask, await lastGroup(store, run.checklistId));
    run = await store.updateRun(run.id, { inspection });
  }
  const state = await loadState(store, run);
  if (loaded && loaded.hash !== run.checklistHash) {
    ask.say(c.yellow(t("check.resume.snapshot", { version: run.checklistVersion })));
  }
  const p = { answered: answeredCount(state), total: state.slots.length };
  const when = localDateTime(run.startedAt);
  ask.say(
    c.green(
      state.mode === "review"
        ? t("check.resume.review", { ...p, when, respondent: run.respondent })
        : t("check.resume.at", { ...p, when, respondent: run.respondent, position: state.cursor + 1 }),
    ),
  );
  return { unit: found.unit, checklist, state, resumed: true };
}

/**
 * Everything after the unit (chosen first, see unit.ts): the checklist, then the unfinished
 * run to resume, or a new run with its respondent and leaders.
 */
export async function startInteractive(
  deps: StartDeps,
  opts: StartOptions,
  unitName: string,
): Promise<Started> {
  const { store, ask, lang } = deps;
  const c = deps.style;
  const set = deps.checklists();
  const { id, loaded } = await chooseChecklist(deps, set, unitName, opts.checklist);
  const open = await findResumable(store, unitName, id);
  if (open && !opts.new) return resume(deps, opts, open, loaded);

  if (!loaded) {
    throw usageError("check.unknownChecklist", {
      id,
      known: set.checklists.map((l) => l.checklist.id).join(", "),
    });
  }
  if (open) ask.say(c.dim(t("check.new.keptOld", await progressOf(store, open.run))));
  const unit = await store.findUnitByName(unitName);
  const last = unit ? (await store.listRuns({ unitId: unit.id })).at(-1) : undefined;
  let respondent: string;
  if (opts.respondent !== undefined) {
    const r = checkName(opts.respondent, "respondent");
    if (!r.ok) throw usageError("check.badOption", { option: "--respondent", message: r.message });
    respondent = r.value;
  } else {
    respondent = await askName(ask, t("check.ask.respondent"), "respondent", last?.respondent);
  }
  const inspection = isInspection(loaded.checklist)
    ? await askInspection(ask, await lastGroup(store, id))
    : null;
  const perLeader = perLeaderSections(loaded.checklist)[0];
  const leaders = perLeader
    ? await askLeaders(ask, localized(perLeader.title, perLeader.title_en, lang), last?.leaders ?? [])
    : [];
  let started: { unit: Unit; run: Run };
  try {
    started = await store.write((tx) =>
      startRun(tx, {
        unitName,
        loaded,
        respondent,
        leaders,
        inspection,
        ...(open ? { replacing: open.run } : {}),
      }),
    );
  } catch (e) {
    // Another check of the unit started while this person was typing: continue that one.
    if (!(e instanceof RunAlreadyOpen)) throw e;
    ask.say(c.yellow(t("check.startedMeanwhile")));
    return resume(deps, opts, { unit: (await store.getUnit(e.open.unitId))!, run: e.open }, loaded);
  }
  const slots = runItems(loaded.checklist, leaders);
  if (inspection) ask.say(c.dim(t("check.new.inspection", { group: groupText(inspection, lang) })));
  if (perLeader) {
    const section = localized(perLeader.title, perLeader.title_en, lang);
    ask.say(c.dim(t("check.new.leaders", { leaders: leaders.join("、"), count: leaders.length, section })));
  }
  ask.say(
    c.green(
      t("check.new.started", {
        unit: unitName,
        title: localized(loaded.checklist.title, loaded.checklist.title_en, lang),
        total: slots.length,
      }),
    ),
  );
  return {
    unit: started.unit,
    checklist: loaded.checklist,
    state: await loadState(store, started.run),
    resumed: false,
  };
}
