// `lookback schema`: print the checklist JSON Schema (for editors: completion and inline errors).
import { checklistJsonSchemaText } from "../../checklist/json-schema.js";
import type { Context } from "../../context.js";

export async function run(_opts: unknown, ctx: Context): Promise<number> {
  ctx.stdout.write(checklistJsonSchemaText());
  return 0;
}
