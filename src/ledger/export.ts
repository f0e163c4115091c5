// Batch export: choose each unit's run, plan every file name, refuse before
// writing anything when a file exists (unless forced), then write unit by unit through a
// temporary file and a rename. One unit's failure does not stop the others.

import {
  linkSync,
  lstatSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { link, lstat, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { usageError, userError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { LedgerView } from "../rectify/counts.js";
import { crosscheckUnits, rankCrosschecks } from "../run/crosscheck.js";
import type { LatestRun, LedgerSource, StoreReads } from "../store/port.js";
import type { Run, Unit } from "../store/types.js";
import { resolveUnit } from "../units/resolve.js";
import { unknownUnitsError } from "../units/suggest.js";
import { writeChunksToFile } from "../util/json-stream.js";
import { letIoIn, readAhead } from "../util/read-ahead.js";
import { OWNER_TAG, removeStale } from "../util/stale.js";
import { crosscheckSheet } from "./crosscheck-sheet.js";
import {
  type LedgerData,
  latestInspections,
  ledgerDataOf,
  SnapshotCache,
  sumCounts,
  type UnitSummary,
} from "./data.js";
import { evidenceOf, writeUnitEvidence } from "./evidence.js";
import type { ExportFormat } from "./formats.js";
import type { LedgerLanguage } from "./labels.js";
import { FileNamer, sanitizeFileStem } from "./names.js";
import { ledgerSheets, summarySheet } from "./sheets.js";
import { SummaryFile } from "./summary-file.js";
import type { LedgerTemplate } from "./template.js";
import { ledgerCsv, ledgerJson, summaryCsvLines, summaryJson } from "./text-formats.js";
import { type SheetModel, xlsxBytes, xlsxToFile } from "./xlsx.js";

/** The checklist a ledger is about when none is named: the built-in self-check (自查). */
export const DEFAULT_CHECKLIST = "self-check";
export const LEDGER_SUFFIX = "-整改台账";
/** The folder of a unit's evidence files beside its ledger. */
export const EVIDENCE_SUFFIX = "-佐证材料";

export interface ExportOptions {
  /** Unit names (--unit, repeatable); ignored with `all`. */
  units: readonly string[];
  all: boolean;
  checklist?: string;
  /** Absolute output folder. */
  outDir: string;
  format: ExportFormat;
  template: LedgerTemplate;
  force: boolean;
  /** 填报日期 and the day overdue is judged against (local calendar). */
  today: string;
  /** A shorter view of every ledger (and so of the summary's counts): --open, --since. */
  view?: LedgerView;
  /** How a path is shown in messages (e.g. relative to the working folder). */
  show?: (absolutePath: string) => string;
  /** --with-evidence: each unit's 佐证材料 files in a folder beside its ledger, linked from it. */
  withEvidence?: boolean;
}

/** One file to write: ids only, so that 30,000 planned units cost little memory. */
export interface Target {
  unitId: string;
  unitName: string;
  runId: string;
  /** File name inside outDir. */
  file: string;
  /** The unit's evidence folder inside outDir (--with-evidence), else null. */
  evidenceFolder: string | null;
}

export type ProgressEvent =
  | { kind: "start"; total: number }
  | { kind: "written"; n: number; total: number; file: string }
  | { kind: "failed"; n: number; total: number; unit: string; message: string };

export interface ExportResult {
  outDir: string;
  /** How many ledgers were written. */
  written: number;
  summary: string | null;
  /** Files that could not be written (a unit's ledger, or the summary). */
  failures: { unit: string; file: string; message: string }[];
  /** Every file planned, the summary included. */
  total: number;
  /** Evidence files written (--with-evidence). */
  evidenceFiles: number;
}

/**
 * The unit's latest run of the checklist whose ledger is exported: the named one; else the
 * self-check; else the checklist it ran last. The ledger lists the rectifications of every run of
 * that checklist; the run gives the header and 自查明细.
 */
export async function pickRun(
  store: StoreReads,
  unit: Unit,
  checklist: string | undefined,
): Promise<Run | undefined> {
  if (checklist !== undefined) return store.latestRun(unit.id, checklist);
  return (
    (await store.latestRun(unit.id, DEFAULT_CHECKLIST)) ?? (await store.listRuns({ unitId: unit.id })).at(-1)
  );
}

type Selected = Omit<Target, "file" | "evidenceFolder">;

/**
 * pickRun for every unit, one after another, from the latest run of each unit and checklist (a
 * streamed read, by unit name) rather than a query or two per unit: each unit's last run of the
 * checklist, else of the self-check, else its last.
 */
async function* pickedRuns(store: StoreReads, checklist: string | undefined): AsyncGenerator<Selected> {
  let unit: LatestRun[] = [];
  const pick = (): Selected | undefined => {
    const run =
      checklist !== undefined
        ? unit[0]
        : (unit.find((r) => r.checklistId === DEFAULT_CHECKLIST) ?? unit[unit.length - 1]);
    return run && { unitId: run.unitId, unitName: run.unitName, runId: run.runId };
  };
  // A unit's runs come together, in run order.
  for await (const run of store.latestRuns(checklist === undefined ? {} : { checklistId: checklist })) {
    if (unit[0] !== undefined && unit[0].unitId !== run.unitId) {
      const picked = pick();
      if (picked) yield picked;
      unit = [];
    }
    unit.push(run);
  }
  const picked = pick();
  if (picked) yield picked;
}

function nothingToExport(checklist: string | undefined, db: string): Error {
  return checklist !== undefined
    ? userError("export.nothing.checklist", { checklist, db }, { hintKey: "export.nothing.hint" })
    : userError("export.nothing", { db }, { hintKey: "export.nothing.hint" });
}

/** Resolve the selection to units and runs, or throw before anything is written. */
export async function selectTargets(
  store: StoreReads,
  opts: Pick<ExportOptions, "units" | "all" | "checklist">,
  /** The database, as a person is shown it (Store.location). */
  db: string,
): Promise<Selected[]> {
  if (opts.all) {
    const out: Selected[] = [];
    for await (const s of pickedRuns(store, opts.checklist)) out.push(s);
    if (out.length === 0) throw nothingToExport(opts.checklist, db);
    return out;
  }
  const names = [...new Set(opts.units.map((u) => u.trim()).filter((u) => u !== ""))];
  const unknown: string[] = [];
  const noRun: string[] = [];
  const out: Selected[] = [];
  for (const name of names) {
    // The same lookup as every command's --unit: by name or a look-alike, else by code.
    const unit = await resolveUnit(store, name.normalize("NFC"));
    if (!unit) {
      unknown.push(name);
      continue;
    }
    const run = await pickRun(store, unit, opts.checklist);
    if (run) out.push({ unitId: unit.id, unitName: unit.name, runId: run.id });
    else noRun.push(name);
  }
  if (unknown.length > 0) throw await unknownUnitsError(store, unknown, db);
  if (noRun.length > 0) {
    throw opts.checklist !== undefined
      ? userError(
          "export.noRun.checklist",
          { checklist: opts.checklist, names: noRun.join(", ") },
          { hintKey: "export.noRun.hint" },
        )
      : userError("export.noRun", { names: noRun.join(", ") }, { hintKey: "export.noRun.hint" });
  }
  return out;
}

export function ensureOutDir(dir: string): void {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = undefined;
  }
  if (isDir === false)
    throw usageError("export.outNotDir", { path: dir }, { hintKey: "export.outNotDir.hint" });
  if (isDir === undefined) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw usageError(
        "export.cannotCreateOut",
        { path: dir, message: (e as Error).message },
        {
          hintKey: "export.cannotCreateOut.hint",
        },
      );
    }
  }
}

