// `lookback compare`: what the second look-back fixed, what regressed, what came back (反弹).

import {
  type Change,
  type Comparison,
  compareAll,
  type ItemComparison,
  type RunRef,
} from "../../compare/compare.js";
import type { Context } from "../../context.js";
import { localized, type MessageKey, t } from "../../i18n/index.js";
import { orDash, resultText } from "../../rectify/format.js";
import { localDateOf } from "../../util/dates.js";
import { type Column, renderTable } from "../../util/table.js";
import { paragraph } from "../../util/width.js";
import { JsonList, requireRunChecklist, requireUnit, withStore, writeJsonDocument } from "../policies.js";
import type { CompareOptions } from "./index.js";

/** The order in which changes are listed item by item; `unchanged` and `unanswered` are only counted. */
const LISTED: readonly Change[] = ["regressed", "still-failing", "fixed", "new", "removed"];

function runLine(ref: RunRef): string {
  return t("compare.run", {
    date: localDateOf(ref.startedAt),
    status: t(ref.status === "complete" ? "compare.runComplete" : "compare.runInProgress"),
    version: ref.checklistVersion,
  });
}

// The leader is already in the key (`section.item@leader`).
const itemText = (i: ItemComparison): string =>
  i.text === null ? "" : localized(i.text, i.textEn ?? undefined);

/** Aligned rows without a heading, indented under their title; the headers label them as blocks. */
function indentedRows(columns: Column[], rows: string[][], ctx: Context): string {
  return renderTable(columns, rows, { width: ctx.width, indent: 4, showHeader: false }).trimEnd();
}

function renderComparison(cmp: Comparison, shortIds: Map<string, string>, ctx: Context): string {
  const c = ctx.out;
  const colour: Record<Change, (s: string) => string> = {
    regressed: c.red,
    "still-failing": c.yellow,
    fixed: c.green,
    new: (s) => s,
    removed: c.dim,
    unanswered: c.dim,
    unchanged: (s) => s,
  };
  const counts = [
    ...(["fixed", "regressed", "still-failing", "unchanged", "new", "removed", "unanswered"] as const)
      .filter((k) => cmp.counts[k] > 0 || k === "fixed" || k === "regressed" || k === "still-failing")
      .map((k) => colour[k](`${t(`compare.change.${k}` as MessageKey)} ${cmp.counts[k]}`)),
    (cmp.counts.relapses > 0 ? c.red : (s: string) => s)(`${t("compare.relapses")} ${cmp.counts.relapses}`),
  ];
  const lines = [
    c.bold(
      `${cmp.unit.name} · ${cmp.checklistId}${
        // Paired along `extends` (a county checklist against the self-check it tailors).
        cmp.previous.checklistId === cmp.current.checklistId
          ? ""
          : t("compare.previousChecklist", { id: cmp.previous.checklistId })
      }`,
    ),
    paragraph(
      t("compare.runs", { current: runLine(cmp.current), previous: runLine(cmp.previous) }),
      ctx.width,
      2,
    ),
    `  ${counts.join(" · ")}`,
  ];
  for (const change of LISTED) {
    const items = cmp.items.filter((i) => i.change === change);
    if (items.length === 0) continue;
    lines.push("", `  ${colour[change](c.bold(t(`compare.change.${change}` as MessageKey)))}`);
    const rows = items.map((i) => [
      i.key,
      itemText(i),
      `${resultText(i.previous)} → ${resultText(i.current)}`,
    ]);
    const columns: Column[] = [
      { header: t("compare.col.item"), keep: 6, min: 12, cut: "middle" },
      { header: t("compare.col.text"), keep: 4, min: 12 },
      { header: t("compare.col.change"), fixed: true, keep: 9 },
    ];
    lines.push(indentedRows(columns, rows, ctx));
  }
  if (cmp.relapses.length > 0) {
    lines.push("", `  ${c.red(c.bold(t("compare.relapsesTitle")))}`);
    const rows = cmp.relapses.map((r) => [
      r.itemKey,
      r.problem.replace(/\s+/g, " "),
      t("compare.relapse.closed", {
        date: orDash(r.closedAt),
        by: orDash(r.closedBy),
        id: shortIds.get(r.closedRectificationId) ?? r.closedRectificationId,
      }),
      t("compare.relapse.now", {
        result: resultText(r.result),
        id: r.rectificationId ? (shortIds.get(r.rectificationId) ?? r.rectificationId) : "—",
      }),
    ]);
    const columns: Column[] = [
      { header: t("compare.col.item"), keep: 6, min: 12, cut: "middle" },
      { header: t("compare.col.problem"), keep: 3, min: 12 },
      // They end with the ids to look up: never cut.
      { header: t("compare.col.closed"), fixed: true, keep: 5 },
      { header: t("compare.col.now"), fixed: true, keep: 8 },
    ];
    lines.push(indentedRows(columns, rows, ctx));
  }
  return `${lines.join("\n")}\n`;
}

/** The ids a comparison shows: the rectifications of its relapses, closed and opened again. */
function shownIds(comparisons: readonly Comparison[]): string[] {
  return comparisons.flatMap((c) =>
    c.relapses.flatMap((r) => [r.closedRectificationId, ...(r.rectificationId ? [r.rectificationId] : [])]),
  );
}

export async function run(opts: CompareOptions, ctx: Context): Promise<number> {
  const found = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      const unit = opts.unit === undefined ? undefined : await requireUnit(tx, opts.unit, store.location);
      const comparisons = await compareAll(tx, {
        ...(unit ? { unit } : {}),
        ...(opts.checklist !== undefined ? { checklistId: opts.checklist } : {}),
      });
      // A --checklist that only a parent of the runs' checklists has is found through `extends`.
      if (opts.checklist !== undefined && comparisons.length === 0)
        await requireRunChecklist(tx, opts.checklist, unit?.id);
      // Short ids for the rows shown only: a few index lookups each, whatever the database holds.
      return { unit, comparisons, shortIds: await tx.shortIds(shownIds(comparisons)), db: store.location };
    }),
  );
  const { unit, comparisons, shortIds } = found;
  // Nothing to compare yet is an answer, like an empty list: exit 0, saying so.
  if (comparisons.length === 0) {
    if (opts.json) ctx.stdout.write(`${JSON.stringify({ comparisons }, null, 2)}\n`);
    else {
      const key = unit ? "compare.onlyOneRun" : "compare.nothing";
      const text = `${t(key, { unit: unit?.name ?? "", db: found.db })}\n${t("compare.nothing.hint")}`;
      ctx.stdout.write(`${paragraph(text, ctx.width)}\n`);
    }
    return 0;
  }
  if (opts.json) {
    await writeJsonDocument(ctx, { comparisons: new JsonList(comparisons) });
    return 0;
  }
  ctx.stdout.write(comparisons.map((cmp) => renderComparison(cmp, shortIds, ctx)).join("\n"));
  if (comparisons.length > 1) ctx.stdout.write(`\n${t("compare.total", { count: comparisons.length })}\n`);
  return 0;
}
