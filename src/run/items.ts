// The items a run answers, in order, and their keys: the one model that the check, an answers
// file, status, compare, the ledger and the briefing all read a run's checklist through.
//
// A `per: leader` section (六查, "the six checks" each leading cadre answers for himself) is
// repeated once for each leader named for the run, its items keyed `section.item@leader`; every
// other item is keyed `section.item`. A per-leader section of a run that names no leader has no
// items: there is nobody to answer it, so it is neither asked, nor counted, nor listed.
import type { Checklist, Item, Section } from "../checklist/schema.js";

export interface RunItem {
  /** 0-based position in the run. */
  index: number;
  /** `section.item`, or `section.item@leader` in a per-leader section. */
  key: string;
  /**
   * 问题编号 as a person reads it aloud and finds it in the checklist: `2-3` is the 3rd item of
   * the 2nd section (the leader, if any, is said beside it).
   */
  number: string;
  section: Section;
  item: Item;
  leader: string | null;
  required: boolean;
}

export interface ItemKeyParts {
  sectionId: string;
  itemId: string;
  leader: string | null;
}

export function itemKey(sectionId: string, itemId: string, leader: string | null): string {
  return leader === null ? `${sectionId}.${itemId}` : `${sectionId}.${itemId}@${leader}`;
}

/**
 * Split a key back into its parts. Section and item ids are kebab-case, so the first `.` and the
 * first `@` separate them (a leader's name may hold either). Undefined for a malformed key.
 */
export function parseItemKey(key: string): ItemKeyParts | undefined {
  const at = key.indexOf("@");
  const base = at < 0 ? key : key.slice(0, at);
  const leader = at < 0 ? null : key.slice(at + 1);
  const dot = base.indexOf(".");
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return { sectionId: base.slice(0, dot), itemId: base.slice(dot + 1), leader };
}

/**
 * The parts of a key as far as they can be read: for a key no checklist knows (a damaged
 * snapshot), shown rather than dropped.
 */
export function looseItemKey(key: string): ItemKeyParts {
  const parsed = parseItemKey(key);
  if (parsed) return parsed;
  const at = key.indexOf("@");
  const base = at < 0 ? key : key.slice(0, at);
  return { sectionId: base, itemId: "", leader: at < 0 ? null : key.slice(at + 1) };
}

export function perLeaderSections(checklist: Checklist): Section[] {
  return checklist.sections.filter((s) => s.per === "leader");
}

/** Every item of the run in order; a per-leader section leader by leader (each cadre in one go). */
export function runItems(checklist: Checklist, leaders: readonly string[]): RunItem[] {
  const out: RunItem[] = [];
  for (const [s, section] of checklist.sections.entries()) {
    const who: readonly (string | null)[] = section.per === "leader" ? leaders : [null];
    for (const leader of who) {
      for (const [i, item] of section.items.entries()) {
        out.push({
          index: out.length,
          key: itemKey(section.id, item.id, leader),
          number: `${s + 1}-${i + 1}`,
          section,
          item,
          leader,
          required: item.required ?? true,
        });
      }
    }
  }
  return out;
}
