// `lookback validate [PATH...]`: check checklist files; exit 1 when any is wrong.
import { existsSync } from "node:fs";
import path from "node:path";
import { collectYamlFiles, validateFiles } from "../../checklist/load.js";
import { isOk, render } from "../../checklist/report.js";
import type { Context } from "../../context.js";
import { userError } from "../../errors.js";
import { builtinChecklistsDir } from "../../paths.js";
import type { ValidateOptions } from "./index.js";

export async function run(paths: string[], opts: ValidateOptions, ctx: Context): Promise<number> {
  // In a GitHub Actions job the problems are annotations on the files unless asked otherwise.
  const format = opts.format ?? (ctx.env.GITHUB_ACTIONS === "true" ? "github" : "text");
  // No path: the folder --checklists names, else the bureau's ./checklists when there is one,
  // else the built-ins.
  const targets =
    paths.length > 0
      ? paths
      : ctx.checklistsDir
        ? [ctx.checklistsDir]
        : existsSync(path.join(ctx.cwd, "checklists"))
          ? ["checklists"]
          : [builtinChecklistsDir];
  const { files, emptyDirs } = collectYamlFiles(targets, ctx.cwd);
  if (files.length === 0) {
    throw userError(
      "validate.noYaml",
      { path: emptyDirs.join(", ") || targets.join(", ") },
      { hintKey: "validate.noYaml.hint" },
    );
  }
  // A parent (`extends`) or a checklist referred to (`verifies`) not among the files is looked
  // for in --checklists, else ./checklists, then among the built-ins.
  const report = {
    ...validateFiles(files, {
      strict: opts.strict ?? false,
      cwd: ctx.cwd,
      ...(ctx.checklistsDir ? { checklistsDir: ctx.checklistsDir } : {}),
    }),
    emptyDirs,
  };
  // On a terminal, long problems wrap to its width (the measurer is loaded only then).
  const layout =
    format === "text" && ctx.stdout.isTTY === true && report.diagnostics.length > 0
      ? { width: ctx.width, ...(await import("../../util/width.js")) }
      : undefined;
  ctx.stdout.write(render(format, report, ctx.cwd, ctx.out, layout));
  return isOk(report) ? 0 : 1;
}
