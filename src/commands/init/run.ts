// `lookback init [DIR] [--force]`: start a bureau's checklist repository.
import path from "node:path";
import type { Context } from "../../context.js";
import { userError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { planInit } from "../../init/plan.js";
import { type Conflict, writeInitFiles } from "../../init/write.js";
import type { InitOptions } from "./index.js";

function describe(c: Conflict): string {
  if (c.reason === "folder") return t("init.conflict.folder", { path: c.path });
  if (c.reason === "not-a-folder") return t("init.conflict.notFolder", { path: c.path });
  return c.path;
}

export async function run(dir: string | undefined, opts: InitOptions, ctx: Context): Promise<number> {
  const root = path.resolve(ctx.cwd, dir ?? ".");
  const shown = path.relative(ctx.cwd, root) || ".";
  const plan = planInit();
  const outcome = writeInitFiles(root, plan.files, { force: opts.force ?? false });
  if (!outcome.ok) {
    const onlyExisting = outcome.conflicts.every((c) => c.reason === "exists");
    throw userError(
      onlyExisting ? "init.exists" : "init.blocked",
      { count: outcome.conflicts.length, dir: shown },
      {
        details: outcome.conflicts.map(describe),
        hintKey: onlyExisting ? "init.exists.hint" : "init.blocked.hint",
      },
    );
  }
  const replaced = new Set(outcome.replaced);
  const lines = [
    ctx.out.green(t("init.done", { dir: shown, count: outcome.written.length })),
    ...outcome.written.map((f) => `  ${f}${replaced.has(f) ? ctx.out.dim(` ${t("init.replaced")}`) : ""}`),
    "",
    t("init.next"),
    ...(shown === "." ? [] : [`  cd ${shown.includes(" ") ? `"${shown}"` : shown}`]),
    `  lookback validate          ${ctx.out.dim(t("init.next.validate"))}`,
    `  git init && git add . && git commit -m "checklists"`,
    t("init.next.readme"),
  ];
  ctx.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
