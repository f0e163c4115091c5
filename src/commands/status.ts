// `lookback status`: how far every check run has got (§6).
import { existsSync } from "node:fs";
import * as z from "zod/mini";
import { localDateTime } from "../check/session.js";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { localized, t } from "../i18n/index.js";
import { type StatusRow, statusRows } from "../status/rows.js";
import { openStore } from "../store/store.js";
import type { Unit } from "../store/types.js";
import { unitsWithoutRuns } from "../units/coverage.js";
import { closest } from "../util/similar.js";
import { renderTable } from "../util/table.js";

const Options = z.object({ unit: z.optional(z.string()), json: z.optional(z.boolean()) });

export function renderStatusTable(rows: StatusRow[], ctx: Context, notStarted: readonly Unit[] = []): string {
  const head = [
    t("status.header.unit"),
    t("status.header.checklist"),
    t("status.header.version"),
    t("status.header.progress"),
    t("status.header.pass"),
    t("status.header.partial"),
    t("status.header.fail"),
    t("status.header.na"),
    t("status.header.open"),
    t("rectify.col.late"),
    t("compare.relapses"),
    t("status.header.status"),
    t("status.header.started"),
    t("status.header.finished"),
  ];
  const body = rows.map((r) => [
    r.unit.name,
    localized(r.checklist.title, r.checklist.titleEn ?? undefined),
    r.checklist.version,
    `${r.answered}/${r.total}`,
    String(r.counts.pass),
    String(r.counts.partial),
    String(r.counts.fail),
    String(r.counts.na),
    String(r.openRectifications),
    r.overdueRectifications > 0 ? ctx.out.red(String(r.overdueRectifications)) : "0",
    r.relapses > 0 ? ctx.out.red(String(r.relapses)) : "0",
    r.status === "complete"
      ? ctx.out.green(t("status.complete"))
      : r.setAside
        ? ctx.out.dim(t("status.setAside"))
        : ctx.out.yellow(t("status.inProgress")),
    localDateTime(r.startedAt),
    localDateTime(r.finishedAt),
  ]);
  // Roster units without any run (未开展): the bureau sees who is missing.
  const statusColumn = head.indexOf(t("status.header.status"));
  for (const u of notStarted) {
    body.push(
      head.map((_, i) =>
        i === 0 ? u.name : i === statusColumn ? ctx.out.yellow(t("units.notStarted")) : "",
      ),
    );
  }
  return renderTable(head, body, { header: ctx.out.bold, maxWidths: [24, 28] });
}

export async function run(raw: unknown, ctx: Context): Promise<number> {
  const opts = Options.parse(raw);
  // Reading never creates the database.
  if (!existsSync(ctx.dbPath)) {
    if (opts.unit !== undefined)
      throw usageError("status.unknownUnit", { unit: opts.unit }, { hintKey: "status.noRuns.hint" });
    if (opts.json) ctx.stdout.write(`${JSON.stringify({ runs: [], notStarted: [] }, null, 2)}\n`);
    else ctx.stdout.write(`${t("status.noRuns")}\n${t("status.noRuns.hint")}\n`);
    return 0;
  }
  const store = openStore(ctx.dbPath, { intent: "read" });
  try {
    let unitId: string | undefined;
    if (opts.unit !== undefined) {
      const unit = store.findUnitByName(opts.unit.trim());
      if (!unit) {
        const suggestion = closest(
          opts.unit,
          store.listUnits().map((u) => u.name),
        );
        throw usageError(
          "status.unknownUnit",
          { unit: opts.unit, suggestion: suggestion ?? "" },
          { hintKey: suggestion ? "status.unknownUnit.didYouMean" : "status.unknownUnit.hint" },
        );
      }
      unitId = unit.id;
    }
    const rows = statusRows(store, unitId ? { unitId } : {});
    const notStarted = unitsWithoutRuns(store).filter((u) => unitId === undefined || u.id === unitId);
    if (opts.json) {
      const missing = notStarted.map(({ id, name, code, township, type }) => ({
        id,
        name,
        code,
        township,
        type,
      }));
      ctx.stdout.write(`${JSON.stringify({ runs: rows, notStarted: missing }, null, 2)}\n`);
    } else if (rows.length === 0 && notStarted.length === 0) {
      ctx.stdout.write(`${t("status.noRuns")}\n${t("status.noRuns.hint")}\n`);
    } else {
      ctx.stdout.write(renderStatusTable(rows, ctx, notStarted));
    }
    return 0;
  } finally {
    store.close();
  }
}
