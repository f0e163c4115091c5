// The published JSON Schema, derived from the zod schema so the two can never disagree.
// `lookback schema` prints it; schema/checklist.schema.json is the same text (npm run schema).
import * as z from "zod/mini";
import { ChecklistSchema } from "./schema.js";

export function checklistJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ChecklistSchema, {
    target: "draft-7",
    io: "input",
    // zod trims text before checking it is non-empty; `\S` says the same to an editor, so a
    // value of only spaces is flagged there too.
    override: (ctx) => {
      const js = ctx.jsonSchema;
      if (js.type === "string" && js.minLength === 1 && js.pattern === undefined) js.pattern = "\\S";
    },
  }) as Record<string, unknown>;
  return { ...schema, title: "lookback checklist" };
}

export function checklistJsonSchemaText(): string {
  return `${JSON.stringify(checklistJsonSchema(), null, 2)}\n`;
}
