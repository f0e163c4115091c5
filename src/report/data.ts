// The one place the briefing reads the store: it fills the UnitBriefing and CountyBriefing
// records from the unit's ledger as the export builds it (every problem of every round, its
// 问题编号, days overdue and relapses, counted by the one counting rule), so that a briefing
// never disagrees with a ledger, 汇总 or `rectify list`. Asynchronous, as the storage interface
// is going to be.
import type { Checklist } from "../checklist/schema.js";
import { buildLedgerData, type LedgerData, type LedgerRow, SnapshotCache } from "../ledger/data.js";
import { DEFAULT_CHECKLIST, pickRun } from "../ledger/export.js";
import type { StoreReads } from "../store/port.js";
import type { Run, Unit } from "../store/types.js";
import { compareZh } from "../util/collate.js";
import type {
  CountyBriefing,
  Masthead,
  OverdueItem,
  Problem,
  ProblemGroup,
  RelapseItem,
  ReportLanguage,
  SectionTally,
  StatusTally,
  Tail,
  TownshipRow,
  UnitBriefing,
  UnitRow,
} from "./types.js";

export interface GatherOptions {
  /** The checklist whose latest run gives the answers (default: the unit's self-check). */
  checklist: string | undefined;
  /** The briefing's date: overdue is judged against it. */
  today: string;
  language: ReportLanguage;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function withRates(s: Omit<StatusTally, "closeRate" | "doneRate">): StatusTally {
  return { ...s, closeRate: rate(s.closed, s.total), doneRate: rate(s.done + s.closed, s.total) };
}

/** 问题编号 as the ledger prints it: `2-3`, with the leading cadre on a line of its own. */
const codeOf = (row: LedgerRow) => (row.leader === null ? row.number : `${row.number}\n${row.leader}`);

/** One unit's numbers: its latest run's answers by section, and its ledger, every round. */
interface UnitFacts {
  unit: Unit;
  run: Run;
  data: LedgerData;
  checklist: Checklist;
  sections: SectionTally[];
  tally: StatusTally;
}

class Gatherer {
  private readonly snapshots: SnapshotCache;
  constructor(
    private readonly store: StoreReads,
    private readonly opts: GatherOptions,
  ) {
    this.snapshots = new SnapshotCache(store, opts.language);
  }

  private sectionsOf(checklist: Checklist, run: Run, data: LedgerData): SectionTally[] {
    const en = this.opts.language === "en";
    return checklist.sections.map((s) => {
      const rows = data.details.filter((d) => d.slot.sectionId === s.id);
      const answers = rows.flatMap((r) => (r.answer ? [r.answer.result] : []));
      const count = (r: string) => answers.filter((a) => a === r).length;
      return {
        sectionId: s.id,
        title: en && s.title_en ? s.title_en : s.title,
        items: rows.length,
        answered: answers.length,
        pass: count("pass"),
        partial: count("partial"),
        fail: count("fail"),
        na: count("na"),
        leaders: s.per === "leader" ? [...run.leaders] : [],
      };
    });
  }

  /** The unit's facts, or null when it has no run of the checklist (未开展). */
  async unit(unit: Unit): Promise<UnitFacts | null> {
    const { store, opts } = this;
    const run = await pickRun(store, unit, opts.checklist);
    if (!run) return null;
    const { checklist } = await this.snapshots.get(run.checklistHash);
    // The unit's ledger: every rectification of every round, counted by the one rule the
    // ledgers, 汇总, `status` and `rectify list` count by.
    const data = await buildLedgerData(store, this.snapshots, unit, run, {
      today: opts.today,
      language: opts.language,
    });
    const c = data.counts;
    return {
      unit,
      run,
      data,
      checklist,
      sections: this.sectionsOf(checklist, run, data),
      tally: withRates({
        total: c.rectifications,
        open: c.open,
        inProgress: c.inProgress,
        done: c.done,
        closed: c.closed,
        overdue: c.overdue,
        relapses: data.rows.filter((r) => r.relapse !== null).length,
      }),
    };
  }

