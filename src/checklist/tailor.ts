// Tailoring: a checklist that `extends` another is its parent's sections and items, changed as
// its own file says, in this order: `remove` leaves out items or sections, `override` replaces
// fields of the parent's items and sections (and moves them among their siblings with
// `after`/`before`), then `sections` adds new sections, or new items to the parent's sections,
// in the order written. Ids never change on the way, so answers to the same item of a parent and
// of a child are answers to the same question. Every part remembers the file, line and column
// it was written at (a Place), so a problem is reported where it can be fixed, and `lookback
// show` can say where each item comes from.
import { t } from "../i18n/index.js";
import { closest } from "../util/similar.js";
import type { Diagnostic } from "../yaml/diagnostics.js";
import { whereIn } from "../yaml/parse.js";
import { diagnosticAt, type Locator, type Place, placeAt, positionOf } from "./place.js";
import type {
  ChainLink,
  Checklist,
  ChildFile,
  FileItem,
  FileSection,
  Item,
  Override,
  Section,
} from "./schema.js";

/** A field set further down the chain than where its item or section was written. */
export interface Change {
  field: string;
  at: Place;
}

export interface ResolvedItem {
  item: Item;
  /** Where the item's own entry is written. */
  defined: Place;
  /** The fields later checklists of the chain set, oldest first: the last of a field wins. */
  changed: Change[];
  /** Where a later checklist moved it among its siblings. */
  moved?: Place;
}

export interface ResolvedSection {
  section: Omit<Section, "items">;
  defined: Place;
  changed: Change[];
  moved?: Place;
  items: ResolvedItem[];
}

export interface Removal {
  /** An item's full id, or a section's id. */
  id: string;
  at: Place;
}

export type Head = Omit<Checklist, "sections" | "lineage">;

/** The head fields a child may leave to its parent; `scoring` is merged key by key. */
const INHERITED = ["title", "title_en", "source", "description", "kind"] as const;
const SCORING_KEYS = ["partial", "pass", "grades"] as const;

export interface Resolution {
  head: Head;
  /** Where each head field was written: `title`, …, `scoring.partial`, `scoring.grades`. */
  headFrom: Record<string, Place>;
  /** The checklist itself first, then the one it extends, and so on. */
  chain: ChainLink[];
  sections: ResolvedSection[];
  /** What the checklists of the chain left out of their parents, oldest first. */
  removed: Removal[];
}

/** A file with `extends` that is valid in itself, waiting for its parent to be resolved. */
export interface ChildDraft {
  value: ChildFile;
  /** The file, with the path left to fill. */
  base: Omit<Place, "path">;
  link: ChainLink;
}

/** The Resolution of a checklist complete in one file: every part comes from it. */
export function resolutionOfFile(
  checklist: Checklist,
  base: Omit<Place, "path">,
  link: ChainLink,
): Resolution {
  const at = (...path: (string | number)[]) => ({ ...base, path });
  const headFrom: Record<string, Place> = {};
  for (const f of INHERITED) if (checklist[f] !== undefined) headFrom[f] = at(f);
  for (const k of SCORING_KEYS)
    if (checklist.scoring?.[k] !== undefined) headFrom[`scoring.${k}`] = at("scoring", k);
  const { sections, lineage: _lineage, ...head } = checklist;
  return {
    head,
    headFrom,
    chain: [link],
    sections: sections.map(({ items, ...section }, si) => ({
      section,
      defined: at("sections", si),
      changed: [],
      items: items.map((item, ii) => ({ item, defined: at("sections", si, "items", ii), changed: [] })),
    })),
    removed: [],
  };
}

/** The checklist a run answers: complete in itself, with the chain it came from as `lineage`. */
export function checklistOf(res: Resolution): Checklist {
  const lineage = res.chain.slice(1).map((l) => ({ id: l.id, version: l.version }));
  return {
    ...res.head,
    ...(lineage.length > 0 ? { lineage } : {}),
    sections: res.sections.map((s) => ({ ...s.section, items: s.items.map((i) => i.item) })),
  };
}

