// The published JSON Schema: derived from the zod schema, committed as
// schema/checklist.schema.json, and complete enough for editors (a description on
// every field, no unknown keys anywhere).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checklistJsonSchema, checklistJsonSchemaText } from "./json-schema.js";
import { ChecklistSchema } from "./schema.js";

type Json = { [k: string]: unknown };

/** Every schema node below `node`, with the JSON path that leads to it. */
function walk(node: Json, at: string, visit: (n: Json, at: string) => void): void {
  visit(node, at);
  const props = node.properties as Record<string, Json> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) walk(v, `${at}.${k}`, visit);
  if (node.items && typeof node.items === "object") walk(node.items as Json, `${at}[]`, visit);
}

describe("checklist JSON Schema", () => {
  const schema = checklistJsonSchema();

  it("is committed as schema/checklist.schema.json, byte for byte (run `npm run schema` after changing the zod schema)", () => {
    const committed = readFileSync(path.resolve("schema/checklist.schema.json"), "utf8");
    expect(committed).toBe(checklistJsonSchemaText());
  });

  it("is draft-07 with a title", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.title).toBe("lookback checklist");
  });

  it("describes every field and forbids unknown keys at every level", () => {
    const objects: string[] = [];
    walk(schema, "$", (node, at) => {
      expect(typeof node.description, `${at} has a description`).toBe("string");
      expect((node.description as string).length, at).toBeGreaterThan(3);
      if (node.type === "object") {
        objects.push(at);
        expect(node.additionalProperties, `${at} additionalProperties`).toBe(false);
      }
    });
    expect(objects).toEqual(["$", "$.sections[]", "$.sections[].items[]"]);
  });

  it("marks the same fields required as the zod schema", () => {
    expect(schema.required).toEqual(["id", "version", "title", "source", "sections"]);
    const section = (schema.properties as Record<string, Json>).sections!.items as Json;
    expect(section.required).toEqual(["id", "title", "items"]);
    expect((section.properties as Record<string, Json>).per!.enum).toEqual(["leader"]);
    const item = (section.properties as Record<string, Json>).items!.items as Json;
    expect(item.required).toEqual(["id", "text"]);
  });

  it("rejects blank text in editors as the loader does", () => {
    const title = (schema.properties as Record<string, Json>).title!;
    expect(title.pattern).toBe("\\S");
    expect(new RegExp(title.pattern as string).test("   ")).toBe(false);
    expect(ChecklistSchema.shape.title.safeParse("   ").success).toBe(false);
  });
});
