// The published JSON Schema, derived from the zod schema so the two can never disagree.
import { z } from "zod";
import { ChecklistSchema } from "./schema.js";


export function checklistJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ChecklistSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  return { ...schema, title: "lookback checklist" };
}

export function checklistJsonSchemaText(): string {
  return `${JSON.stringify(checklistJsonSchema(), null, 2)}\n`;
}
