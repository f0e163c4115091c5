// `lookback report` without the terminal: choose the briefings, plan their file names, refuse
// before writing anything when one exists (unless forced), gather the numbers, render, and
// write each file through a temporary file and a rename.
import path from "node:path";
import { userError } from "../errors.js";
import { t } from "../i18n/index.js";
import { ensureOutDir, exists, inside, selectTargets, writeBytesAtomically } from "../ledger/export.js";
import { sanitizeFileStem, uniqueFileNames } from "../ledger/names.js";
import { fill } from "../ledger/template.js";
import type { StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";
import { closest } from "../util/similar.js";
import { briefingContent } from "./content.js";
import { type Front, gatherCountyBriefing, gatherUnitBriefing } from "./data.js";
import type { ReportFormat } from "./formats.js";
import type { ReportTemplate } from "./template.js";
import type { Briefing, Masthead } from "./types.js";
import { WORDS } from "./words.js";

export interface ReportOptions {
  units: readonly string[];
  /** The county's briefing (--all), or one township's. */
  county: boolean;
  township: string | null;
  checklist: string | undefined;
  format: ReportFormat;
  outDir: string;
  template: ReportTemplate;
  force: boolean;
  /** YYYY-MM-DD: the briefing's date, and the day overdue is judged against. */
  date: string;
  issue: number | null;
  issuer: string | undefined;
  to: string[] | undefined;
  cc: string[] | undefined;
  copies: number | undefined;
  show: (file: string) => string;
  /** The database as messages name it. */
  db: string;
}

export interface ReportResult {
  outDir: string;
  written: string[];
}

interface Planned {
  file: string;
  build: () => Promise<Briefing>;
}

function front(o: ReportOptions): Front {
  const tpl = o.template;
  const w = WORDS[tpl.language];
  return {
    masthead: ({ unit, township, checklist }): Masthead => {
      const values = {
        unit: unit?.name ?? "",
        township: township ?? "",
        scope: township ?? tpl.scopeCounty,
        checklist,
        issue: o.issue ?? "",
        date: w.date(o.date),
        issuer: "",
      };
      const issuer = o.issuer ?? fill(unit ? tpl.issuer.unit : tpl.issuer.county, values);
      return {
        title: fill(unit ? tpl.title.unit : tpl.title.county, { ...values, issuer }),
        issue: o.issue,
        issuer: issuer || values.scope,
        date: o.date,
      };
    },
    tail: { to: o.to ?? tpl.tail.to, cc: o.cc ?? tpl.tail.cc, copies: o.copies ?? tpl.tail.copies },
  };
}

/** The township as the roster spells it, or a usage error naming the one meant. */
async function checkTownship(store: StoreReads, township: string): Promise<string> {
  const known = [...new Set((await store.listUnits()).flatMap((u) => (u.township ? [u.township] : [])))];
  const name = township.trim().normalize("NFC");
  if (known.includes(name)) return name;
  const meant = closest(name, known);
  throw userError(
    "report.unknownTownship",
    { township: name },
    {
      hintKey: "report.unknownTownship.hint",
      details: meant ? [t("report.unknownTownship.didYouMean", { suggestion: meant })] : [],
      exitCode: 2,
    },
  );
}

async function plan(store: StoreReads, o: ReportOptions): Promise<Planned[]> {
  const tpl = o.template;
  const ext = `.${o.format}`;
  const f = front(o);
  const gather = { checklist: o.checklist, today: o.date, language: tpl.language };
  if (o.county) {
    const township = o.township === null ? null : await checkTownship(store, o.township);
    if ((await store.listUnits()).length === 0)
      throw userError("report.noUnits", { db: o.db }, { hintKey: "report.noUnits.hint" });
    const scope = township ?? tpl.scopeCounty;
    const stem = sanitizeFileStem(
      fill(tpl.countyFile, { scope, township: township ?? "", issue: o.issue ?? "" }),
    );
    return [
      {
        file: `${stem}${ext}`,
        build: () => gatherCountyBriefing(store, township, { ...gather, overdueLimit: tpl.overdueLimit }, f),
      },
    ];
  }
  const selected = await selectTargets(store, { units: o.units, all: false, checklist: o.checklist }, o.db);
  const units: Unit[] = [];
  for (const s of selected) {
    const unit = await store.getUnit(s.unitId);
    if (unit) units.push(unit);
  }
  const stems = units.map((u) =>
    fill(tpl.unitFile, { unit: u.name, township: u.township ?? "", issue: o.issue ?? "", checklist: "" }),
  );
  const files = uniqueFileNames(stems, { suffix: "", ext });
  return units.map((unit, i) => ({
    file: files[i] ?? `${sanitizeFileStem(unit.name)}${ext}`,
    build: async () => {
      const b = await gatherUnitBriefing(store, unit, gather, f);
      if (!b) throw userError("export.noRun", { names: unit.name }, { hintKey: "export.noRun.hint" });
      return b;
    },
  }));
}

/** Render a briefing in the chosen format (the libraries are loaded on first use). */
export async function renderBriefing(
  b: Briefing,
  tpl: ReportTemplate,
  format: ReportFormat,
): Promise<Buffer> {
  const content = briefingContent(b, tpl);
  if (format === "html") {
    const { briefingHtml } = await import("./html.js");
    return Buffer.from(briefingHtml(content, tpl), "utf8");
  }
  const { briefingDocx } = await import("./docx.js");
  return briefingDocx(content, tpl);
}

export async function writeBriefings(store: StoreReads, o: ReportOptions): Promise<ReportResult> {
  const planned = await plan(store, o);
  const outDir = path.resolve(o.outDir);
  ensureOutDir(outDir);
  const taken = planned.filter((p) => exists(inside(outDir, p.file)));
  if (taken.length > 0 && !o.force) {
    throw userError(
      "export.exists",
      { count: taken.length },
      { hintKey: "export.exists.hint", details: taken.map((p) => o.show(path.join(outDir, p.file))) },
    );
  }
  // Every briefing is built before the first is written: a failure leaves no file behind.
  const rendered: { file: string; bytes: Buffer }[] = [];
  for (const p of planned)
    rendered.push({ file: p.file, bytes: await renderBriefing(await p.build(), o.template, o.format) });
  const written: string[] = [];
  for (const r of rendered) {
    await writeBytesAtomically(outDir, r.file, r.bytes, o.force);
    written.push(r.file);
  }
  return { outDir, written };
}
