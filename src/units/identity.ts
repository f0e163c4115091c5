// One identity for a unit (填报单位), whatever path its name comes by: typed at `check`, in an
// answers file, in a roster, in a school's database, or given to `units rename`.
//
// A name is stored in its display form: NFC, zero-width characters and BOMs removed, every kind
// of space made one plain space, trimmed. Control and bidirectional-override characters are
// refused (they hide or reorder what a person reads), and so is a name that is empty or too long.
// Two names are the same unit when their keys are equal: the key also folds what looks alike but
// is encoded differently (full-width letters, digits and brackets, Kangxi radicals, dashes, case,
// spaces). A key that is not equal but near (莲塘一中 beside 莲塘第一中学) is a likely typo: the
// callers ask, or refuse with a "did you mean".
import { LIMITS } from "../input/limits.js";
import { levenshtein } from "../util/similar.js";

export type NameProblem = "empty" | "too-long" | "control" | "bidi";

export type NameCheck = { ok: true; name: string; key: string } | { ok: false; problem: NameProblem };

/** Zero-width and invisible formatting characters (ZWSP, ZWNJ, ZWJ, WJ, BOM, soft hyphen, Mongolian vowel separator). */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad\u180e]/g;
/** Bidirectional controls: they can make a name read differently from what it is. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** C0 and C1 controls (newline and tab included: a name is one line). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A lone surrogate: not a character at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SPACES = /[\s\u3000]+/gu;

/** The display form of a name, or why it cannot be one. */
export function normalizeUnitName(raw: string): NameCheck {
  if (BIDI.test(raw)) return { ok: false, problem: "bidi" };
  if (CONTROL.test(raw) || LONE_SURROGATE.test(raw)) return { ok: false, problem: "control" };
  const name = raw.normalize("NFC").replace(INVISIBLE, "").replace(SPACES, " ").trim();
  if (name === "") return { ok: false, problem: "empty" };
  if ([...name].length > LIMITS.nameChars) return { ok: false, problem: "too-long" };
  return { ok: true, name, key: unitKey(name) };
}

const BRACKET_OPEN = /[【〔〖［｛{[]/g;
const BRACKET_CLOSE = /[】〕〗］｝}\]]/g;
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
const DOTS = /[\u00b7\u2022\u2027\u30fb\uff65]/g;

/** The comparison key: names with equal keys are one unit. */
export function unitKey(name: string): string {
  return name
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(BRACKET_OPEN, "(")
    .replace(BRACKET_CLOSE, ")")
    .replace(DASHES, "-")
    .replace(DOTS, "·")
    .replace(SPACES, "")
    .toLowerCase();
}

/**
 * Characters that tell two schools apart even when the rest is alike: numbers (一小, 二小) and
 * the level of the school (中 middle, 小 primary, 幼 kindergarten…). Names that differ in them are
 * never "near".
 */
const SIGNIFICANT = /[0-9零〇一二三四五六七八九十百两小中幼高初职]/g;

/** The key with the usual long and short forms made one: 第一中学 → 一中, 小学 → 小, 学校 → 校. */
function looseKey(key: string): string {
  return key
    .replace(/第(?=[0-9零〇一二三四五六七八九十百两])/g, "")
    .replace(/中学/g, "中")
    .replace(/小学/g, "小")
    .replace(/学校/g, "校");
}

interface Loose {
  name: string;
  key: string;
  loose: string;
  length: number;
}

const significantOf = (loose: string) => (loose.match(SIGNIFICANT) ?? []).join("");

/**
 * The group of names a name can be near (its significant characters: numbers, school level):
 * kept with each unit (units.near_group), so that a province's names are read a group at a time.
 */
export const nearGroupOf = (key: string): string => significantOf(looseKey(key));

/** Near, for two loose keys that already share their significant characters. */
function nearLoose(la: string, lb: string): boolean {
  if (la === lb) return true;
  const shorter = Math.min([...la].length, [...lb].length);
  if (shorter < 3) return false;
  if (la.includes(lb) || lb.includes(la)) return true;
  return levenshtein(la, lb) <= Math.max(1, Math.floor(shorter / 6));
}

/** Whether `a` and `b` (keys) are likely the same unit typed differently, though not equal. */
export function isNearKey(a: string, b: string): boolean {
  if (a === b) return false;
  const la = looseKey(a);
  const lb = looseKey(b);
  return significantOf(la) === significantOf(lb) && nearLoose(la, lb);
}

/**
 * Known names, grouped by their significant characters (numbers, school level): a new name is
 * compared only with the names of its group, so a county or a province is checked quickly.
 */
export class NearIndex {
  private readonly groups = new Map<string, Loose[]>();
  /** The groups read whole by `load` (an index built from every name needs none). */
  private readonly loaded = new Set<string>();

  constructor(names: Iterable<{ name: string; key: string }> = []) {
    for (const n of names) this.add(n.name, n.key);
  }

  add(name: string, key: string = unitKey(name)): void {
    const loose = looseKey(key);
    const sig = significantOf(loose);
    const list = this.groups.get(sig);
    if (list?.some((e) => e.key === key)) return;
    const entry = { name, key, loose, length: [...loose].length };
    if (list) list.push(entry);
    else this.groups.set(sig, [entry]);
  }

  /**
   * Reads, once per group, the known names that may be near these ones (`read` gives a name's
   * group, as the store's unitNamesNear does): `near` then answers for them without the store.
   */
  async load(
    names: Iterable<string>,
    read: (name: string) => Promise<Iterable<{ name: string; key: string }>>,
  ): Promise<void> {
    for (const name of names) {
      const group = nearGroupOf(unitKey(name));
      if (this.loaded.has(group)) continue;
      this.loaded.add(group);
      for (const n of await read(name)) this.add(n.name, n.key);
    }
  }

  /** Known names near `name` (not equal to it by key), nearest first, at most `max`. */
  near(name: string, max = 3): string[] {
    const key = unitKey(name);
    const loose = looseKey(key);
    const found: { name: string; d: number }[] = [];
    for (const e of this.groups.get(significantOf(loose)) ?? []) {
      if (e.key === key || !nearLoose(loose, e.loose)) continue;
      found.push({ name: e.name, d: levenshtein(loose, e.loose) });
    }
    return found
      .sort((x, y) => x.d - y.d)
      .slice(0, max)
      .map((x) => x.name);
  }
}

/** Existing names near `name` (by key), nearest first, at most `max`. */
export function nearNames(
  name: string,
  existing: readonly { name: string; key: string }[],
  max = 3,
): string[] {
  return new NearIndex(existing).near(name, max);
}