/** Where each part of a resolved checklist was written, in whichever file of the chain. */
export function locateResolved(res: Resolution): Locator {
  const from = (node: { defined: Place; changed: Change[] }, rest: readonly (string | number)[]) => {
    const field = rest[0];
    const change = typeof field === "string" ? node.changed.findLast((c) => c.field === field) : undefined;
    return change
      ? placeAt(change.at, [...change.at.path, ...rest.slice(1)])
      : placeAt(node.defined, [...node.defined.path, ...rest]);
  };
  return {
    head: (path) => {
      const key =
        path[0] === "scoring" && typeof path[1] === "string" ? `scoring.${path[1]}` : String(path[0]);
      const place = res.headFrom[key] ?? res.headFrom[String(path[0])];
      const depth = key.includes(".") ? 2 : 1;
      return place
        ? placeAt(place, [...place.path, ...path.slice(depth)])
        : { ...res.sections[0]!.defined, path };
    },
    part: (si, ii, rest = []) => {
      const section = res.sections[si]!;
      return from(ii === undefined ? section : section.items[ii]!, rest);
    },
  };
}

/** The working state while one child is applied: its parent's parts, copied as they change. */
interface Work {
  res: Resolution;
  parent: ChainLink;
  child: ChildDraft;
  diagnostics: Diagnostic[];
  /** Removed ids → where, to say so when the same child changes or adds them again. */
  removedHere: Map<string, Place>;
  /** The removal that took a section's last item, for the message about the empty section. */
  lastRemoval: Map<string, { ref: string; at: Place }>;
}

const at = (w: Work, ...path: (string | number)[]): Place => ({ ...w.child.base, path });
const fail = (w: Work, place: Place, code: string, message: string, hint?: string, which?: "key" | "value") =>
  w.diagnostics.push(diagnosticAt(place, code, message, { hint, ...(which ? { which } : {}) }));
const lineOf = (place: Place) => positionOf(place).line;

/** Apply a child to its parent's resolution: the child's resolution, or what stops it. */
export function applyChild(
  parent: Resolution,
  child: ChildDraft,
): { resolution?: Resolution; diagnostics: Diagnostic[] } {
  const w: Work = {
    res: {
      head: { ...parent.head, id: child.value.id, version: child.value.version },
      headFrom: { ...parent.headFrom },
      chain: [child.link, ...parent.chain],
      sections: parent.sections.map((s) => ({ ...s, items: [...s.items] })),
      removed: [...parent.removed],
    },
    parent: parent.chain[0]!,
    child,
    diagnostics: [],
    removedHere: new Map(),
    lastRemoval: new Map(),
  };
  applyHead(w);
  applyRemovals(w);
  applyOverrides(w);
  applyAdditions(w);
  checkNotEmpty(w);
  const ok = !w.diagnostics.some((d) => d.severity === "error");
  return ok ? { resolution: w.res, diagnostics: w.diagnostics } : { diagnostics: w.diagnostics };
}

/** Title, source, description, kind and scoring: the child's where it gives them, else the parent's. */
function applyHead(w: Work): void {
  const v = w.child.value;
  for (const f of INHERITED) {
    const value = v[f];
    if (value === undefined) continue;
    Object.assign(w.res.head, { [f]: value });
    w.res.headFrom[f] = at(w, f);
  }
  if (v.title !== undefined && v.title_en === undefined) {
    // The parent's English title stays; a warning either way, as for a file of its own.
    if (w.res.head.title_en !== undefined) warnEnglish(w, at(w, "title"), "title", "title_en", v.id);
    else
      w.diagnostics.push(
        diagnosticAt(at(w, "title"), "missing-title-en", t("diag.missingTitleEn", { id: v.id }), {
          severity: "warning",
          which: "key",
        }),
      );
  }
  if (v.scoring) {
    const merged = { ...w.res.head.scoring };
    for (const k of SCORING_KEYS) {
      if (v.scoring[k] === undefined) continue;
      Object.assign(merged, { [k]: v.scoring[k] });
      w.res.headFrom[`scoring.${k}`] = at(w, "scoring", k);
    }
    w.res.head.scoring = merged;
  }
  if (v.rectify) {
    w.res.head.rectify = { ...w.res.head.rectify, ...v.rectify };
    w.res.headFrom.rectify = at(w, "rectify");
  }
}

