// `lookback` with no command: a short guide instead of a usage dump.
import { existsSync } from "node:fs";
import type { Context } from "../context.js";
import { t } from "../i18n/index.js";

export async function run(ctx: Context): Promise<number> {
  const dbState = existsSync(ctx.dbPath) ? t("guide.dbExists") : t("guide.dbMissing");
  ctx.stdout.write(`${t("guide.text", { db: ctx.dbPath, dbState, lang: ctx.lang })}\n`);
  return 0;
}
