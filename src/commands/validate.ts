// `lookback validate [PATH...]`: check checklist files; exit 1 when any is wrong (§3, §6).
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { collectYamlFiles, validateFiles } from "../checklist/load.js";
import { FORMATS, renderGithub, renderJson, renderJunit, renderText } from "../checklist/report.js";
import type { Context } from "../context.js";
import { userError, usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { builtinChecklistsDir } from "../paths.js";
import { countBySeverity } from "../yaml/diagnostics.js";

const Options = z.object({
  format: z.string().optional(),
  strict: z.boolean().optional(),
});

export async function run(paths: string[], raw: unknown, ctx: Context): Promise<number> {
  const opts = Options.parse(raw);
  const format = opts.format ?? (ctx.env.GITHUB_ACTIONS === "true" ? "github" : "text");
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw usageError("validate.badFormat", { format }, { hintKey: "validate.badFormat.hint" });
  }
  const targets =
    paths.length > 0 ? paths : existsSync(path.join(ctx.cwd, "checklists")) ? ["checklists"] : [builtinChecklistsDir];
  const { files, emptyDirs } = collectYamlFiles(targets, ctx.cwd);
  if (files.length === 0) {
    throw userError("validate.noYaml", { path: emptyDirs.join(", ") || targets.join(", ") }, { hintKey: "validate.noYaml.hint" });
  }
  const report = validateFiles(files, { strict: opts.strict ?? false, cwd: ctx.cwd });
  const text =
    format === "json"
      ? renderJson(report, ctx.cwd)
      : format === "github"
        ? renderGithub(report, ctx.cwd)
        : format === "junit"
          ? renderJunit(report, ctx.cwd)
          : renderText(report, ctx.cwd, ctx.out);
  ctx.stdout.write(text);
  for (const dir of emptyDirs) ctx.stderr.write(`${t("validate.noYaml", { path: dir })}\n`);
  return countBySeverity(report.diagnostics).errors > 0 ? 1 : 0;
}
