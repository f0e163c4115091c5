// `lookback list`: the loaded checklists with their item counts and origin, and for one that
// extends another, the chain it is resolved through.
import path from "node:path";
import { loadChecklistSet } from "../../checklist/load.js";
import { type ChainLink, itemCount } from "../../checklist/schema.js";
import type { Context } from "../../context.js";
import { localized, type MessageKey, t } from "../../i18n/index.js";
import { checklistKind } from "../../run/inspection.js";
import { type Column, renderTable, tableStyle } from "../../util/table.js";
import type { ListOptions } from "./index.js";

/** `city-check ← self-check`: the checklists one extends, nearest first. */
export function chainText(parents: readonly ChainLink[]): string {
  return parents.map((p) => p.id).join(" ← ");
}

export async function run(opts: ListOptions, ctx: Context): Promise<number> {
  const set = loadChecklistSet({ checklistsDir: ctx.checklistsDir, cwd: ctx.cwd });
  const rows = set.checklists.map((l) => ({
    id: l.checklist.id,
    version: l.checklist.version,
    title: l.checklist.title,
    title_en: l.checklist.title_en ?? null,
    // Who answers it: the unit itself (自查) or a supervision group about a unit (督查).
    kind: checklistKind(l.checklist),
    sections: l.checklist.sections.length,
    items: itemCount(l.checklist),
    perLeaderSections: l.checklist.sections.filter((s) => s.per === "leader").map((s) => s.id),
    builtin: l.builtin,
    file: l.file,
    // The checklists it extends, nearest first: empty for one complete in itself.
    extends: l.parents,
  }));
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ checklists: rows, errors: set.diagnostics.length }, null, 2)}\n`);
  } else if (rows.length === 0) {
    ctx.stdout.write(`${t("list.none")}\n`);
  } else {
    const header = (k: string) => t(`list.header.${k}` as MessageKey);
    // The chain column only when some checklist extends another.
    const tailored = rows.some((r) => r.extends.length > 0);
    const columns: Column[] = [
      { header: header("id"), keep: 9, min: 10 },
      { header: header("version"), fixed: true, keep: 3, optional: true },
      { header: header("title"), keep: 6, min: 12 },
      { header: header("kind"), keep: 4, optional: true },
      { header: header("sections"), fixed: true, keep: 1, optional: true, align: "right" },
      { header: header("items"), fixed: true, keep: 7, align: "right" },
      ...(tailored ? [{ header: header("extends"), keep: 8, min: 10 }] : []),
      { header: header("source"), keep: 2, min: 16, cut: "start" },
    ];
    const body = rows.map((r) => [
      r.id,
      r.version,
      localized(r.title, r.title_en ?? undefined),
      t(`checklist.kind.${r.kind}`),
      String(r.sections),
      String(r.items),
      ...(tailored ? [chainText(r.extends) || "—"] : []),
      r.builtin
        ? t("list.builtinFile", { file: path.basename(r.file) })
        : path.relative(ctx.cwd, r.file) || r.file,
    ]);
    ctx.stdout.write(renderTable(columns, body, tableStyle(ctx)));
  }
  if (set.diagnostics.length > 0)
    ctx.stderr.write(`${ctx.err.yellow(t("list.invalid", { count: set.diagnostics.length }))}\n`);
  return 0;
}