export const exists = (file: string): boolean => {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
};

/** A file name inside `dir`, never outside it: the names are sanitized, this is the last guard. */
export function inside(dir: string, name: string): string {
  const full = path.join(dir, name);
  if (path.dirname(full) !== dir || name.includes("/") || name.includes("\\")) {
    throw new Error(`refusing to write outside ${dir}: ${name}`);
  }
  return full;
}

let tmpCounter = 0;
/** `.<file>.<host>-<pid>.<n>.tmp`: the owner in the name, so that a killed export's leftovers are known. */
const tmpName = (dir: string, name: string) =>
  path.join(dir, `.${name}.${OWNER_TAG}.${(tmpCounter++).toString(36)}.tmp`);
const TMP_PATTERN = /^\..+\.([0-9a-f]{6})-(\d+)\.[0-9a-z]+\.tmp$/;

/**
 * Move a finished temporary file onto its name. Without `force` the move is a hard link, which
 * fails when the name was taken meanwhile; file systems without links fall back to check + rename.
 * Asynchronous, like the write before it: the file system calls run off the main thread while
 * the next workbook is built.
 */
async function publish(tmp: string, target: string, force: boolean): Promise<void> {
  if (force) {
    await rename(tmp, target);
    return;
  }
  try {
    await link(tmp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw e;
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    )
      throw Object.assign(new Error(`${target} exists`), { code: "EEXIST" });
    await rename(tmp, target);
    return;
  }
  await rm(tmp, { force: true });
}

