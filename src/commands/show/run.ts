// `lookback show CHECKLIST`: one checklist as its schools answer it, resolved through its chain
// of `extends`, each item marked with the checklist it comes from and what later ones changed.
// `--json` is the same data (src/checklist/explain.ts).
import path from "node:path";
import {
  type ExplainedChecklist,
  type ExplainedItem,
  explain,
  type FieldChange,
  type Origin,
} from "../../checklist/explain.js";
import { loadChecklistSet } from "../../checklist/load.js";
import type { ChainLink } from "../../checklist/schema.js";
import type { Context } from "../../context.js";
import { usageError } from "../../errors.js";
import { localized, t } from "../../i18n/index.js";
import { closest } from "../../util/similar.js";
import { displayPath } from "../paths.js";
import type { ShowOptions } from "./index.js";

export async function run(id: string, opts: ShowOptions, ctx: Context): Promise<number> {
  const set = loadChecklistSet({ checklistsDir: ctx.checklistsDir, cwd: ctx.cwd });
  const loaded = set.checklists.find((l) => l.checklist.id === id);
  if (!loaded) {
    const known = set.checklists.map((l) => l.checklist.id);
    const suggestion = closest(id, known);
    const invalid = [...new Set(set.diagnostics.map((d) => displayPath(ctx)(d.file)))];
    throw usageError(
      "show.unknown",
      { id, known: known.join(", "), suggestion: suggestion ?? "", files: invalid.join(", ") },
      {
        hintKey: suggestion
          ? "show.unknown.didYouMean"
          : invalid.length > 0
            ? "show.unknown.invalid"
            : "show.unknown.hint",
      },
    );
  }
  const data = explain(loaded);
  if (opts.json) ctx.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  // The line breaker measures display width: loaded for the text only.
  else ctx.stdout.write(renderText(data, { ...ctx, ...(await import("../../util/width.js")) }));
  return 0;
}

/** The context, and the line breaking of util/width.ts. */
type Layout = Context & Pick<typeof import("../../util/width.js"), "paragraph" | "wrap">;

const fileText = (link: Pick<ChainLink, "file" | "builtin">, ctx: Context) =>
  link.builtin ? t("list.builtinFile", { file: path.basename(link.file) }) : displayPath(ctx)(link.file);

function headLines(data: ExplainedChecklist, ctx: Layout): string[] {
  const c = ctx.out;
  const kind = t(`checklist.kind.${data.kind}`);
  const title = localized(data.title, data.title_en ?? undefined);
  const lines = [c.bold(t("show.head", { id: data.id, version: data.version, kind, title }))];
  if (data.chain.length > 1) {
    const parents = data.chain.slice(1).map((l) => `${l.id} ${l.version}`);
    lines.push(t("show.extends", { chain: parents.join(" ← ") }), t("show.files"));
    const width = Math.max(...data.chain.map((l) => l.id.length));
    for (const link of data.chain) lines.push(`  ${link.id.padEnd(width)}  ${fileText(link, ctx)}`);
  }
  const s = data.scoring;
  const grades = s.grades.map((g) =>
    t("show.scoring.grade", { label: localized(g.label, g.label_en), min: g.min }),
  );
  const scoring = t("show.scoring", {
    partial: s.partial,
    pass: s.pass === null ? t("show.scoring.noPass") : t("show.scoring.pass", { pass: s.pass }),
    grades: grades.length > 0 ? grades.join(t("table.separator")) : t("show.scoring.noGrades"),
  });
  lines.push(ctx.paragraph(scoring, ctx.width));
  return lines;
}

/** A checklist's file, and line, as a person finds it: relative to here, or the built-in's name. */
const where = (o: Origin, ctx: Context) => `${fileText(o, ctx)}:${o.line}`;

/**
 * What the chain did to an item or section, one note each: "added by county-self-check
 * (checklists/county.yaml:16)", "evidence, weight changed by …", "moved by …". Nothing for a
 * part of the first checklist of the chain that nobody changed.
 */
function provenanceNotes(
  node: Pick<ExplainedItem, "from" | "changed" | "moved">,
  inherited: string,
  ctx: Context,
): string[] {
  const notes: string[] = [];
  if (node.from.checklist !== inherited)
    notes.push(t("show.added", { checklist: node.from.checklist, where: where(node.from, ctx) }));
  const byChecklist = new Map<string, FieldChange[]>();
  for (const ch of node.changed)
    byChecklist.set(ch.checklist, [...(byChecklist.get(ch.checklist) ?? []), ch]);
  for (const [checklist, changes] of byChecklist) {
    const fields = changes.map((c) => c.field).join(t("table.separator"));
    notes.push(t("show.changed", { fields, checklist, where: where(changes[0]!, ctx) }));
  }
  if (node.moved)
    notes.push(t("show.moved", { checklist: node.moved.checklist, where: where(node.moved, ctx) }));
  return notes;
}

function sectionLines(s: ExplainedChecklist["sections"][number], root: string, ctx: Layout): string[] {
  const c = ctx.out;
  const facts = [
    s.section.per === "leader" ? t("show.section.perLeader") : "",
    s.section.weight !== undefined ? t("show.section.weight", { weight: s.section.weight }) : "",
    s.section.pass !== undefined ? t("show.section.pass", { pass: s.section.pass }) : "",
  ].filter(Boolean);
  const title = localized(s.section.title, s.section.title_en);
  const lines = ["", c.bold([`${title} · ${s.section.id}`, ...facts].join(" · "))];
  for (const note of provenanceNotes(s, root, ctx)) lines.push(ctx.paragraph(note, ctx.width, 2, c.dim));
  for (const i of s.items) {
    const facts = [
      i.item.weight !== undefined ? t("show.item.weight", { weight: i.item.weight }) : "",
      i.item.required === false ? t("show.item.optional") : "",
    ].filter(Boolean);
    const text = [`${i.key}  ${localized(i.item.text, i.item.text_en)}`, ...facts].join("  ");
    // Hanging: the text's further lines under the text, not under the id.
    const [first = "", ...rest] = ctx.wrap(text, ctx.width - 6);
    lines.push(`  ${first}`, ...rest.map((l) => `      ${l}`));
    // An item of a section that a later checklist added is that checklist's too: said once, above.
    for (const note of provenanceNotes(i, s.from.checklist, ctx))
      lines.push(ctx.paragraph(note, ctx.width, 6, c.dim));
  }
  return lines;
}

function renderText(data: ExplainedChecklist, ctx: Layout): string {
  const c = ctx.out;
  const root = data.chain.at(-1)!.id;
  const lines = headLines(data, ctx);
  for (const s of data.sections) lines.push(...sectionLines(s, root, ctx));
  if (data.removed.length > 0) {
    lines.push("", c.bold(t("show.removed")));
    for (const r of data.removed) {
      lines.push(
        `  ${r.id}  ${c.dim(t("show.removedBy", { checklist: r.checklist, where: where(r, ctx) }))}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
