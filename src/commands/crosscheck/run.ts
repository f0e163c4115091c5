// `lookback crosscheck`: where a unit rated itself better than the inspectors found (a candidate
// for 弄虚作假), worse, or not at all. --unit: the unit's pairs; --all: a line per unit, the units
// with most items overstated first. --json is the same data.
import type { Context } from "../../context.js";
import { usageError } from "../../errors.js";
import { localized, type MessageKey, t } from "../../i18n/index.js";
import {
  AGREEMENTS,
  type Agreement,
  type AgreementCounts,
  type CrossPair,
  type CrossRun,
  crosscheckUnits,
  type ItemLabel,
  rankCrosschecks,
  type UnitCrosscheck,
} from "../../run/crosscheck.js";
import type { Result } from "../../store/types.js";
import { localDateOf } from "../../util/dates.js";
import { type Cell, type Column, renderTable, tableStyle } from "../../util/table.js";
import { dbLabel, requireUnit, withStore } from "../policies.js";
import type { CrosscheckOptions } from "./index.js";

export async function run(opts: CrosscheckOptions, ctx: Context): Promise<number> {
  if (opts.unit !== undefined && opts.all)
    throw usageError("crosscheck.unitWithAll", {}, { hintKey: "crosscheck.noSelection.hint" });
  if (opts.unit === undefined && !opts.all)
    throw usageError("crosscheck.noSelection", {}, { hintKey: "crosscheck.noSelection.hint" });
  const checks = await withStore(ctx, "read", async (store) => {
    const unit = opts.unit === undefined ? undefined : await requireUnit(store, opts.unit, store.location);
    return crosscheckUnits(store, unit ? { unitId: unit.id } : {});
  });
  const units = rankCrosschecks(checks);
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ units: units.map(toJson), totals: totals(units) }, null, 2)}\n`);
  } else if (units.length === 0) {
    ctx.stdout.write(`${t("crosscheck.none", { db: dbLabel(ctx) })}\n`);
  } else if (opts.unit !== undefined) {
    ctx.stdout.write(units.map((u) => unitText(u, ctx)).join("\n"));
  } else {
    ctx.stdout.write(countsTable(units, ctx));
  }
  return 0;
}

function totals(units: readonly UnitCrosscheck[]) {
  const sum = Object.fromEntries(AGREEMENTS.map((k) => [k, 0])) as AgreementCounts;
  for (const u of units) for (const k of AGREEMENTS) sum[k] += u.counts[k];
  return {
    units: units.length,
    unitsOverstated: units.filter((u) => u.counts.overstated > 0).length,
    ...sum,
  };
}

function toJson(u: UnitCrosscheck) {
  const { id, name, code, township, type } = u.unit;
  return {
    unit: { id, name, code, township, type },
    inspection: u.inspection,
    self: u.self,
    counts: u.counts,
    pairs: u.pairs,
  };
}

const agreementText = (a: Agreement) => t(`crosscheck.agreement.${a}` as MessageKey);
const resultText = (r: Result | null) => (r === null ? "—" : t(`check.result.${r}` as MessageKey));
const itemText = (i: ItemLabel) => `${i.number} ${localized(i.text, i.textEn ?? undefined)}`;
const runText = (r: CrossRun) =>
  t("crosscheck.run", {
    checklist: r.checklistId,
    version: r.checklistVersion,
    date: localDateOf(r.finishedAt ?? r.startedAt),
    // An inspection is the supervision group's: its name before the one who entered it.
    who: r.group ? `${r.group.group} ${r.respondent}` : r.respondent,
  });

function countsLine(c: AgreementCounts): string {
  return t("crosscheck.counts", {
    overstated: c.overstated,
    understated: c.understated,
    unanswered: c.unanswered,
    na: c["not-applicable"],
    agreed: c.agreed,
  });
}

/** A unit's pairs, the ones to follow up first. */
function unitText(u: UnitCrosscheck, ctx: Context): string {
  const order = (p: CrossPair) => AGREEMENTS.indexOf(p.agreement);
  const pairs = [...u.pairs].sort((a, b) => order(a) - order(b));
  const mark = (p: CrossPair): Cell =>
    p.agreement === "overstated"
      ? { text: agreementText(p.agreement), style: ctx.out.red }
      : agreementText(p.agreement);
  const columns: Column[] = [
    { header: t("crosscheck.col.agreement"), fixed: true, keep: 9 },
    { header: t("crosscheck.col.inspection"), keep: 6, min: 12 },
    { header: t("crosscheck.col.self"), keep: 7, min: 12 },
    { header: t("crosscheck.col.selfResult"), fixed: true, keep: 8 },
    { header: t("crosscheck.col.inspectionResult"), fixed: true, keep: 8 },
  ];
  const body = pairs.map((p) => [
    mark(p),
    itemText(p.inspectionItem),
    itemText(p.selfItem),
    resultText(p.self),
    resultText(p.inspection),
  ]);
  const head = [
    ctx.out.bold(u.unit.name),
    t("crosscheck.against", { inspection: runText(u.inspection), self: runText(u.self) }),
    countsLine(u.counts),
    "",
  ];
  return `${head.join("\n")}\n${renderTable(columns, body, tableStyle(ctx))}`;
}

/** --all: a line per unit. */
function countsTable(units: readonly UnitCrosscheck[], ctx: Context): string {
  const n = (k: MessageKey, keep: number): Column => ({ header: t(k), fixed: true, align: "right", keep });
  const columns: Column[] = [
    { header: t("crosscheck.col.unit"), keep: 9, min: 12, cut: "middle" },
    { header: t("crosscheck.col.checklists"), keep: 3, min: 10, optional: true },
    n("crosscheck.agreement.overstated", 9),
    n("crosscheck.agreement.understated", 6),
    n("crosscheck.agreement.unanswered", 7),
    n("crosscheck.agreement.not-applicable", 2),
    n("crosscheck.agreement.agreed", 5),
  ];
  const red = (x: number): Cell => (x > 0 ? { text: String(x), style: ctx.out.red } : "0");
  const body = units.map((u) => [
    u.unit.name,
    `${u.inspection.checklistId} / ${u.self.checklistId}`,
    red(u.counts.overstated),
    String(u.counts.understated),
    String(u.counts.unanswered),
    String(u.counts["not-applicable"]),
    String(u.counts.agreed),
  ]);
  const sum = totals(units);
  return `${renderTable(columns, body, tableStyle(ctx))}${t("crosscheck.summary", { units: sum.units, overstated: sum.unitsOverstated })}\n`;
}
