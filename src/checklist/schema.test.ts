// The published JSON Schema: derived from the zod schema, committed as
// schema/checklist.schema.json, and complete enough for editors (a description on
// every field, no unknown keys anywhere).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checklistJsonSchema, checklistJsonSchemaText } from "./json-schema.js";
import { ChecklistSchema, childFileSchema, PlainFileSchema } from "./schema.js";

type Json = { [k: string]: unknown };

/** Every schema node below `node`, with the JSON path that leads to it. */
function walk(node: Json, at: string, visit: (n: Json, at: string) => void): void {
  visit(node, at);
  const props = node.properties as Record<string, Json> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) walk(v, `${at}.${k}`, visit);
  if (Array.isArray(node.anyOf)) for (const v of node.anyOf as Json[]) walk(v, at, visit);
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
    expect(objects).toEqual([
      "$",
      "$.scoring",
      "$.scoring.grades[]",
      "$.rectify",
      "$.override[]",
      "$.sections[]",
      "$.sections[].items[]",
    ]);
  });

  it("marks the same fields required as the zod schemas: title, source, sections unless `extends`", () => {
    expect(schema.required).toEqual(["id", "version"]);
    expect(schema.if).toEqual({ required: ["extends"] });
    const plain = schema.else as Json;
    expect(plain.required).toEqual(["title", "source", "sections"]);
    expect(plain.properties).toMatchObject({ remove: false, override: false });
    const section = (schema.properties as Record<string, Json>).sections!.items as Json;
    expect(section.required).toEqual(["id", "items"]);
    expect(((plain.properties as Record<string, Json>).sections!.items as Json).required).toEqual([
      "id",
      "title",
      "items",
    ]);
    expect((section.properties as Record<string, Json>).per!.enum).toEqual(["leader"]);
    const item = (section.properties as Record<string, Json>).items!.items as Json;
    expect(item.required).toEqual(["id", "text"]);
  });

  it("knows every key a file may hold, with or without `extends`, and those of a resolved checklist", () => {
    const keys = Object.keys(schema.properties as Json);
    expect(keys).toEqual(Object.keys(childFileSchema().shape));
    expect(Object.keys(PlainFileSchema.shape)).toEqual(keys);
    // `lineage` is written by lookback into a run's snapshot only: no file holds it.
    expect(Object.keys(ChecklistSchema.shape).filter((k) => !keys.includes(k))).toEqual(["lineage"]);
  });

  it("bounds weights, pass marks and grades as the loader does", () => {
    const section = (schema.properties as Record<string, Json>).sections!.items as Json;
    const sectionProps = section.properties as Record<string, Json>;
    expect(sectionProps.weight).toMatchObject({ type: "number", minimum: 0 });
    expect(sectionProps.pass).toMatchObject({ type: "number", minimum: 0, maximum: 100 });
    const scoring = (schema.properties as Record<string, Json>).scoring!.properties as Record<string, Json>;
    expect(scoring.partial).toMatchObject({ type: "number", minimum: 0, maximum: 1 });
    const grade = (scoring.grades!.items as Json).required;
    expect(grade).toEqual(["min", "label"]);
  });

  it("rejects blank text in editors as the loader does", () => {
    const title = (schema.properties as Record<string, Json>).title!;
    expect(title.pattern).toBe("\\S");
    expect(new RegExp(title.pattern as string).test("   ")).toBe(false);
    expect(ChecklistSchema.shape.title.safeParse("   ").success).toBe(false);
  });
});