function warnEnglish(w: Work, place: Place, field: string, en: string, ref: string): void {
  w.diagnostics.push(
    diagnosticAt(
      place,
      "english-not-changed",
      t("diag.tailor.englishStale", { field, en, ref, parent: w.parent.id }),
      {
        hint: t("diag.tailor.englishStale.hint", { en }),
        severity: "warning",
        which: "key",
      },
    ),
  );
}

/** An item's full id or a section's id, split; undefined when it is neither. */
export function splitRef(ref: string): { section: string; item?: string } | undefined {
  const m = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.([a-z0-9]+(?:-[a-z0-9]+)*))?$/.exec(ref);
  if (!m) return undefined;
  return m[2] === undefined ? { section: m[1]! } : { section: m[1]!, item: m[2] };
}

/** Every id of the parent a child may name: sections, and items by full id. */
function knownRefs(w: Work): string[] {
  return w.res.sections.flatMap((s) => [s.section.id, ...s.items.map((i) => `${s.section.id}.${i.item.id}`)]);
}

/** The section and item a ref names, by index in the working state; a message when there is none. */
function find(w: Work, ref: string, place: Place): { si: number; ii?: number } | undefined {
  const parts = splitRef(ref);
  if (!parts) {
    fail(w, place, "bad-ref", t("diag.tailor.badRef", { ref }), t("diag.tailor.badRef.hint"));
    return undefined;
  }
  const si = w.res.sections.findIndex((s) => s.section.id === parts.section);
  const ii =
    parts.item === undefined
      ? undefined
      : (w.res.sections[si]?.items.findIndex((i) => i.item.id === parts.item) ?? -1);
  if (si >= 0 && (ii === undefined || ii >= 0)) return ii === undefined ? { si } : { si, ii };
  const removed = w.removedHere.get(ref);
  if (removed) {
    fail(
      w,
      place,
      "removed-here",
      t("diag.tailor.removedThenChanged", { ref, line: lineOf(removed) }),
      t("diag.tailor.removedThenChanged.hint"),
    );
    return undefined;
  }
  const suggestion = closest(ref, knownRefs(w));
  fail(
    w,
    place,
    "not-in-parent",
    t("diag.tailor.notInParent", { ref, parent: w.parent.id }),
    suggestion
      ? t("diag.unknownKey.didYouMean", { suggestion })
      : t("diag.tailor.notInParent.hint", { parent: w.parent.id }),
  );
  return undefined;
}

function applyRemovals(w: Work): void {
  const seen = new Map<string, Place>();
  (w.child.value.remove ?? []).forEach((ref, k) => {
    const place = at(w, "remove", k);
    const first = seen.get(ref);
    if (first) {
      fail(
        w,
        place,
        "duplicate-ref",
        t("diag.tailor.removedTwice", { ref, line: lineOf(first) }),
        t("diag.tailor.twice.hint"),
      );
      return;
    }
    seen.set(ref, place);
    const found = find(w, ref, place);
    if (!found) return;
    const section = w.res.sections[found.si]!;
    if (found.ii === undefined) w.res.sections.splice(found.si, 1);
    else {
      w.res.sections[found.si] = { ...section, items: section.items.filter((_, i) => i !== found.ii) };
      w.lastRemoval.set(section.section.id, { ref, at: place });
    }
    w.res.removed.push({ id: ref, at: place });
    w.removedHere.set(ref, place);
    if (found.ii === undefined) w.lastRemoval.set("", { ref, at: place });
  });
}

const ITEM_ONLY = ["text", "text_en", "basis", "method", "evidence", "required", "verifies"] as const;
const SECTION_ONLY = ["title", "title_en", "pass"] as const;
const ANCHOR_KEYS = ["after", "before"] as const;

/** The fields an override sets, in the schema's order (id and anchors aside). */
function changedFields(o: Override): string[] {
  return Object.keys(o).filter((k) => k !== "id" && k !== "after" && k !== "before");
}

