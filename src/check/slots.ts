// A checklist expanded into the slots a run answers, in order: a `per: leader` section
// (六查) is repeated once for each leading cadre, with item keys `section.item@leader`.
import type { Checklist, Item, Section } from "../checklist/schema.js";

export interface Slot {
  /** 0-based position in the run. */
  index: number;
  /** `section.item`, or `section.item@leader` in a per-leader section. */
  key: string;
  section: Section;
  item: Item;
  leader: string | null;
  required: boolean;
}

export function itemKey(sectionId: string, itemId: string, leader: string | null): string {
  return leader === null ? `${sectionId}.${itemId}` : `${sectionId}.${itemId}@${leader}`;
}

/** Split a key back into its parts; section and item ids are kebab-case, so the first `.` and `@` separate them. */
export function parseItemKey(
  key: string,
): { sectionId: string; itemId: string; leader: string | null } | undefined {
  const at = key.indexOf("@");
  const base = at < 0 ? key : key.slice(0, at);
  const leader = at < 0 ? null : key.slice(at + 1);
  const dot = base.indexOf(".");
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return { sectionId: base.slice(0, dot), itemId: base.slice(dot + 1), leader };
}

export function perLeaderSections(checklist: Checklist): Section[] {
  return checklist.sections.filter((s) => s.per === "leader");
}

export function expandSlots(checklist: Checklist, leaders: readonly string[]): Slot[] {
  const slots: Slot[] = [];
  const push = (section: Section, item: Item, leader: string | null) =>
    slots.push({
      index: slots.length,
      key: itemKey(section.id, item.id, leader),
      section,
      item,
      leader,
      required: item.required ?? true,
    });
  for (const section of checklist.sections) {
    if (section.per === "leader") {
      // Leader by leader: each cadre answers his own six checks in one go.
      for (const leader of leaders) for (const item of section.items) push(section, item, leader);
    } else {
      for (const item of section.items) push(section, item, null);
    }
  }
  return slots;
}

/** Names typed on one line: separated by commas (, ，), 顿号 (、) or semicolons. */
export function splitNames(text: string): string[] {
  return text
    .split(/[,，、;；\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Leaders of a resumed run plus any new ones, in order, without repeats. */
export function mergeLeaders(existing: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...existing, ...added])];
}