/**
 * A file's content, produced only when its turn comes (one unit in memory at a time): bytes,
 * or a writer that streams into the temporary file itself (the county summary).
 */
type Content = { bytes: () => Promise<string | Buffer> } | { stream: (tmp: string) => Promise<void> };

async function writeAtomically(dir: string, name: string, content: Content, force: boolean): Promise<void> {
  if ("bytes" in content) return writeBytesAtomically(dir, name, await content.bytes(), force);
  const tmp = tmpName(dir, name);
  try {
    await content.stream(tmp);
    await publish(tmp, inside(dir, name), force);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Bytes to a temporary file, then published; the file I/O runs off the main thread. */
export async function writeBytesAtomically(
  dir: string,
  name: string,
  data: string | Buffer,
  force: boolean,
): Promise<void> {
  const target = inside(dir, name);
  const tmp = tmpName(dir, name);
  try {
    await writeFile(tmp, data, { flag: "wx" });
    await publish(tmp, target, force);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * writeBytesAtomically on the main thread, for the many small files of `export --all`: each
 * asynchronous step is a trip through the thread pool, and the six of a file cost more than the
 * file itself (10,000 files of 14 KB in one folder: 3.9–4.6 s through fs/promises, 0.8–1.5 s
 * with these calls). Nothing is queued: a file is on disk before the next one is built.
 */
function writeBytesAtomicallyNow(dir: string, name: string, data: string | Buffer, force: boolean): void {
  const target = inside(dir, name);
  const tmp = tmpName(dir, name);
  try {
    writeFileSync(tmp, data, { flag: "wx" });
    if (force) renameSync(tmp, target);
    else publishNow(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** publish, on the main thread. */
function publishNow(tmp: string, target: string): void {
  try {
    linkSync(tmp, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST" || exists(target)) {
      throw Object.assign(new Error(`${target} exists`), { code: "EEXIST" });
    }
    renameSync(tmp, target);
    return;
  }
  unlinkSync(tmp);
}

const workbookOptions = (tpl: LedgerTemplate) => ({
  language: tpl.language,
  pageFooter: tpl.labels.pageFooter,
  listSheetName: tpl.language === "zh-CN" ? "下拉选项" : "Lists",
});

function ledgerContent(data: LedgerData, opts: ExportOptions): { bytes: () => Promise<string | Buffer> } {
  const tpl = opts.template;
  if (opts.format === "csv") return { bytes: async () => ledgerCsv(data, tpl) };
  if (opts.format === "json") return { bytes: async () => ledgerJson(data, tpl) };
  return { bytes: () => xlsxBytes(ledgerSheets(data, tpl), workbookOptions(tpl)) };
}

function messageOf(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return t("export.existsNow");
    if (code === "ENOSPC" || code === "EDQUOT") return t("export.diskFull");
    if (code === "EROFS" || code === "EACCES" || code === "EPERM")
      return t("export.cannotWrite", { message: e.message });
    return e.message;
  }
  return String(e);
}

interface ExportPlan {
  outDir: string;
  summaryName: string | null;
  /** How many ledgers. */
  count: number;
  /** Every file to write, the summary included. */
  total: number;
  /** The ledgers, named, in order: with `all`, read and named again at each walk, never all held. */
  targets: () => AsyncIterable<Target>;
}

const unitOf = (s: Selected) => ({ name: s.unitName, id: s.unitId });

/** The files to write, named and checked: nothing exists that would be overwritten (unless forced). */
async function planExport(store: StoreReads, opts: ExportOptions, db: string): Promise<ExportPlan> {
  const ext = `.${opts.format}`;
  const summaryName = opts.all ? `${sanitizeFileStem(opts.template.summary.file)}${ext}` : null;
  const outDir = path.resolve(opts.outDir);
  const listed = opts.all ? null : await selectTargets(store, opts, db);
  const selected = listed
    ? async function* () {
        yield* listed;
      }
    : () => pickedRuns(store, opts.checklist);
  const isTaken = (f: string) => exists(inside(outDir, f));
  const taken: string[] = [];
  const ledgerNamer = () =>
    new FileNamer({ suffix: LEDGER_SUFFIX, ext, taken: summaryName ? [summaryName] : [] });
  const files = ledgerNamer();
  let count = 0;
  for await (const s of selected()) {
    count++;
    const file = files.name(unitOf(s));
    if (isTaken(file)) taken.push(file);
  }
  if (count === 0) throw nothingToExport(opts.checklist, db);
  // Evidence folders differ from every ledger's name: named once all of those are known, and kept.
  let folders: string[] | null = null;
  if (opts.withEvidence) {
    const namer = new FileNamer({ suffix: EVIDENCE_SUFFIX, ext: "", used: files.used });
    folders = [];
    for await (const s of selected()) folders.push(namer.name(unitOf(s)));
  }
  ensureOutDir(outDir);
  // Temporary files of an export that was killed: never published, never to be.
  removeStale(outDir, TMP_PATTERN);
  taken.push(
    ...(folders ?? []).filter(isTaken),
    ...(summaryName && isTaken(summaryName) ? [summaryName] : []),
  );
  if (taken.length > 0 && !opts.force) {
    throw userError(
      "export.exists",
      { count: taken.length },
      {
        hintKey: "export.exists.hint",
        details: taken.map((f) => (opts.show ?? ((p: string) => p))(path.join(outDir, f))),
      },
    );
  }
  async function* targets(): AsyncGenerator<Target> {
    const names = ledgerNamer();
    let i = 0;
    for await (const s of selected()) {
      yield { ...s, file: names.name(unitOf(s)), evidenceFolder: folders?.[i] ?? null };
      i++;
    }
  }
  const total = count + (folders?.length ?? 0) + (summaryName ? 1 : 0);
  return { outDir, summaryName, count, total, targets };
}

/**
 * Export ledgers (and with `all`, the summary). Throws user errors for a bad selection or
 * existing files before writing anything; per-unit failures are collected in the result.
 */
export async function exportLedgers(
  store: StoreReads,
  opts: ExportOptions,
  onProgress: (e: ProgressEvent) => void = () => {},
  /** The database, as a person is shown it (Store.location). */
  db = "",
): Promise<ExportResult> {
  const plan = await planExport(store, opts, db);
  const result: ExportResult = {
    outDir: plan.outDir,
    written: 0,
    summary: null,
    failures: [],
    total: plan.total,
    evidenceFiles: 0,
  };
  // Each unit's part of 汇总 goes to a file beside the ledgers, not to memory.
  const name = plan.summaryName;
  const summaries = name
    ? new SummaryFile(tmpName(plan.outDir, `${name}.units`), tmpName(plan.outDir, `${name}.rows`))
    : null;
  try {
    await writeLedgers(store, plan, opts, result, onProgress, summaries);
    if (name && summaries) await writeSummary(store, plan.outDir, name, summaries, opts, result);
  } finally {
    summaries?.remove();
  }
  return result;
}

/** One unit's ledger, built (its brief and counts handed to `keep`), as the bytes of its file. */
async function buildLedger(
  store: StoreReads,
  snapshots: SnapshotCache,
  source: LedgerSource | undefined,
  target: Target,
  opts: ExportOptions,
  keep: (summary: UnitSummary | undefined) => void,
  outDir: string,
  written: { evidence: number },
): Promise<string | Buffer> {
  // Only a brief and the counts stay once its file is written.
  let brief: UnitSummary["run"] | undefined;
  let kept = false;
  try {
    const unit = source?.unit;
    if (!source || !unit) throw new Error(t("export.vanished"));
    const { run } = source;
    brief = { id: run.id, status: run.status, respondent: run.respondent };
    const data = await ledgerDataOf(
      store,
      snapshots,
      { ...source, unit },
      {
        today: opts.today,
        language: opts.template.language,
        view: opts.view ?? {},
      },
    );
    const evidence = evidenceOf(source.evidence, target.evidenceFolder);
    for (const row of data.rows) {
      const files = evidence.byRectification.get(row.rectification.id);
      if (files) row.evidenceFiles = files;
    }
    for (const row of data.details) {
      const files = row.answer ? evidence.byAnswer.get(row.answer.id) : undefined;
      if (files) row.evidenceFiles = files;
    }
    // The files before the ledger that links to them.
    if (target.evidenceFolder !== null)
      written.evidence += await writeUnitEvidence(store, outDir, evidence, opts.force);
    keep({ run: brief, checklist: data.checklist, counts: data.counts, score: data.score });
    kept = true;
    return await ledgerContent(data, opts).bytes();
  } catch (e) {
    if (!kept) keep(brief && { run: brief, checklist: null, counts: null, score: null });
    throw e;
  }
}

/**
 * Every unit's ledger in turn: what the store holds for it read with a page of others
 * (ledgerSources), built, written (through a temporary file and a rename), reported, then the
 * next. Only one unit's file is in memory at once.
 */
async function writeLedgers(
  store: StoreReads,
  plan: ExportPlan,
  opts: ExportOptions,
  result: ExportResult,
  onProgress: (e: ProgressEvent) => void,
  summaries: SummaryFile | null,
): Promise<void> {
  const snapshots = new SnapshotCache(store, opts.template.language);
  const total = plan.count;
  onProgress({ kind: "start", total });
  let n = 0;
  // The next list of targets is read while this one's ledgers are written.
  for await (const page of readAhead(pagesOf(plan.targets(), SOURCES_PER_READ))) {
    const sources = store.ledgerSources(page.map((x) => x.runId))[Symbol.asyncIterator]();
    try {
      let next = await sources.next();
      for (const target of page) {
        n++;
        // A run that vanished meanwhile has no source: its unit fails alone.
        let source: LedgerSource | undefined;
        if (!next.done && next.value.run.id === target.runId) {
          source = next.value;
          next = await sources.next();
        }
        try {
          const counted = { evidence: 0 };
          const keep = (s: UnitSummary | undefined) => summaries?.add(target.unitId, s);
          const bytes = await buildLedger(store, snapshots, source, target, opts, keep, plan.outDir, counted);
          result.evidenceFiles += counted.evidence;
          writeBytesAtomicallyNow(plan.outDir, target.file, bytes, opts.force);
          result.written++;
          onProgress({ kind: "written", n, total, file: target.file });
          if (n % IO_TURN_EVERY === 0) await letIoIn();
        } catch (e) {
          const message = messageOf(e);
          result.failures.push({ unit: target.unitName, file: target.file, message });
          onProgress({ kind: "failed", n, total, unit: target.unitName, message });
        }
      }
    } finally {
      await sources.return?.();
    }
  }
}

/**
 * Runs whose sources one ledgerSources read is asked for (it reads them a page at a time, the
 * next while the ledgers of this one are built; between two reads nothing overlaps): a bounded
 * list of ids, few stalls (30,000 units on PostgreSQL, loaded box: 29-37 s and 172-182 MB with
 * 1,000 where one list of all took 21-30 s; 23-33 s and 198-203 MB with 5,000 where it took 37-40 s).
 */
const SOURCES_PER_READ = 5000;

/** Ledgers written between two turns of the event loop (see letIoIn). */
const IO_TURN_EVERY = 10;

/** The items in lists of `size`, in order. */
async function* pagesOf<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let page: T[] = [];
  for await (const item of items) {
    page.push(item);
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** 汇总: every unit known to the database (one without a run shows as 未开展), with the totals. */
async function writeSummary(
  store: StoreReads,
  outDir: string,
  name: string,
  summaries: SummaryFile,
  opts: ExportOptions,
  result: ExportResult,
): Promise<void> {
  const inspections = await latestInspections(store, new SnapshotCache(store, opts.template.language));
  const { rows, count } = await summaries.rows(store, inspections);
  const totals = sumCounts(rows);
  const tpl = opts.template;
  const content: Content =
    opts.format === "csv"
      ? { stream: (tmp) => writeChunksToFile(tmp, summaryCsvLines(rows, tpl)) }
      : opts.format === "json"
        ? { stream: (tmp) => writeChunksToFile(tmp, summaryJson(rows, totals, opts.today, tpl)) }
        : {
            stream: async (tmp) =>
              xlsxToFile(
                tmp,
                [
                  summarySheet(rows, count, totals, opts.today, tpl, opts.view ?? {}),
                  ...(await crosscheckSheets(store, tpl.language, opts.today)),
                ],
                workbookOptions(tpl),
              ),
          };
  try {
    await writeAtomically(outDir, name, content, opts.force);
    result.summary = name;
  } catch (e) {
    result.failures.push({ unit: tpl.summary.file, file: name, message: messageOf(e) });
  }
}

/** 督导对照, when some unit has an inspection to hold its self-check against. */
async function crosscheckSheets(
  store: StoreReads,
  language: LedgerLanguage,
  date: string,
): Promise<SheetModel[]> {
  const units = await crosscheckUnits(store);
  return units.length === 0 ? [] : [crosscheckSheet(rankCrosschecks(units), language, date)];
}