function applyOverrides(w: Work): void {
  const seen = new Map<string, Place>();
  (w.child.value.override ?? []).forEach((o, k) => {
    const place = at(w, "override", k, "id");
    const first = seen.get(o.id);
    if (first) {
      fail(
        w,
        place,
        "duplicate-ref",
        t("diag.tailor.overriddenTwice", { ref: o.id, line: lineOf(first) }),
        t("diag.tailor.twice.hint"),
      );
      return;
    }
    seen.set(o.id, place);
    const found = find(w, o.id, place);
    if (!found) return;
    const section = w.res.sections[found.si]!;
    const fields = changedFields(o);
    const changes = fields.map((field) => ({ field, at: at(w, "override", k, field) }));
    if (found.ii === undefined) {
      const next: ResolvedSection = {
        ...section,
        section: { ...section.section, ...pick(o, fields) },
        changed: [...section.changed, ...changes],
      };
      w.res.sections[found.si] = next;
      if (o.title !== undefined && o.title_en === undefined && section.section.title_en !== undefined)
        warnEnglish(w, at(w, "override", k, "title"), "title", "title_en", o.id);
      moveAmongSiblings(w, o, k, w.res.sections, found.si, (s) => s.section.id, "section");
    } else {
      const old = section.items[found.ii]!;
      const items = [...section.items];
      items[found.ii] = {
        ...old,
        item: { ...old.item, ...pick(o, fields) },
        changed: [...old.changed, ...changes],
      };
      w.res.sections[found.si] = { ...section, items };
      if (o.text !== undefined && o.text_en === undefined && old.item.text_en !== undefined)
        warnEnglish(w, at(w, "override", k, "text"), "text", "text_en", o.id);
      moveAmongSiblings(w, o, k, items, found.ii, (i) => i.item.id, "item");
    }
  });
}

function pick(o: Override, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, (o as Record<string, unknown>)[f]]));
}

/**
 * Move the entry at `index` of `list` right after or before the sibling its `after`/`before`
 * names (the list is changed in place); a message when there is no such sibling.
 */
function moveAmongSiblings<T extends { moved?: Place }>(
  w: Work,
  anchors: { after?: string | undefined; before?: string | undefined },
  k: number,
  list: T[],
  index: number,
  idOf: (x: T) => string,
  kind: "item" | "section",
): void {
  const key = anchors.after !== undefined ? "after" : anchors.before !== undefined ? "before" : undefined;
  if (key === undefined) return;
  const place = at(w, "override", k, key);
  const entry = list[index]!;
  const target = placeAmong(
    w,
    list.filter((_, i) => i !== index),
    anchors,
    idOf(entry),
    idOf,
    kind,
    place,
  );
  if (target === undefined) return;
  list.splice(index, 1);
  list.splice(target, 0, { ...entry, moved: place });
}

/**
 * The index at which an entry goes among `siblings` by its `after`/`before` anchor: the end
 * when it has none, undefined (and a message) when the anchor names no sibling.
 */
function placeAmong<T>(
  w: Work,
  siblings: readonly T[],
  anchors: { after?: string | undefined; before?: string | undefined },
  self: string,
  idOf: (x: T) => string,
  kind: "item" | "section",
  place: Place,
): number | undefined {
  const anchor = anchors.after ?? anchors.before;
  if (anchor === undefined) return siblings.length;
  const key = anchors.after !== undefined ? "after" : "before";
  if (anchor === self) {
    fail(w, place, "bad-anchor", t("diag.tailor.anchorSelf", { key, anchor }), t("diag.tailor.anchor.hint"));
    return undefined;
  }
  const i = siblings.findIndex((s) => idOf(s) === anchor);
  if (i < 0) {
    const suggestion = closest(anchor, siblings.map(idOf));
    fail(
      w,
      place,
      "unknown-anchor",
      t(kind === "item" ? "diag.tailor.unknownAnchor.item" : "diag.tailor.unknownAnchor.section", {
        key,
        anchor,
      }),
      suggestion ? t("diag.unknownKey.didYouMean", { suggestion }) : t("diag.tailor.anchor.hint"),
    );
    return undefined;
  }
  return key === "after" ? i + 1 : i;
}

const SECTION_KEYS_IN_EXTENSION = ["title", "title_en", "per", "weight", "pass", ...ANCHOR_KEYS] as const;

/** `sections`: new sections, and new items for the parent's sections, in the order written. */
function applyAdditions(w: Work): void {
  (w.child.value.sections ?? []).forEach((entry, si) => {
    const index = w.res.sections.findIndex((s) => s.section.id === entry.id);
    const removed = w.removedHere.get(entry.id);
    if (removed) {
      fail(
        w,
        at(w, "sections", si, "id"),
        "removed-here",
        t("diag.tailor.readded", { ref: entry.id, line: lineOf(removed) }),
        t("diag.tailor.readded.hint"),
      );
      return;
    }
    if (index >= 0) extendSection(w, entry, si, index);
    else addSection(w, entry, si);
  });
}