  overdueOf(f: UnitFacts, withUnit: boolean): OverdueItem[] {
    return f.data.rows
      .filter((r) => r.daysOverdue !== null)
      .map((r) => ({
        unit: withUnit ? f.unit.name : null,
        code: codeOf(r),
        problem: r.rectification.problem,
        owner: r.rectification.owner,
        deadline: r.rectification.deadline ?? "",
        days: r.daysOverdue ?? 0,
      }))
      .sort((a, b) => b.days - a.days);
  }

  relapsesOf(f: UnitFacts, withUnit: boolean): RelapseItem[] {
    return f.data.rows.flatMap((r) =>
      r.relapse === null
        ? []
        : [
            {
              unit: withUnit ? f.unit.name : null,
              code: codeOf(r),
              item: r.item,
              closedAt: r.relapse.closedAt,
              closedBy: r.relapse.closedBy,
            },
          ],
    );
  }

  /** The unit's problems grouped by the section of its checklist, in the ledger's order. */
  problemsOf(f: UnitFacts): ProblemGroup[] {
    const groups = f.sections.map((s) => ({
      sectionId: s.sectionId,
      title: s.title,
      problems: [] as Problem[],
    }));
    const other: ProblemGroup = { sectionId: "", title: "—", problems: [] };
    for (const row of f.data.rows) {
      const r = row.rectification;
      const sectionId = r.itemKey.split(".")[0] ?? "";
      const group = groups.find((g) => g.sectionId === sectionId) ?? other;
      group.problems.push({
        code: codeOf(row),
        item: row.item,
        problem: r.problem,
        measure: r.measure,
        owner: r.owner,
        deadline: r.deadline,
        status: r.status,
        overdueDays: row.daysOverdue,
        relapse: row.relapse !== null,
      });
    }
    return [...groups, other].filter((g) => g.problems.length > 0);
  }
}

export interface Front {
  masthead: (scope: { unit?: Unit; township: string | null; checklist: string }) => Masthead;
  tail: Tail;
}

/** A unit's briefing, or null when the unit has no run of the checklist. */
export async function gatherUnitBriefing(
  store: StoreReads,
  unit: Unit,
  opts: GatherOptions,
  front: Front,
): Promise<UnitBriefing | null> {
  const g = new Gatherer(store, opts);
  const f = await g.unit(unit);
  if (!f) return null;
  return {
    kind: "unit",
    language: opts.language,
    masthead: front.masthead({ unit, township: unit.township, checklist: f.data.checklist.title }),
    unit: { name: unit.name, code: unit.code, township: unit.township, type: unit.type },
    checklist: f.data.checklist,
    run: {
      respondent: f.run.respondent,
      status: f.run.status,
      startedAt: f.run.startedAt,
      finishedAt: f.run.finishedAt,
      rounds: f.data.rounds,
    },
    sections: f.sections,
    problems: g.problemsOf(f),
    rectifications: f.tally,
    overdue: g.overdueOf(f, false),
    relapses: g.relapsesOf(f, false),
    tail: front.tail,
  };
}

function addSections(into: Map<string, SectionTally>, sections: readonly SectionTally[]): void {
  for (const s of sections) {
    const t = into.get(s.sectionId);
    if (!t) into.set(s.sectionId, { ...s, leaders: [] });
    else {
      t.items += s.items;
      t.answered += s.answered;
      t.pass += s.pass;
      t.partial += s.partial;
      t.fail += s.fail;
      t.na += s.na;
    }
  }
}

function townshipRows(rows: readonly UnitRow[]): TownshipRow[] {
  const by = new Map<string | null, UnitRow[]>();
  for (const r of rows) by.set(r.township, [...(by.get(r.township) ?? []), r]);
  // Named townships in the order of their names, units without one last.
  const keys = [...by.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : compareZh(a, b)));
  return keys.map((township) => {
    const list = by.get(township) ?? [];
    const count = (f: (r: UnitRow) => boolean) => list.filter(f).length;
    const sum = (k: "problems" | "closed" | "overdue") => list.reduce((a, r) => a + r[k], 0);
    const complete = count((r) => r.runStatus === "complete");
    return {
      township,
      units: list.length,
      complete,
      inProgress: count((r) => r.runStatus === "in-progress"),
      notStarted: count((r) => r.runStatus === null),
      completeRate: complete / Math.max(1, list.length),
      problems: sum("problems"),
      closed: sum("closed"),
      overdue: sum("overdue"),
      closeRate: rate(sum("closed"), sum("problems")),
    };
  });
}

