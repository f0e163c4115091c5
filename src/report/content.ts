// A briefing as a list of blocks (headings, paragraphs, tables, charts, the marked places a
// person writes in), built once from the data record and the template. The docx and html
// writers only lay these blocks out, so both say the same thing with the same numbers.
import { fill } from "../ledger/template.js";
import type { Part, ReportTemplate } from "./template.js";
import type {
  Briefing,
  CountyBriefing,
  Masthead,
  OverdueItem,
  Problem,
  RelapseItem,
  SectionTally,
  StatusTally,
  Tail,
  UnitBriefing,
} from "./types.js";
import { WORDS, type Words } from "./words.js";

export type Align = "left" | "center" | "right";

export interface Column {
  heading: string;
  align: Align;
  /** Relative width. */
  width: number;
}

export interface ChartSeries {
  name: string;
  values: number[];
  /** 6 hex digits. */
  color: string;
}

/** A chart as both writers draw it: native in Word, SVG in the page. */
export interface ChartSpec {
  id: "completion" | "results" | "statuses" | "overdue";
  title: string;
  /** bar: horizontal bars, one row per category · column: vertical · pie: one series. */
  kind: "bar" | "column" | "pie";
  stacked: boolean;
  categories: string[];
  series: ChartSeries[];
  /** Title of the value axis. */
  unit: string;
}

/** Height of a chart in pixels: bar charts grow with their categories, so that every label fits. */
export function chartHeight(spec: ChartSpec): number {
  if (spec.kind === "bar") return Math.min(900, Math.max(220, 90 + spec.categories.length * 26));
  return 300;
}

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "subheading"; text: string }
  | { kind: "paragraph"; text: string }
  /** A place a person fills in: shown marked, with the template's prompt. */
  | { kind: "prompt"; text: string }
  | { kind: "table"; columns: Column[]; rows: string[][]; total?: string[] }
  | { kind: "chart"; chart: ChartSpec };

export interface BriefingContent {
  language: Briefing["language"];
  masthead: { title: string; issue: string | null; issuer: string; date: string };
  blocks: Block[];
  tail: { to: string | null; cc: string | null; copies: string | null };
  /** The footer's page number, around a `{page}` field. */
  pageNumber: { before: string; after: string };
}

/** Colours that read alike on screen and in print (also in grey). */
export const COLORS = {
  pass: "3A8E5C",
  partial: "E3A21A",
  fail: "C0392B",
  na: "9AA5B1",
  open: "C0392B",
  inProgress: "E3A21A",
  done: "2E75B6",
  closed: "3A8E5C",
  notStarted: "9AA5B1",
  overdue: "C0392B",
} as const;

const col = (heading: string, width: number, align: Align = "center"): Column => ({ heading, align, width });
const n = (v: number) => String(v);

function masthead(m: Masthead, tpl: ReportTemplate, w: Words): BriefingContent["masthead"] {
  return {
    title: m.title,
    issue: m.issue === null ? null : fill(tpl.issue, { issue: m.issue }),
    issuer: m.issuer,
    date: w.date(m.date),
  };
}

function tail(t: Tail, w: Words): BriefingContent["tail"] {
  return {
    to: t.to.length > 0 ? w.tail.to(w.join(t.to)) : null,
    cc: t.cc.length > 0 ? w.tail.cc(w.join(t.cc)) : null,
    copies: t.copies === null ? null : w.tail.copies(t.copies),
  };
}

function sectionTable(sections: readonly SectionTally[], w: Words, withTotal: boolean): Block {
  const l = w.labels.result;
  const sum = (k: "items" | "answered" | "pass" | "partial" | "fail" | "na") =>
    n(sections.reduce((a, s) => a + s[k], 0));
  return {
    kind: "table",
    columns: [
      col(w.heads.section, 3, "left"),
      col(w.heads.items, 1),
      col(w.heads.answered, 1),
      col(l.pass, 1),
      col(l.partial, 1.3),
      col(l.fail, 1.2),
      col(l.na, 1.2),
    ],
    rows: sections.map((s) => [
      s.title,
      n(s.items),
      n(s.answered),
      n(s.pass),
      n(s.partial),
      n(s.fail),
      n(s.na),
    ]),
    ...(withTotal
      ? {
          total: [
            w.heads.total,
            sum("items"),
            sum("answered"),
            sum("pass"),
            sum("partial"),
            sum("fail"),
            sum("na"),
          ],
        }
      : {}),
  };
}

/** A problem's status with its marks (逾期 N 天, 反弹), as the briefing's table shows it. */
function markedStatus(p: Problem, w: Words): string {
  const marks = [
    ...(p.overdueDays !== null ? [w.overdueDays(p.overdueDays)] : []),
    ...(p.relapse ? [w.relapseMark] : []),
  ];
  return w.marked(w.labels.status[p.status], marks);
}

