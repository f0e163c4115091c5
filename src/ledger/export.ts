// Batch export: choose each unit's run, plan every file name, refuse before
// writing anything when a file exists (unless forced), then write unit by unit through a
// temporary file and a rename. One unit's failure does not stop the others.
import { lstatSync, mkdirSync, rmSync, statSync } from "node:fs";
import { link, lstat, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { usageError, userError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { LedgerView } from "../rectify/counts.js";
import type { Store } from "../store/store.js";
import type { Run, Unit } from "../store/types.js";
import { unknownUnitsError } from "../units/suggest.js";
import { OWNER_TAG, removeStale } from "../util/stale.js";
import {
  buildLedgerData,
  type LedgerData,
  SnapshotCache,
  sumCounts,
  summaryRows,
  type UnitSummary,
} from "./data.js";
import type { ExportFormat } from "./formats.js";
import { sanitizeFileStem, uniqueFileNames } from "./names.js";
import { ledgerSheets, summarySheet } from "./sheets.js";
import type { LedgerTemplate } from "./template.js";
import { ledgerCsv, ledgerJson, summaryCsv, summaryJson } from "./text-formats.js";
import { xlsxBytes, xlsxToFile } from "./xlsx.js";

/** The checklist a ledger is about when none is named: the built-in self-check (自查). */
export const DEFAULT_CHECKLIST = "self-check";
export const LEDGER_SUFFIX = "-整改台账";

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
}

/** One file to write: ids only, so that 30,000 planned units cost little memory. */
export interface Target {
  unitId: string;
  unitName: string;
  runId: string;
  /** File name inside outDir. */
  file: string;
}

export type ProgressEvent =
  | { kind: "start"; total: number }
  | { kind: "written"; n: number; total: number; file: string }
  | { kind: "failed"; n: number; total: number; unit: string; message: string };

export interface ExportResult {
  outDir: string;
  written: string[];
  summary: string | null;
  /** Files that could not be written (a unit's ledger, or the summary). */
  failures: { unit: string; file: string; message: string }[];
  /** Every file planned, the summary included. */
  total: number;
}

/**
 * The unit's latest run of the checklist whose ledger is exported: the named one; else the
 * self-check; else the checklist it ran last. The ledger lists the rectifications of every run of
 * that checklist; the run gives the header and 自查明细.
 */
export function pickRun(store: Store, unit: Unit, checklist: string | undefined): Run | undefined {
  if (checklist !== undefined) return store.latestRun(unit.id, checklist);
  return store.latestRun(unit.id, DEFAULT_CHECKLIST) ?? store.listRuns({ unitId: unit.id }).at(-1);
}

type Selected = Omit<Target, "file">;

/** Resolve the selection to units and runs, or throw before anything is written. */
export function selectTargets(
  store: Store,
  opts: Pick<ExportOptions, "units" | "all" | "checklist">,
): Selected[] {
  if (opts.all) {
    const out: Selected[] = [];
    for (const unit of store.listUnits()) {
      const run = pickRun(store, unit, opts.checklist);
      if (run) out.push({ unitId: unit.id, unitName: unit.name, runId: run.id });
    }
    if (out.length === 0) {
      throw opts.checklist !== undefined
        ? userError(
            "export.nothing.checklist",
            { checklist: opts.checklist, db: store.file },
            { hintKey: "export.nothing.hint" },
          )
        : userError("export.nothing", { db: store.file }, { hintKey: "export.nothing.hint" });
    }
    return out;
  }
  const names = [...new Set(opts.units.map((u) => u.trim()).filter((u) => u !== ""))];
  const unknown: string[] = [];
  const noRun: string[] = [];
  const out: Selected[] = [];
  for (const name of names) {
    const unit = store.findUnitByName(name) ?? store.findUnitByName(name.normalize("NFC"));
    if (!unit) {
      unknown.push(name);
      continue;
    }
    const run = pickRun(store, unit, opts.checklist);
    if (run) out.push({ unitId: unit.id, unitName: unit.name, runId: run.id });
    else noRun.push(name);
  }
  if (unknown.length > 0) throw unknownUnitsError(store, unknown);
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

/** Files being written at once while the next workbooks are built (see exportLedgers). */
const WRITES_IN_FLIGHT = 4;

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

/**
 * Export ledgers (and with `all`, the summary). Throws user errors for a bad selection or
 * existing files before writing anything; per-unit failures are collected in the result.
 */
export async function exportLedgers(
  store: Store,
  opts: ExportOptions,
  onProgress: (e: ProgressEvent) => void = () => {},
): Promise<ExportResult> {
  const selected = selectTargets(store, opts);
  const ext = `.${opts.format}`;
  const summaryName = opts.all ? `${sanitizeFileStem(opts.template.summary.file)}${ext}` : null;
  const files = uniqueFileNames(
    selected.map((s) => ({ name: s.unitName, id: s.unitId })),
    { suffix: LEDGER_SUFFIX, ext, taken: summaryName ? [summaryName] : [] },
  );
  const targets: Target[] = selected.map((s, i) => ({ ...s, file: files[i] ?? "" }));

  const outDir = path.resolve(opts.outDir);
  ensureOutDir(outDir);
  // Temporary files of an export that was killed: never published, never to be.
  removeStale(outDir, TMP_PATTERN);
  const planned = [...targets.map((x) => x.file), ...(summaryName ? [summaryName] : [])];
  const taken = planned.filter((f) => exists(inside(outDir, f)));
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

  const snapshots = new SnapshotCache(store, opts.template.language);
  const summaries = new Map<string, UnitSummary>();
  const result: ExportResult = { outDir, written: [], summary: null, failures: [], total: planned.length };
  onProgress({ kind: "start", total: targets.length });
  const failed = (seq: number, target: Target, e: unknown) => {
    const message = messageOf(e);
    result.failures.push({ unit: target.unitName, file: target.file, message });
    onProgress({ kind: "failed", n: seq, total: targets.length, unit: target.unitName, message });
  };
  let n = 0;
  // Files are written while the next units' workbooks are built: creating files is slow on
  // some disks and would otherwise stall the CPU work. A write takes several file system calls,
  // and each goes on only when the main thread is free between two units, so a few are kept in
  // flight (at most WRITES_IN_FLIGHT units' bytes: memory stays flat). Outcomes are reported
  // in the units' order, whatever order the writes finish in.
  let reported: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const settle = (write: Promise<void>, ok: () => void, ko: (e: unknown) => void) => {
    const before = reported;
    reported = write.then(
      () => before.then(ok),
      (e: unknown) => before.then(() => ko(e)),
    );
    // Awaited below (the oldest in flight, then the last); a progress callback that throws
    // then ends the export there, without leaving the later outcomes unhandled.
    reported.catch(() => {});
    inFlight.push(reported);
  };
  for (const target of targets) {
    n++;
    // Loaded when its turn comes; only a brief and the counts stay once its file is written.
    let brief: UnitSummary["run"] | undefined;
    try {
      const unit = store.getUnit(target.unitId);
      const run = store.getRun(target.runId);
      if (!unit || !run) throw new Error(t("export.vanished"));
      brief = { id: run.id, status: run.status, respondent: run.respondent };
      const data = buildLedgerData(store, snapshots, unit, run, {
        today: opts.today,
        language: opts.template.language,
        view: opts.view ?? {},
      });
      summaries.set(target.unitId, { run: brief, checklist: data.checklist, counts: data.counts });
      const bytes = await ledgerContent(data, opts).bytes();
      const seq = n;
      settle(
        writeBytesAtomically(outDir, target.file, bytes, opts.force),
        () => {
          result.written.push(target.file);
          onProgress({ kind: "written", n: seq, total: targets.length, file: target.file });
        },
        (e: unknown) => failed(seq, target, e),
      );
    } catch (e) {
      if (brief && !summaries.has(target.unitId))
        summaries.set(target.unitId, { run: brief, checklist: null, counts: null });
      const seq = n;
      settle(
        Promise.reject(e),
        () => {},
        (e2: unknown) => failed(seq, target, e2),
      );
    }
    if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
    // Building a workbook never leaves the main thread to the event loop: let the writes go on.
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await reported;

  if (summaryName) {
    // Every unit known to the database, so that a unit without a run shows as 未开展.
    const units = store.listUnits();
    const rows = summaryRows(units, (u) => summaries.get(u.id));
    const totals = sumCounts(rows);
    const tpl = opts.template;
    const content: Content =
      opts.format === "csv"
        ? { bytes: async () => summaryCsv([...rows], tpl) }
        : opts.format === "json"
          ? { bytes: async () => summaryJson([...rows], totals, opts.today, tpl) }
          : {
              stream: (tmp) =>
                xlsxToFile(
                  tmp,
                  [summarySheet(rows, units.length, totals, opts.today, tpl, opts.view ?? {})],
                  workbookOptions(tpl),
                ),
            };
    try {
      await writeAtomically(outDir, summaryName, content, opts.force);
      result.summary = summaryName;
    } catch (e) {
      result.failures.push({ unit: tpl.summary.file, file: summaryName, message: messageOf(e) });
    }
  }
  return result;
}