/** A unit's row of the county table; a unit without a run (未开展) has one of zeros. */
function unitRow(unit: Unit, f: UnitFacts | null): UnitRow {
  const answered = f ? f.sections.reduce((a, s) => a + s.answered, 0) : 0;
  const items = f ? f.sections.reduce((a, s) => a + s.items, 0) : 0;
  return {
    name: unit.name,
    township: unit.township,
    runStatus: f ? f.run.status : null,
    answered,
    items,
    problems: f?.tally.total ?? 0,
    closed: f?.tally.closed ?? 0,
    overdue: f?.tally.overdue ?? 0,
    answerRate: f ? rate(answered, items) : null,
    closeRate: f?.tally.closeRate ?? null,
  };
}

/** The county's briefing (or one township's): every unit of the roster, started or not. */
export async function gatherCountyBriefing(
  store: StoreReads,
  township: string | null,
  opts: GatherOptions & { overdueLimit: number },
  front: Front,
): Promise<CountyBriefing> {
  const g = new Gatherer(store, opts);
  const units = (await store.listUnits()).filter((u) => township === null || u.township === township);
  const sections = new Map<string, SectionTally>();
  const unitRows: UnitRow[] = [];
  const overdue: OverdueItem[] = [];
  const relapses: RelapseItem[] = [];
  const totals = { total: 0, open: 0, inProgress: 0, done: 0, closed: 0, overdue: 0, relapses: 0 };
  let checklist: CountyBriefing["checklist"] = null;
  const sectionsOf = opts.checklist ?? DEFAULT_CHECKLIST;
  for (const unit of units) {
    const f = await g.unit(unit);
    unitRows.push(unitRow(unit, f));
    if (!f) continue;
    // The results by section are those of one checklist (a unit that has run only another one,
    // such as the inspectors' 专项督查, still counts in its own row and in the rectifications).
    if (f.run.checklistId === sectionsOf) {
      checklist ??= f.data.checklist;
      addSections(sections, f.sections);
    }
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += f.tally[k];
    overdue.push(...g.overdueOf(f, true));
    relapses.push(...g.relapsesOf(f, true));
  }
  overdue.sort((a, b) => b.days - a.days || compareZh(a.unit ?? "", b.unit ?? ""));
  // Units under their township, in the township table's order (units without one last).
  const townships = townshipRows(unitRows);
  const townOrder = new Map(townships.map((t, i) => [t.township, i]));
  unitRows.sort(
    (a, b) =>
      (townOrder.get(a.township) ?? 0) - (townOrder.get(b.township) ?? 0) || compareZh(a.name, b.name),
  );
  const count = (s: UnitRow["runStatus"]) => unitRows.filter((r) => r.runStatus === s).length;
  return {
    kind: "county",
    language: opts.language,
    masthead: front.masthead({ township, checklist: checklist?.title ?? opts.checklist ?? "" }),
    township,
    checklist,
    units: {
      total: units.length,
      complete: count("complete"),
      inProgress: count("in-progress"),
      notStarted: count(null),
    },
    sections: [...sections.values()],
    rectifications: withRates(totals),
    townships,
    unitRows,
    notStarted: unitRows
      .filter((r) => r.runStatus === null)
      .map((r) => ({ name: r.name, township: r.township })),
    mostOverdue: overdue.slice(0, opts.overdueLimit),
    overdueTotal: overdue.length,
    relapses,
    tail: front.tail,
  };
}
