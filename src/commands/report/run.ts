// `lookback report`: briefings (简报) of units or of the county, written from the database
// and a template a bureau can edit; the selection and the masthead come from the options.
import path from "node:path";
import type { Context } from "../../context.js";
import { usageError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { loadReportTemplateOrThrow } from "../../report/template.js";
import type { ReportLanguage } from "../../report/types.js";
import { writeBriefings } from "../../report/write.js";
import { localToday, parseDate } from "../../util/dates.js";
import { displayPath, templatePath } from "../paths.js";
import { openForChecklist } from "../policies.js";
import type { ReportOptions } from "./index.js";

export const DEFAULT_OUT = "briefings";

function positive(
  value: string | undefined,
  key: "report.badIssue" | "report.badCopies",
): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^\d{1,6}$/.test(v) || Number(v) < 1) throw usageError(key, { value }, { hintKey: `${key}.hint` });
  return Number(v);
}

/** Names typed for --issuer, --to, --cc: trimmed; an empty one is a mistake, not a wish. */
function names(values: string[] | undefined, option: string): string[] | undefined {
  if (values === undefined) return undefined;
  const out = values.map((v) => v.trim().normalize("NFC"));
  if (out.some((v) => v === ""))
    throw usageError("report.badName", { option }, { hintKey: "report.badName.hint" });
  return out;
}

export async function run(opts: ReportOptions, ctx: Context): Promise<number> {
  const units = opts.unit ?? [];
  const county = opts.all === true || opts.township !== undefined;
  if (county && units.length > 0)
    throw usageError("report.unitWithAll", {}, { hintKey: "report.unitWithAll.hint" });
  if (!county && units.length === 0)
    throw usageError("report.noSelection", {}, { hintKey: "report.noSelection.hint" });
  const issue = positive(opts.issue, "report.badIssue") ?? null;
  const copies = positive(opts.copies, "report.badCopies");
  let date = localToday();
  if (opts.date !== undefined) {
    const parsed = parseDate(opts.date, { today: date });
    if (!parsed.ok)
      throw usageError("report.badDate", { value: opts.date }, { hintKey: "report.badDate.hint" });
    date = parsed.date;
  }
  const display = displayPath(ctx);
  const templateFile = templatePath(ctx, opts.template);
  const language: ReportLanguage | undefined =
    opts.language === undefined ? undefined : opts.language === "en" ? "en" : "zh-CN";
  const template = loadReportTemplateOrThrow(templateFile, display, language);
  const issuer = names(opts.issuer === undefined ? undefined : [opts.issuer], "--issuer")?.[0];
  const to = names(opts.to, "--to");
  const cc = names(opts.cc, "--cc");

  // A missing database is an input error naming the file; none is created just to say so.
  const store = await openForChecklist(ctx, opts.checklist);
  let result: Awaited<ReturnType<typeof writeBriefings>>;
  try {
    result = await writeBriefings(store, {
      units,
      county,
      township: opts.township ?? null,
      checklist: opts.checklist,
      format: opts.format ?? "docx",
      outDir: path.resolve(ctx.cwd, opts.out ?? DEFAULT_OUT),
      template,
      force: opts.force ?? false,
      date,
      issue,
      issuer,
      to,
      cc,
      copies,
      show: display,
      db: store.location,
    });
  } finally {
    await store.close();
  }
  const dir = display(result.outDir) || ".";
  const lines = [
    ctx.out.green(t("report.done", { count: result.written.length, dir })),
    ...result.written.map((f) => `  ${display(path.join(result.outDir, f))}`),
    ...((opts.format ?? "docx") === "docx" ? [t("report.done.next")] : []),
  ];
  ctx.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
