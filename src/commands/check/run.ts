// `lookback check`: the self-check, item by item on a terminal, or from an answers file
// (docs/answers-file.md). Without a terminal and without --answers it stops at once (exit 2).
// Only what the first prompt needs is loaded up front; checklists, YAML and the flow
// follow while the person reads it.
import { existsSync } from "node:fs";
import path from "node:path";
import type { ChecklistSet } from "../../checklist/load.js";
import type { Context } from "../../context.js";
import { LookbackError, usageError, userError } from "../../errors.js";
import { localized, t } from "../../i18n/index.js";
import type { Store, StoreReads } from "../../store/port.js";
import { localDateTime, localToday } from "../../util/dates.js";
import { existingPath } from "../paths.js";
import { openFor } from "../policies.js";
import type { CheckOptions } from "./index.js";

async function loadSet(ctx: Context): Promise<ChecklistSet> {
  const { loadChecklistSet } = await import("../../checklist/load.js");
  const set = loadChecklistSet({ checklistsDir: ctx.checklistsDir, cwd: ctx.cwd });
  if (set.diagnostics.length > 0) {
    ctx.stderr.write(`${ctx.err.yellow(t("check.invalidChecklists", { count: set.diagnostics.length }))}\n`);
  }
  return set;
}

/** `--checklist` names a loaded checklist, or one that an unfinished run still uses. */
async function checkChecklistFlag(store: StoreReads, set: ChecklistSet, id: string): Promise<void> {
  if (set.checklists.some((l) => l.checklist.id === id)) return;
  if ((await store.listRuns({ checklistId: id })).some((r) => r.status === "in-progress")) return;
  throw usageError(
    "check.unknownChecklist",
    { id, known: set.checklists.map((l) => l.checklist.id).join(", ") },
    { hintKey: "check.unknownChecklist.hint" },
  );
}