function statusTable(s: StatusTally, w: Words): Block {
  const share = (v: number) => w.percent(s.total === 0 ? null : v / s.total);
  const l = w.labels.status;
  return {
    kind: "table",
    columns: [col(w.heads.status, 2, "left"), col(w.heads.count, 1), col(w.heads.share, 1)],
    rows: [
      [l.open, n(s.open), share(s.open)],
      [l["in-progress"], n(s.inProgress), share(s.inProgress)],
      [l.done, n(s.done), share(s.done)],
      [l.closed, n(s.closed), share(s.closed)],
    ],
    total: [w.heads.total, n(s.total), s.total === 0 ? "—" : "100.0%"],
  };
}

function overdueTable(items: readonly OverdueItem[], w: Words, withUnit: boolean): Block {
  return {
    kind: "table",
    columns: [
      ...(withUnit ? [col(w.heads.unit, 2.4, "left")] : []),
      col(w.heads.code, 1.3),
      col(w.heads.problem, 4, "left"),
      col(w.heads.owner, 1.4),
      col(w.heads.deadline, 1.9),
      col(w.heads.daysOverdue, 1.1),
    ],
    rows: items.map((o) => [
      ...(withUnit ? [o.unit ?? ""] : []),
      o.code,
      o.problem,
      o.owner,
      o.deadline,
      n(o.days),
    ]),
  };
}

function relapseTable(items: readonly RelapseItem[], w: Words, withUnit: boolean): Block {
  return {
    kind: "table",
    columns: [
      ...(withUnit ? [col(w.heads.unit, 2.4, "left")] : []),
      col(w.heads.code, 1.3),
      col(w.heads.item, 4, "left"),
      col(w.heads.closedAt, 1.6),
      col(w.heads.closedBy, 1.3),
    ],
    rows: items.map((r) => [
      ...(withUnit ? [r.unit ?? ""] : []),
      r.code,
      r.item,
      r.closedAt ?? "",
      r.closedBy ?? "",
    ]),
  };
}

function headingOf(part: Part): Block {
  return { kind: "heading", text: part.heading };
}

function unitBasic(b: UnitBriefing, w: Words): Block[] {
  const out: Block[] = [
    {
      kind: "paragraph",
      text: w.unitOverview({
        unit: b.unit.name,
        checklist: b.checklist.title,
        answered: b.sections.reduce((a, s) => a + s.answered, 0),
        items: b.sections.reduce((a, s) => a + s.items, 0),
        complete: b.run.status === "complete",
        rounds: b.run.rounds,
      }),
    },
  ];
  b.sections.forEach((s, i) => {
    out.push({ kind: "subheading", text: `${w.sub(i + 1)}${s.title}` });
    out.push({ kind: "paragraph", text: w.sectionLine(s) });
  });
  out.push(sectionTable(b.sections, w, true));
  return out;
}

function unitProblems(b: UnitBriefing, w: Words): Block[] {
  const groups = b.problems.filter((g) => g.problems.length > 0);
  const count = groups.reduce((a, g) => a + g.problems.length, 0);
  if (count === 0) return [{ kind: "paragraph", text: w.noProblems }];
  const out: Block[] = [{ kind: "paragraph", text: w.problemsIntro(count, groups.length) }];
  groups.forEach((g, i) => {
    out.push({ kind: "subheading", text: `${w.sub(i + 1)}${g.title}（${g.problems.length}）` });
    out.push({
      kind: "table",
      columns: [
        col(w.heads.code, 1.3),
        col(w.heads.problem, 3.2, "left"),
        col(w.heads.measure, 3, "left"),
        col(w.heads.owner, 1.4),
        col(w.heads.deadline, 1.9),
        col(w.heads.status, 1.8),
      ],
      rows: g.problems.map((p) => [
        p.code,
        p.problem,
        p.measure,
        p.owner,
        p.deadline ?? "",
        markedStatus(p, w),
      ]),
    });
  });
  return out;
}

/** A sub-heading, then a list introduced by a sentence, or the sentence saying there is none. */
function listOrNone(
  heading: string,
  count: number,
  none: string,
  intro: string,
  table: () => Block,
): Block[] {
  return [
    { kind: "subheading", text: heading },
    ...(count === 0
      ? [{ kind: "paragraph" as const, text: none }]
      : [{ kind: "paragraph" as const, text: intro }, table()]),
  ];
}

function unitRectification(b: UnitBriefing, w: Words): Block[] {
  return [
    { kind: "paragraph", text: w.statusLine(b.masthead.date, b.rectifications) },
    statusTable(b.rectifications, w),
    ...listOrNone(
      `${w.sub(1)}${w.subheads.overdue}`,
      b.overdue.length,
      w.noOverdue,
      w.overdueIntro(b.overdue.length),
      () => overdueTable(b.overdue, w, false),
    ),
    ...listOrNone(
      `${w.sub(2)}${w.subheads.relapses}`,
      b.relapses.length,
      w.noRelapses,
      w.relapsesIntro(b.relapses.length),
      () => relapseTable(b.relapses, w, false),
    ),
  ];
}

