// `lookback` with no command: a short guide instead of a usage dump — what to run first,
// where the answers are kept, which checklists are used. It opens nothing (no SQLite).
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Context } from "../context.js";
import { t } from "../i18n/index.js";

function userChecklistsDir(ctx: Context): string | undefined {
  if (ctx.checklistsDir) return ctx.checklistsDir;
  const local = path.join(ctx.cwd, "checklists");
  return existsSync(local) && statSync(local).isDirectory() ? `.${path.sep}checklists` : undefined;
}

export async function run(ctx: Context): Promise<number> {
  const dbState = existsSync(ctx.dbPath) ? t("guide.dbExists") : t("guide.dbMissing");
  const dir = userChecklistsDir(ctx);
  const text = t("guide.text", {
    db: ctx.dbPath,
    dbState,
    checklists: dir ? t("guide.checklists.user", { dir }) : t("guide.checklists.builtin"),
    lang: t("guide.lang"),
    noTty: ctx.interactive ? "" : t("guide.noTty"),
  });
  ctx.stdout.write(`${text}\n`);
  return 0;
}
