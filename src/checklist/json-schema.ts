// The published JSON Schema, derived from the zod schema so the two can never disagree.
// `lookback schema` prints it; schema/checklist.schema.json is the same text (npm run schema).
import * as z from "zod/mini";
import { childFileSchema } from "./schema.js";

type Json = Record<string, unknown>;

/**
 * What a file without `extends` must hold on top of the schema of any file: title, source and
 * sections, a title on every section, and none of the tailoring keys (load.ts says the same
 * in words). An editor flags these while the file is typed.
 */
const COMPLETE_IN_ITSELF: Json = {
  required: ["title", "source", "sections"],
  properties: {
    remove: false,
    override: false,
    sections: {
      items: {
        required: ["id", "title", "items"],
        properties: {
          after: false,
          before: false,
          items: { items: { properties: { after: false, before: false } } },
        },
      },
    },
  },
};

export function checklistJsonSchema(): Json {
  const schema = z.toJSONSchema(childFileSchema(), {
    target: "draft-7",
    io: "input",
    // zod trims text before checking it is non-empty; `\S` says the same to an editor, so a
    // value of only spaces is flagged there too.
    override: (ctx) => {
      const js = ctx.jsonSchema;
      if (js.type === "string" && js.minLength === 1 && js.pattern === undefined) js.pattern = "\\S";
    },
  }) as Json;
  return { ...schema, title: "lookback checklist", if: { required: ["extends"] }, else: COMPLETE_IN_ITSELF };
}

export function checklistJsonSchemaText(): string {
  return `${JSON.stringify(checklistJsonSchema(), null, 2)}\n`;
}
