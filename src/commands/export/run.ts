// `lookback export`: rectification ledgers (整改台账) per unit, and with --all the county
// summary (汇总). Progress on stderr (a bar on a terminal, plain lines elsewhere); the
// result on stdout.
import path from "node:path";
import type { Context, OutStream } from "../../context.js";
import { usageError, userError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { type ExportResult, exportLedgers, type ProgressEvent } from "../../ledger/export.js";
import { loadTemplateOrThrow } from "../../ledger/template.js";
import { parseLedgerView } from "../../rectify/view-options.js";
import { localToday } from "../../util/dates.js";
import { displayPath, templatePath } from "../paths.js";
import { openForChecklist } from "../policies.js";
import type { ExportOptions } from "./index.js";

export const DEFAULT_OUT = "ledgers";

const isWriteStream = (s: OutStream): s is NodeJS.WriteStream =>
  s.isTTY === true && typeof (s as { cursorTo?: unknown }).cursorTo === "function";

/** A bar on a terminal; `[n/N] file` lines anywhere else. */
async function progressReporter(
  ctx: Context,
  outDir: string,
): Promise<{ report: (e: ProgressEvent) => void; stop: () => void }> {
  const stream = ctx.stderr;
  const show = (file: string) => path.relative(ctx.cwd, path.join(outDir, file)) || file;
  if (isWriteStream(stream)) {
    const mod = await import("cli-progress");
    const { SingleBar, Presets } = mod.default ?? mod;
    const bar = new SingleBar(
      {
        stream,
        format: "{bar} {value}/{total} {file}",
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    const failed: string[] = [];
    return {
      report: (e) => {
        if (e.kind === "start") bar.start(e.total, 0, { file: "" });
        else if (e.kind === "written") bar.update(e.n, { file: show(e.file) });
        else {
          failed.push(
            t("export.progress.failed", { n: e.n, total: e.total, unit: e.unit, message: e.message }),
          );
          bar.update(e.n, { file: e.unit });
        }
      },
      stop: () => {
        bar.stop();
        if (failed.length > 0) stream.write(`${failed.map((f) => ctx.err.yellow(f)).join("\n")}\n`);
      },
    };
  }
  return {
    report: (e) => {
      if (e.kind === "written")
        stream.write(`${t("export.progress", { n: e.n, total: e.total, file: show(e.file) })}\n`);
      else if (e.kind === "failed") {
        stream.write(
          `${t("export.progress.failed", { n: e.n, total: e.total, unit: e.unit, message: e.message })}\n`,
        );
      }
    },
    stop: () => {},
  };
}

function render(result: ExportResult, ctx: Context): string {
  const rel = (f: string) => path.relative(ctx.cwd, path.join(result.outDir, f)) || f;
  const dir = path.relative(ctx.cwd, result.outDir) || ".";
  const lines = [ctx.out.green(t("export.done", { count: result.written, dir }))];
  if (result.summary) lines.push(t("export.done.summary", { file: rel(result.summary) }));
  if (result.evidenceFiles > 0) lines.push(t("export.done.evidence", { count: result.evidenceFiles }));
  return `${lines.join("\n")}\n`;
}

export async function run(opts: ExportOptions, ctx: Context): Promise<number> {
  const units = opts.unit ?? [];
  const all = opts.all ?? false;
  if (all && units.length > 0)
    throw usageError("export.unitWithAll", {}, { hintKey: "export.unitWithAll.hint" });
  if (!all && units.length === 0)
    throw usageError("export.noSelection", {}, { hintKey: "export.noSelection.hint" });

  const display = displayPath(ctx);
  const templateFile = templatePath(ctx, opts.template);
  const template = loadTemplateOrThrow(templateFile, display);
  const view = parseLedgerView(opts);

  // A missing database means nothing has been checked yet; do not create one just to say so.
  const store = await openForChecklist(ctx, opts.checklist);
  const outDir = path.resolve(ctx.cwd, opts.out ?? DEFAULT_OUT);
  const progress = await progressReporter(ctx, outDir);
  let result: ExportResult;
  try {
    // One read transaction: every ledger and 汇总 show the same state of the database.
    result = await store.read((tx) =>
      exportLedgers(
        tx,
        {
          units,
          all,
          ...(opts.checklist !== undefined ? { checklist: opts.checklist } : {}),
          outDir,
          format: opts.format ?? "xlsx",
          template,
          force: opts.force ?? false,
          today: localToday(),
          view,
          show: display,
          withEvidence: opts.withEvidence ?? false,
        },
        progress.report,
        store.location,
      ),
    );
  } finally {
    progress.stop();
    await store.close();
  }
  ctx.stdout.write(render(result, ctx));
  if (result.failures.length > 0) {
    throw userError(
      "export.failed",
      { failed: result.failures.length, total: result.total },
      {
        hintKey: "export.failed.hint",
        details: result.failures.map((f) => `${f.unit} (${f.file}): ${f.message}`),
      },
    );
  }
  return 0;
}