function unitPart(part: Part, b: UnitBriefing, w: Words): Block[] {
  switch (part.part) {
    case "basic":
      return [headingOf(part), ...unitBasic(b, w)];
    case "problems":
      return [headingOf(part), ...unitProblems(b, w)];
    case "rectification":
      return [headingOf(part), ...unitRectification(b, w)];
    case "practice":
    case "next":
      return [headingOf(part), { kind: "prompt", text: part.prompt ?? "" }];
    case "units":
      return [];
  }
}

const township = (t: string | null, w: Words) => t ?? w.noTownship;

/** The county's charts, from its numbers (the order the briefing shows them in). */
export function countyCharts(b: CountyBriefing, w: Words): Record<ChartSpec["id"], ChartSpec> {
  const towns = b.townships.map((t) => township(t.township, w));
  const l = w.labels;
  return {
    completion: {
      id: "completion",
      title: w.charts.completion,
      kind: "bar",
      stacked: true,
      categories: towns,
      unit: w.charts.units,
      series: [
        { name: w.heads.complete, values: b.townships.map((t) => t.complete), color: COLORS.closed },
        { name: w.heads.inProgress, values: b.townships.map((t) => t.inProgress), color: COLORS.inProgress },
        { name: w.heads.notStarted, values: b.townships.map((t) => t.notStarted), color: COLORS.notStarted },
      ],
    },
    results: {
      id: "results",
      title: w.charts.results,
      kind: "bar",
      stacked: true,
      categories: b.sections.map((s) => s.title),
      unit: w.charts.items,
      series: [
        { name: l.result.pass, values: b.sections.map((s) => s.pass), color: COLORS.pass },
        { name: l.result.partial, values: b.sections.map((s) => s.partial), color: COLORS.partial },
        { name: l.result.fail, values: b.sections.map((s) => s.fail), color: COLORS.fail },
        { name: l.result.na, values: b.sections.map((s) => s.na), color: COLORS.na },
      ],
    },
    statuses: {
      id: "statuses",
      title: w.charts.statuses,
      kind: "column",
      stacked: false,
      categories: [l.status.open, l.status["in-progress"], l.status.done, l.status.closed],
      unit: w.charts.rectifications,
      series: [
        {
          name: w.charts.rectifications,
          values: [
            b.rectifications.open,
            b.rectifications.inProgress,
            b.rectifications.done,
            b.rectifications.closed,
          ],
          color: COLORS.done,
        },
      ],
    },
    overdue: {
      id: "overdue",
      title: w.charts.overdue,
      kind: "column",
      stacked: false,
      categories: towns,
      unit: w.charts.rectifications,
      series: [{ name: w.heads.overdue, values: b.townships.map((t) => t.overdue), color: COLORS.overdue }],
    },
  };
}

function townshipTable(b: CountyBriefing, w: Words): Block {
  const h = w.heads;
  const sum = (k: "units" | "complete" | "inProgress" | "notStarted" | "problems" | "closed" | "overdue") =>
    b.townships.reduce((a, t) => a + t[k], 0);
  return {
    kind: "table",
    columns: [
      col(h.township, 2.2, "left"),
      col(h.units, 1),
      col(h.complete, 1),
      col(h.inProgress, 1),
      col(h.notStarted, 1),
      col(h.completeRate, 1.2),
      col(h.problems, 1),
      col(h.closed, 1),
      col(h.closeRate, 1.2),
      col(h.overdue, 0.9),
    ],
    rows: b.townships.map((t) => [
      township(t.township, w),
      n(t.units),
      n(t.complete),
      n(t.inProgress),
      n(t.notStarted),
      w.percent(t.completeRate),
      n(t.problems),
      n(t.closed),
      w.percent(t.closeRate),
      n(t.overdue),
    ]),
    total: [
      h.total,
      n(sum("units")),
      n(sum("complete")),
      n(sum("inProgress")),
      n(sum("notStarted")),
      w.percent(b.units.total === 0 ? null : b.units.complete / b.units.total),
      n(b.rectifications.total),
      n(b.rectifications.closed),
      w.percent(b.rectifications.closeRate),
      n(b.rectifications.overdue),
    ],
  };
}