export async function run(opts: CheckOptions, ctx: Context): Promise<number> {
  if (opts.answers !== undefined) return fromFile(opts.answers, opts, ctx);
  // Never wait on a prompt nobody can answer (a pipe, a CI job, a scheduled task).
  if (!ctx.interactive) throw usageError("check.noTty", {}, { hintKey: "check.noTty.hint" });
  const store = await openFor(ctx, "create");
  try {
    const [{ InquirerAsk }, { chooseUnit }] = await Promise.all([
      import("../../interactive/ask/inquirer.js"),
      import("../../interactive/check/unit.js"),
    ]);
    // A wrong flag is reported before the first question, not after it.
    const early = opts.checklist === undefined ? undefined : await loadSet(ctx);
    if (early && opts.checklist !== undefined) await checkChecklistFlag(store, early, opts.checklist);
    // The prompts draw on the terminal itself (process.stdout, a TTY here: ctx.interactive), not on
    // ctx.stdout, which may be any stream; the same for the width, read live as the window resizes.
    const ask = new InquirerAsk({ output: process.stdout, style: ctx.out });
    const unitName = await chooseUnit(store, ask, opts.unit, opts.newUnit ?? false);
    const [{ startInteractive }, { runSession }, set] = await Promise.all([
      import("../../interactive/check/setup.js"),
      import("../../interactive/check/session.js"),
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
        evidence: {
          cwd: ctx.cwd,
          caps: (await import("../../evidence/attach.js")).evidenceCaps({}, ctx.env),
          exists: (p) => existsSync(path.resolve(ctx.cwd, p)),
        },
      },
      started.state,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** Times an answers file is planned again when another process changed the unit's run meanwhile. */
const RETRIES = 5;

async function fromFile(file: string, opts: CheckOptions, ctx: Context): Promise<number> {
  const abs = existingPath(ctx, file);
  const [{ readSource }, { renderText }, { planAnswers }, { applyPlan, RunChanged }] = await Promise.all([
    import("../../yaml/source.js"),
    import("../../checklist/report.js"),
    import("../../answers/load.js"),
    import("../../answers/apply.js"),
  ]);
  const report = (diagnostics: Parameters<typeof renderText>[0]["diagnostics"]) =>
    renderText({ files: [{ file: abs, diagnostics }], diagnostics }, ctx.cwd, ctx.err);
  const read = readSource(abs, "answers");
  if (!read.ok) {
    ctx.stderr.write(report([read.diagnostic]));
    ctx.stderr.write(`${ctx.err.red(t("answers.notStored"))}\n`);
    return 2;
  }
  const set = await loadSet(ctx);
  // Checked before the database is even created: a wrong file leaves no trace.
  let store: Store | null = await openIfThere(ctx);
  try {
    for (let attempt = 1; ; attempt++) {
      const outcome = await planAnswers(read.source, {
        set,
        store,
        flags: {
          ...(opts.unit !== undefined ? { unit: opts.unit } : {}),
          ...(opts.checklist !== undefined ? { checklist: opts.checklist } : {}),
          ...(opts.respondent !== undefined ? { respondent: opts.respondent } : {}),
          new: opts.new ?? false,
          newUnit: opts.newUnit ?? false,
        },
        today: localToday(),
        lang: ctx.lang,
        cwd: ctx.cwd,
        evidenceCaps: (await import("../../evidence/attach.js")).evidenceCaps({}, ctx.env),
      });
      if (!outcome.ok) {
        ctx.stderr.write(report(outcome.diagnostics));
        ctx.stderr.write(`${ctx.err.red(t("answers.notStored"))}\n`);
        return 2;
      }
      const plan = outcome.plan;
      if (attempt === 1 && plan.warnings.length > 0) ctx.stderr.write(report(plan.warnings));
      store ??= await openFor(ctx, "create");
      try {
        const done = await applyPlan(store, plan);
        ctx.stdout.write(await appliedText(done, plan, file, ctx));
        return 0;
      } catch (e) {
        // Another check of the unit started or finished meanwhile: plan against what is there now.
        if (!(e instanceof RunChanged) || attempt >= RETRIES) {
          if (e instanceof RunChanged) throw userError("answers.runChanged", { unit: plan.unitName });
          throw e;
        }
      }
    }
  } finally {
    await store?.close();
  }
}

/** The database for writing when it exists already, else null (it is created once the file is known good). */
async function openIfThere(ctx: Context): Promise<Store | null> {
  try {
    return await openFor(ctx, "update");
  } catch (e) {
    if (e instanceof LookbackError && e.code === "db.missing") return null;
    throw e;
  }
}

/** What applying the file did, for stdout. */
async function appliedText(
  done: import("../../answers/apply.js").ApplyOutcome,
  plan: import("../../answers/load.js").AnswersPlan,
  file: string,
  ctx: Context,
): Promise<string> {
  const title = localized(plan.checklist.title, plan.checklist.title_en, ctx.lang);
  if (done.kind === "already-applied") {
    return `${ctx.out.green(
      t("answers.alreadyApplied", {
        unit: done.unit.name,
        title,
        when: localDateTime(done.run.finishedAt ?? done.run.updatedAt),
      }),
    )}\n${ctx.out.dim(t("answers.alreadyApplied.hint", { file }))}\n`;
  }
  const [{ countResults }, { resultLabel }] = await Promise.all([
    import("../../run/machine.js"),
    import("../../run/fields.js"),
  ]);
  const counts = countResults(done.state);
  const group = done.run.inspection?.group;
  const lines = [
    group
      ? t(done.resumed ? "answers.applied.resumedInspection" : "answers.applied.newInspection", {
          count: done.saved,
          unit: done.unit.name,
          title,
          group,
        })
      : t(done.resumed ? "answers.applied.resumed" : "answers.applied.new", {
          count: done.saved,
          unit: done.unit.name,
          title,
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
  if (done.evidenceFiles > 0) lines.push(t("answers.applied.evidence", { count: done.evidenceFiles }));
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
  return `${lines.join("\n")}\n`;
}