function extendSection(w: Work, entry: FileSection, si: number, index: number): void {
  for (const key of SECTION_KEYS_IN_EXTENSION) {
    if (entry[key] === undefined) continue;
    fail(
      w,
      at(w, "sections", si, key),
      "section-in-parent",
      t("diag.tailor.sectionInParent", { id: entry.id, parent: w.parent.id, field: key }),
      t("diag.tailor.sectionInParent.hint", { id: entry.id, field: key }),
      "key",
    );
  }
  const section = w.res.sections[index]!;
  const items = [...section.items];
  addItems(w, entry, si, items, section.section.id);
  w.res.sections[index] = { ...section, items };
}

function addSection(w: Work, entry: FileSection, si: number): void {
  const { items: _items, after, before, title, ...rest } = entry;
  if (title === undefined) {
    const suggestion = closest(
      entry.id,
      w.res.sections.map((s) => s.section.id),
    );
    fail(
      w,
      at(w, "sections", si),
      "missing-field",
      t("diag.missingField", { field: "title", where: whereIn(["sections", si], w.child.value) }),
      suggestion
        ? t("diag.tailor.newSection.didYouMean", { suggestion, parent: w.parent.id })
        : t("diag.tailor.newSection.hint", { parent: w.parent.id }),
    );
    return;
  }
  const ids = w.res.sections.map((s) => s.section.id);
  const position = placeAmong(
    w,
    ids,
    { after, before },
    entry.id,
    (x) => x,
    "section",
    at(w, "sections", si, after !== undefined ? "after" : "before"),
  );
  if (position === undefined) return;
  const section: ResolvedSection = {
    section: { ...rest, title },
    defined: at(w, "sections", si),
    changed: [],
    items: [],
  };
  addItems(w, entry, si, section.items, entry.id);
  w.res.sections.splice(position, 0, section);
}

function addItems(w: Work, entry: FileSection, si: number, items: ResolvedItem[], sectionId: string): void {
  entry.items.forEach((fileItem: FileItem, ii) => {
    const { after, before, ...item } = fileItem;
    const ref = `${sectionId}.${item.id}`;
    const place = at(w, "sections", si, "items", ii);
    const removed = w.removedHere.get(ref);
    if (removed) {
      fail(
        w,
        placeAt(place, [...place.path, "id"]),
        "removed-here",
        t("diag.tailor.readded", { ref, line: lineOf(removed) }),
        t("diag.tailor.readded.hint"),
      );
      return;
    }
    if (items.some((i) => i.item.id === item.id)) {
      fail(
        w,
        placeAt(place, [...place.path, "id"]),
        "in-parent",
        t("diag.tailor.alreadyInParent", { ref, parent: w.parent.id }),
        t("diag.tailor.alreadyInParent.hint", { ref }),
      );
      return;
    }
    const anchorPlace = placeAt(place, [...place.path, after !== undefined ? "after" : "before"]);
    const position = placeAmong(w, items, { after, before }, item.id, (i) => i.item.id, "item", anchorPlace);
    if (position === undefined) return;
    items.splice(position, 0, { item, defined: place, changed: [] });
  });
}

/** Removals may empty a section, or the checklist: say so at the removal that did it. */
function checkNotEmpty(w: Work): void {
  for (const section of w.res.sections) {
    if (section.items.length > 0) continue;
    const last = w.lastRemoval.get(section.section.id);
    if (!last) continue;
    fail(
      w,
      last.at,
      "emptied",
      t("diag.tailor.emptied", { ref: last.ref, section: section.section.id }),
      t("diag.tailor.emptied.hint", { section: section.section.id }),
    );
  }
  const last = w.lastRemoval.get("");
  if (w.res.sections.length === 0 && last) {
    fail(
      w,
      last.at,
      "emptied",
      t("diag.tailor.noSections", { ref: last.ref }),
      t("diag.tailor.noSections.hint"),
    );
  }
}

export { ITEM_ONLY, SECTION_ONLY };