function unitsTable(b: CountyBriefing, w: Words): Block {
  const h = w.heads;
  const status = (s: CountyBriefing["unitRows"][number]["runStatus"]) => w.labels.runStatus[s ?? "none"];
  return {
    kind: "table",
    columns: [
      col(h.seq, 0.7),
      col(h.unit, 3.2, "left"),
      col(h.township, 1.6, "left"),
      col(h.runStatus, 1.2),
      col(h.answerRate, 1.2),
      col(h.problems, 1),
      col(h.closed, 1),
      col(h.closeRate, 1.2),
      col(h.overdue, 0.9),
    ],
    rows: b.unitRows.map((u, i) => [
      n(i + 1),
      u.name,
      township(u.township, w),
      status(u.runStatus),
      u.runStatus === null ? "—" : `${u.answered}/${u.items}`,
      n(u.problems),
      n(u.closed),
      w.percent(u.closeRate),
      n(u.overdue),
    ]),
  };
}

/** 存在问题 of the county: the units not started, the most overdue items, the relapses. */
function countyProblems(b: CountyBriefing, w: Words): Block[] {
  const overdue = b.mostOverdue.length > 0 ? [overdueTable(b.mostOverdue, w, true)] : [];
  return [
    ...listOrNone(
      `${w.sub(1)}${w.subheads.notStarted}`,
      b.notStarted.length,
      w.allStarted,
      w.notStartedIntro(b.notStarted.length),
      () => ({
        kind: "table",
        columns: [col(w.heads.seq, 0.7), col(w.heads.unit, 4, "left"), col(w.heads.township, 2, "left")],
        rows: b.notStarted.map((u, i) => [n(i + 1), u.name, township(u.township, w)]),
      }),
    ),
    { kind: "subheading", text: `${w.sub(2)}${w.subheads.mostOverdue}` },
    ...(b.overdueTotal === 0
      ? [{ kind: "paragraph" as const, text: w.noOverdue }]
      : [
          { kind: "paragraph" as const, text: w.mostOverdueIntro(b.mostOverdue.length, b.overdueTotal) },
          ...overdue,
        ]),
    ...listOrNone(
      `${w.sub(3)}${w.subheads.relapses}`,
      b.relapses.length,
      w.noRelapses,
      w.relapsesIntro(b.relapses.length),
      () => relapseTable(b.relapses, w, true),
    ),
  ];
}

function countyPart(part: Part, b: CountyBriefing, w: Words, tpl: ReportTemplate): Block[] {
  const charts = tpl.charts ? countyCharts(b, w) : null;
  // A chart of nothing (no township, no section answered yet) is left out rather than drawn empty.
  const chart = (id: ChartSpec["id"]): Block[] =>
    charts && charts[id].categories.length > 0 ? [{ kind: "chart", chart: charts[id] }] : [];
  const scope = b.township ?? tpl.scopeCounty;
  switch (part.part) {
    case "basic":
      return [
        headingOf(part),
        { kind: "paragraph", text: w.countyOverview({ scope, ...b.units }) },
        { kind: "subheading", text: `${w.sub(1)}${w.subheads.byTownship}` },
        townshipTable(b, w),
        ...chart("completion"),
        { kind: "subheading", text: `${w.sub(2)}${w.subheads.bySection}` },
        sectionTable(b.sections, w, true),
        ...chart("results"),
      ];
    case "problems":
      return [headingOf(part), ...countyProblems(b, w)];
    case "rectification":
      return [
        headingOf(part),
        { kind: "paragraph", text: w.statusLine(b.masthead.date, b.rectifications) },
        statusTable(b.rectifications, w),
        ...chart("statuses"),
        ...chart("overdue"),
      ];
    case "practice":
    case "next":
      return [headingOf(part), { kind: "prompt", text: part.prompt ?? "" }];
    case "units":
      return [headingOf(part), unitsTable(b, w)];
  }
}

/**
 * Characters XML 1.0 does not allow (controls, U+FFFE/U+FFFF, lone surrogates): a name typed
 * or imported with one would make Word refuse the whole file. Tab and line feed are kept.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const xmlSafe = (s: string): string => s.replace(NOT_XML, "");

/** Every string of a value made XML-safe (the content is plain data: strings, numbers, arrays, records). */
function cleaned<T>(v: T): T {
  if (typeof v === "string") return xmlSafe(v) as T;
  if (Array.isArray(v)) return v.map(cleaned) as T;
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cleaned(x)])) as T;
  }
  return v;
}

/** The briefing's content, in the template's order of parts. */
export function briefingContent(b: Briefing, tpl: ReportTemplate): BriefingContent {
  const w = WORDS[b.language];
  const blocks = tpl.parts.flatMap((p) => (b.kind === "unit" ? unitPart(p, b, w) : countyPart(p, b, w, tpl)));
  const [before = "", after = ""] = w.page("{page}").split("{page}");
  return cleaned({
    language: b.language,
    masthead: masthead(b.masthead, tpl, w),
    blocks,
    tail: tail(b.tail, w),
    pageNumber: { before, after },
  });
}
