// `lookback status`: how far every check run has got.

import type { Context } from "../../context.js";
import { localized, type MessageKey, t } from "../../i18n/index.js";
import { kindLabel } from "../../run/inspection.js";
import { iterateStatusRows, type StatusRow } from "../../status/rows.js";
import type { StoreReads } from "../../store/port.js";
import type { Unit } from "../../store/types.js";
import { unitsWithoutRuns } from "../../units/coverage.js";
import { localDateTime } from "../../util/dates.js";
import { type Cell, type Column, renderTable, tableStyle } from "../../util/table.js";
import { paragraph } from "../../util/width.js";
import { dbLabel, JsonList, requireUnit, withStore, writeJsonDocument } from "../policies.js";
import type { StatusOptions } from "./index.js";

/**
 * The columns, from what a clerk reads first to what a narrow terminal may leave out (the
 * run's times, the version, the pass and n/a counts, which --json and a wider terminal show).
 */
function statusColumns(): Column[] {
  const count = (key: MessageKey, keep: number, optional = false): Column => ({
    header: t(key),
    fixed: true,
    align: "right",
    keep,
    optional,
  });
  return [
    { header: t("status.header.unit"), keep: 9, min: 12, cut: "middle" },
    { header: t("status.header.checklist"), keep: 5, min: 10 },
    { header: t("status.header.kind"), fixed: true, keep: 7 },
    { header: t("status.header.group"), keep: 2, min: 8, optional: true },
    { header: t("status.header.version"), fixed: true, keep: 1, optional: true },
    { header: t("status.header.progress"), fixed: true, keep: 9, align: "right" },
    count("status.header.pass", 2, true),
    count("status.header.partial", 8),
    count("status.header.fail", 8),
    count("status.header.na", 1, true),
    count("status.header.open", 8),
    count("rectify.col.late", 8),
    count("compare.relapses", 6, true),
    { header: t("status.header.score"), fixed: true, keep: 2, optional: true },
    { header: t("status.header.status"), fixed: true, keep: 9 },
    { header: t("status.header.started"), fixed: true, keep: 0, optional: true },
    { header: t("status.header.finished"), fixed: true, keep: 3, optional: true },
  ];
}

export function renderStatusTable(rows: StatusRow[], ctx: Context, notStarted: readonly Unit[] = []): string {
  const red = (n: number): Cell => (n > 0 ? { text: String(n), style: ctx.out.red } : "0");
  const body: Cell[][] = rows.map((r) => [
    r.unit.name,
    localized(r.checklist.title, r.checklist.titleEn ?? undefined),
    kindLabel(r.kind),
    r.inspection?.group ?? "",
    r.checklist.version,
    `${r.answered}/${r.total}`,
    String(r.counts.pass),
    String(r.counts.partial),
    String(r.counts.fail),
    String(r.counts.na),
    String(r.openRectifications),
    red(r.overdueRectifications),
    red(r.relapses),
    r.score === null ? "—" : `${r.score}${r.grade ? ` ${localized(r.grade, r.gradeEn ?? undefined)}` : ""}`,
    r.status === "complete"
      ? { text: t("status.complete"), style: ctx.out.green }
      : r.setAside
        ? { text: t("status.setAside"), style: ctx.out.dim }
        : { text: t("status.inProgress"), style: ctx.out.yellow },
    localDateTime(r.startedAt),
    r.finishedAt ? localDateTime(r.finishedAt) : "-",
  ]);
  // Roster units without any run (未开展): the bureau sees who is missing.
  const all = statusColumns();
  // 类型 and 督导组 tell a supervision group's runs from the units' own: shown once there is one.
  const inspected = rows.some((r) => r.kind === "inspection");
  const hidden = inspected ? [] : [t("status.header.kind"), t("status.header.group")];
  const shown = all.map((c) => !hidden.includes(c.header));
  const columns = all.filter((_, i) => shown[i]);
  for (const [n, cells] of body.entries()) body[n] = cells.filter((_, i) => shown[i]);
  const statusColumn = columns.findIndex((c) => c.header === t("status.header.status"));
  for (const u of notStarted) {
    body.push(
      columns.map((_, i) =>
        i === 0 ? u.name : i === statusColumn ? { text: t("units.notStarted"), style: ctx.out.yellow } : "",
      ),
    );
  }
  return renderTable(columns, body, tableStyle(ctx));
}

/** The roster fields --json gives of a unit that has not started. */
const notStartedJson = ({ id, name, code, township, type }: Unit) => ({ id, name, code, township, type });

export async function run(opts: StatusOptions, ctx: Context): Promise<number> {
  const { rows, notStarted } = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      const unit = opts.unit === undefined ? undefined : await requireUnit(tx, opts.unit, store.location);
      const runs = iterateStatusRows(tx, unit ? { unitId: unit.id } : {});
      // --json is written as the runs are read (inside the one read transaction): memory stays
      // flat however many units there are.
      if (opts.json) {
        await writeJsonDocument(ctx, statusJson(tx, runs, unit));
        return { rows: null, notStarted: [] };
      }
      const rows: StatusRow[] = [];
      for await (const r of runs) rows.push(r);
      return { rows, notStarted: unit ? unitNotStarted(unit, rows) : await unitsWithoutRuns(tx) };
    }),
  );
  if (rows === null) return 0;
  if (rows.length === 0 && notStarted.length === 0) {
    const text = `${t("status.noRuns", { db: dbLabel(ctx) })}\n${t("status.noRuns.hint")}`;
    ctx.stdout.write(`${paragraph(text, ctx.width)}\n`);
  } else {
    ctx.stdout.write(renderStatusTable(rows, ctx, notStarted));
  }
  return 0;
}

/**
 * One unit has not started (未开展) when it has no run but those set aside, as the roster counts
 * runs: nothing is read about the other units (not the roster either).
 */
function unitNotStarted(unit: Unit, rows: readonly StatusRow[]): Unit[] {
  return rows.every((r) => r.setAside) ? [unit] : [];
}

/** The --json document: the runs as they come, then the units not started (known once they have). */
function statusJson(tx: StoreReads, runs: AsyncIterable<StatusRow>, unit: Unit | undefined) {
  let counted = false;
  async function* runsSeen() {
    for await (const r of runs) {
      if (!r.setAside) counted = true;
      yield r;
    }
  }
  async function* missing() {
    const units = unit ? (counted ? [] : [unit]) : await unitsWithoutRuns(tx);
    for (const u of units) yield notStartedJson(u);
  }
  return { runs: new JsonList(runsSeen()), notStarted: new JsonList(missing()) };
}
