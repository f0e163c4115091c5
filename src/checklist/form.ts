// Checks of one checklist file that the schema cannot make, on its own text: the tailoring keys
// where they do not belong, overrides that set fields of the wrong kind of thing or change
// nothing, and references to other checklists' items that are not written as such. What needs
// the parent (is the id there at all?) is checked while resolving (tailor.ts), what needs every
// checklist (correspond.ts) after.
import { t } from "../i18n/index.js";
import type { Diagnostic } from "../yaml/diagnostics.js";
import { makeDiagnostic, type ParsedYaml, type Path, positionAt } from "../yaml/parse.js";
import { parseItemRef } from "./correspond.js";
import type { ChildFile, Override, PlainFile } from "./schema.js";
import { ITEM_ONLY, SECTION_ONLY, splitRef } from "./tailor.js";

type AnyFile = PlainFile | ChildFile;

interface Ctx {
  parsed: ParsedYaml;
  out: Diagnostic[];
}

const push = (
  c: Ctx,
  path: Path,
  code: string,
  message: string,
  hint?: string,
  opts: { which?: "key" | "value"; severity?: "error" | "warning" } = {},
) =>
  c.out.push(
    makeDiagnostic(
      c.parsed.source.file,
      positionAt(c.parsed, path, opts.which),
      code,
      message,
      hint,
      opts.severity ?? "error",
    ),
  );

export function formChecks(value: AnyFile, parsed: ParsedYaml): Diagnostic[] {
  const c: Ctx = { parsed, out: [] };
  const extending = value.extends !== undefined;
  if (!extending) {
    for (const key of ["remove", "override"] as const) {
      if (value[key] !== undefined)
        push(
          c,
          [key],
          "only-in-child",
          t("diag.tailor.onlyInChild", { key }),
          t("diag.tailor.onlyInChild.hint", { key }),
          { which: "key" },
        );
    }
  } else if (value.extends === value.id) {
    push(
      c,
      ["extends"],
      "extends-self",
      t("diag.extends.self", { id: value.id }),
      t("diag.extends.self.hint", { id: value.id }),
    );
  }
  (value.sections ?? []).forEach((section, si) => {
    anchors(c, section, ["sections", si], extending);
    section.items.forEach((item, ii) => {
      anchors(c, item, ["sections", si, "items", ii], extending);
      references(c, item.verifies, ["sections", si, "items", ii, "verifies"], value.id);
    });
  });
  // A `remove` or `override` id that is not an id at all is said while resolving, with the others.
  (value.override ?? []).forEach((o, k) => {
    overrideForm(c, o, k, value.id);
  });
  return c.out;
}

function anchors(
  c: Ctx,
  node: { after?: string | undefined; before?: string | undefined },
  path: Path,
  extending: boolean,
): void {
  for (const key of ["after", "before"] as const) {
    if (node[key] === undefined) continue;
    if (!extending) {
      push(
        c,
        [...path, key],
        "only-in-child",
        t("diag.tailor.onlyInChild", { key }),
        t("diag.tailor.onlyInChild.hint", { key }),
        { which: "key" },
      );
      return;
    }
  }
  if (node.after !== undefined && node.before !== undefined)
    push(
      c,
      [...path, "before"],
      "both-anchors",
      t("diag.tailor.bothAnchors"),
      t("diag.tailor.bothAnchors.hint"),
      { which: "key" },
    );
}

/** Each `verifies` entry is `checklist:section.item`, of another checklist. */
function references(c: Ctx, refs: readonly string[] | undefined, path: Path, ownId: string): void {
  (refs ?? []).forEach((ref, k) => {
    const parsed = parseItemRef(ref);
    if (!parsed)
      push(
        c,
        [...path, k],
        "bad-reference",
        t("diag.verifies.badFormat", { ref }),
        t("diag.verifies.badFormat.hint"),
      );
    else if (parsed.checklistId === ownId)
      push(c, [...path, k], "bad-reference", t("diag.verifies.own", { ref }), t("diag.verifies.own.hint"));
  });
}

/** An override names an item (`section.item`) or a section, and sets only that kind's fields. */
function overrideForm(c: Ctx, o: Override, k: number, ownId: string): void {
  const base: Path = ["override", k];
  const ref = splitRef(o.id);
  if (!ref) return;
  const isItem = ref.item !== undefined;
  const wrong: readonly string[] = isItem ? SECTION_ONLY : ITEM_ONLY;
  for (const field of wrong) {
    if ((o as Record<string, unknown>)[field] === undefined) continue;
    push(
      c,
      [...base, field],
      "wrong-kind",
      t(isItem ? "diag.tailor.fieldOfSection" : "diag.tailor.fieldOfItem", { field, ref: o.id }),
      isItem
        ? t("diag.tailor.fieldOfSection.hint", { section: ref.section })
        : t("diag.tailor.fieldOfItem.hint", { ref: o.id }),
      { which: "key" },
    );
  }
  if (Object.keys(o).length === 1)
    push(
      c,
      [...base, "id"],
      "no-change",
      t("diag.tailor.noChange", { ref: o.id }),
      t("diag.tailor.noChange.hint"),
      { severity: "warning" },
    );
  if (o.after !== undefined && o.before !== undefined)
    push(
      c,
      [...base, "before"],
      "both-anchors",
      t("diag.tailor.bothAnchors"),
      t("diag.tailor.bothAnchors.hint"),
      { which: "key" },
    );
  references(c, o.verifies, [...base, "verifies"], ownId);
}
