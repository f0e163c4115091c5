// `lookback check`: the self-check, item by item on a terminal, or from an answers file
// (§6, §8). Without a terminal and without --answers it stops at once (exit 2).
// Only what the first prompt needs is loaded up front; checklists, YAML and the flow
// follow while the person reads it.
import { existsSync } from "node:fs";
import path from "node:path";
import * as z from "zod/mini";
import type { ChecklistSet } from "../checklist/load.js";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { localized, t } from "../i18n/index.js";
import { openStore, type Store } from "../store/store.js";
import { localToday } from "../util/dates.js";

const Options = z.object({
  unit: z.optional(z.string()),
  checklist: z.optional(z.string()),
  respondent: z.optional(z.string()),
  answers: z.optional(z.string()),
  new: z.optional(z.boolean()),
});
type Options = z.infer<typeof Options>;

async function loadSet(ctx: Context): Promise<ChecklistSet> {
  const { loadChecklistSet } = await import("../checklist/load.js");
  const set = loadChecklistSet({ checklistsDir: ctx.checklistsDir, cwd: ctx.cwd });
  if (set.diagnostics.length > 0) {
    ctx.stderr.write(`${ctx.err.yellow(t("check.invalidChecklists", { count: set.diagnostics.length }))}\n`);
  }
  return set;
}

/** `--checklist` names a loaded checklist, or one that an unfinished run still uses. */
function checkChecklistFlag(store: Store, set: ChecklistSet, id: string): void {
  if (set.checklists.some((l) => l.checklist.id === id)) return;
  if (store.listRuns({ checklistId: id }).some((r) => r.status === "in-progress")) return;
  throw usageError(
    "check.unknownChecklist",
    { id, known: set.checklists.map((l) => l.checklist.id).join(", ") },
    { hintKey: "check.unknownChecklist.hint" },
  );
}

export async function run(raw: unknown, ctx: Context): Promise<number> {
  const opts = Options.parse(raw);
  if (opts.answers !== undefined) return fromFile(opts.answers, opts, ctx);
  // Never wait on a prompt nobody can answer (§6).
  if (!ctx.interactive) throw usageError("check.noTty", {}, { hintKey: "check.noTty.hint" });
  const store = openStore(ctx.dbPath);
  try {
    const [{ InquirerAsk }, { chooseUnit }] = await Promise.all([
      import("../ask/inquirer.js"),
      import("../check/unit.js"),
    ]);
    // A wrong flag is reported before the first question, not after it.
    const early = opts.checklist === undefined ? undefined : await loadSet(ctx);
    if (early && opts.checklist !== undefined) checkChecklistFlag(store, early, opts.checklist);
    const ask = new InquirerAsk({ output: process.stdout, style: ctx.out });
    const unitName = await chooseUnit(store, ask, opts.unit);
    const [{ startInteractive }, { runSession }, set] = await Promise.all([
      import("../check/setup.js"),
      import("../check/session.js"),
      early ?? loadSet(ctx),
    ]);
    const style = ctx.out;
    const started = await startInteractive(
      { store, ask, checklists: () => set, lang: ctx.lang, style },
      opts,
      unitName,
    );
    await runSession(
      {
        store,
        ask,
        checklist: started.checklist,
        unitName: started.unit.name,
        today: localToday(),
        lang: ctx.lang,
        style,
        columns: process.stdout.columns || 80,
      },
      started.state,
    );
    return 0;
  } finally {
    store.close();
  }
}

async function fromFile(file: string, opts: Options, ctx: Context): Promise<number> {
  const abs = path.resolve(ctx.cwd, file);
  if (!existsSync(abs)) {
    throw usageError(
      "error.pathMissing",
      { path: file, cwd: ctx.cwd },
      { hintKey: "error.pathMissing.hint" },
    );
  }
  const [{ readSource }, { renderText }, { planAnswers }, { applyPlan }, { countResults }, { resultLabel }] =
    await Promise.all([
      import("../yaml/source.js"),
      import("../checklist/report.js"),
      import("../answers/load.js"),
      import("../answers/apply.js"),
      import("../check/machine.js"),
      import("../check/fields.js"),
    ]);
  const report = (diagnostics: Parameters<typeof renderText>[0]["diagnostics"]) =>
    renderText({ files: [{ file: abs, diagnostics }], diagnostics }, ctx.cwd, ctx.err);
  const read = readSource(abs);
  if (!read.ok) {
    ctx.stderr.write(report([read.diagnostic]));
    ctx.stderr.write(`${ctx.err.red(t("answers.notStored"))}\n`);
    return 2;
  }
  const set = await loadSet(ctx);
  // Checked before the database is even created: a wrong file leaves no trace.
  let store: Store | null = existsSync(ctx.dbPath) ? openStore(ctx.dbPath) : null;
  try {
    const outcome = planAnswers(read.source, {
      set,
      store,
      flags: {
        ...(opts.unit !== undefined ? { unit: opts.unit } : {}),
        ...(opts.checklist !== undefined ? { checklist: opts.checklist } : {}),
        ...(opts.respondent !== undefined ? { respondent: opts.respondent } : {}),
        new: opts.new ?? false,
      },
      today: localToday(),
      lang: ctx.lang,
    });
    if (!outcome.ok) {
      ctx.stderr.write(report(outcome.diagnostics));
      ctx.stderr.write(`${ctx.err.red(t("answers.notStored"))}\n`);
      return 2;
    }
    const plan = outcome.plan;
    if (plan.warnings.length > 0) ctx.stderr.write(report(plan.warnings));
    store ??= openStore(ctx.dbPath);
    const done = applyPlan(store, plan);
    const counts = countResults(done.state);
    const lines = [
      t(done.resumed ? "answers.applied.resumed" : "answers.applied.new", {
        count: done.saved,
        unit: done.unit.name,
        title: localized(plan.checklist.title, plan.checklist.title_en, ctx.lang),
      }),
      t("check.summary.line", {
        answered: done.state.answers.size,
        total: done.state.slots.length,
        counts: (["pass", "partial", "fail", "na"] as const)
          .map((r) => `${resultLabel(r, ctx.lang)} ${counts[r]}`)
          .join(" · "),
      }),
      t("answers.applied.rectifications", { count: done.state.rectifications.size }),
    ];
    if (done.finished) lines.push(ctx.out.green(t("answers.applied.finished")));
    else {
      const shown = done.missing.slice(0, 10).map((s) => s.key);
      lines.push(
        ctx.out.yellow(
          t("answers.applied.missing", {
            count: done.missing.length,
            items: `${shown.join(", ")}${done.missing.length > shown.length ? ", …" : ""}`,
          }),
        ),
      );
      lines.push(ctx.out.dim(t("answers.applied.missing.hint", { unit: done.unit.name, file })));
    }
    ctx.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    store?.close();
  }
}
