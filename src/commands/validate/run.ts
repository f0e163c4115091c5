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
  // No path: the bureau's ./checklists when there is one, else the built-ins.
  const targets =
    paths.length > 0
      ? paths
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
  const report = { ...validateFiles(files, { strict: opts.strict ?? false, cwd: ctx.cwd }), emptyDirs };
  // On a terminal, long problems wrap to its width (the measurer is loaded only then).
  const layout =
    format === "text" && ctx.stdout.isTTY === true && report.diagnostics.length > 0
      ? { width: ctx.width, ...(await import("../../util/width.js")) }
      : undefined;
  ctx.stdout.write(render(format, report, ctx.cwd, ctx.out, layout));
  return isOk(report) ? 0 : 1;
}
