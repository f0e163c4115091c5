// A checklist as `lookback show` presents it: resolved through its chain of `extends`, each
// section and item marked with the checklist and file (and line) it comes from, what later
// checklists of the chain changed or moved, and what they removed. Data only: the command
// prints it as text or as JSON.

import { checklistKind } from "../run/inspection.js";
import { type Place, positionOf } from "./place.js";
import type { ChainLink, Checklist, ChecklistKind, LoadedChecklist } from "./schema.js";
import { type ScoringRule, scoringRule } from "./scoring.js";
import type { ResolvedItem, ResolvedSection } from "./tailor.js";

/** Where something was written: checklist id, file (absolute) and line. */
export interface Origin {
  checklist: string;
  file: string;
  builtin: boolean;
  line: number;
}

export interface FieldChange extends Origin {
  field: string;
}

interface Provenance {
  from: Origin;
  /** Fields set by a later checklist of the chain than the one the entry comes from. */
  changed: FieldChange[];
  moved: Origin | null;
}

export interface ExplainedItem extends Provenance {
  /** Full id, `section.item`: the key its answers are stored under. */
  key: string;
  item: Checklist["sections"][number]["items"][number];
}

export interface ExplainedSection extends Provenance {
  section: Omit<Checklist["sections"][number], "items">;
  items: ExplainedItem[];
}

export interface ExplainedChecklist {
  id: string;
  version: string;
  title: string;
  title_en: string | null;
  /** Who answers it: the unit itself (自查) or a supervision group about a unit (督查). */
  kind: ChecklistKind;
  /** The checklist first, then the one it extends, and so on. */
  chain: ChainLink[];
  /** The rule its scores are computed by, defaults filled in. */
  scoring: ScoringRule & { sectionWeighted: boolean };
  sections: ExplainedSection[];
  removed: (Origin & { id: string })[];
  /** The resolved checklist, as a run stores it. */
  checklist: Checklist;
}

function origin(place: Place): Origin {
  return {
    checklist: place.checklistId,
    file: place.file,
    builtin: place.builtin,
    line: positionOf(place).line,
  };
}

function provenance(node: ResolvedItem | ResolvedSection): Provenance {
  return {
    from: origin(node.defined),
    changed: node.changed.map((c) => ({ field: c.field, ...origin(c.at) })),
    moved: node.moved ? origin(node.moved) : null,
  };
}

export function explain(loaded: LoadedChecklist): ExplainedChecklist {
  const c = loaded.checklist;
  const res = loaded.resolution();
  return {
    id: c.id,
    version: c.version,
    title: c.title,
    title_en: c.title_en ?? null,
    kind: checklistKind(c),
    chain: res.chain,
    scoring: { ...scoringRule(c), sectionWeighted: c.sections.every((s) => s.weight !== undefined) },
    sections: res.sections.map((s) => ({
      ...provenance(s),
      section: s.section,
      items: s.items.map((i) => ({ ...provenance(i), key: `${s.section.id}.${i.item.id}`, item: i.item })),
    })),
    removed: res.removed.map((r) => ({ id: r.id, ...origin(r.at) })),
    checklist: c,
  };
}
