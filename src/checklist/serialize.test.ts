// The snapshot text of a resolved checklist: the same checklist always gives the same bytes,
// and reading them back gives the same checklist, through the loader's quick path.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { quickYamlValue } from "../yaml/fast.js";
import { parseWithSchema, yamlValue } from "../yaml/parse.js";
import { sourceText } from "../yaml/source.js";
import { loadChecklistSet, validateFiles } from "./load.js";
import { type Checklist, ChecklistSchema } from "./schema.js";
import { serializeChecklist } from "./serialize.js";

const builtins = loadChecklistSet({ cwd: path.resolve("test") }).checklists.map((l) => l.checklist);
const T = path.resolve("test/fixtures/tailor");
const leaf = validateFiles(
  [path.join(T, "base.yaml"), path.join(T, "chain/middle.yaml"), path.join(T, "chain/leaf.yaml")],
  {
    cwd: T,
  },
).files[2]!.checklist!.checklist;

const readBack = (text: string): Checklist => {
  const outcome = parseWithSchema(sourceText("snapshot", text), ChecklistSchema);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.diagnostics));
  return outcome.value;
};

describe("serializeChecklist", () => {
  it.each([...builtins, leaf].map((c) => [c.id, c] as const))(
    "%s reads back as the same checklist",
    (_, c) => {
      const text = serializeChecklist(c);
      expect(readBack(text)).toEqual(c);
      // Plain keys, one document: the quick path reads it, no full YAML parser needed.
      expect(quickYamlValue(text)?.value).toEqual(yamlValue(text));
      expect(text).not.toMatch(/^extends:/m);
    },
  );

  it("is the same text whatever order the checklist's keys were in", () => {
    const reordered = JSON.parse(
      JSON.stringify(leaf, (_k, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
      ),
    ) as Checklist;
    expect(Object.keys(reordered)[0]).not.toBe("id");
    expect(serializeChecklist(reordered)).toBe(serializeChecklist(leaf));
  });

  it("keeps where it came from as `lineage`, and says so in its first line", () => {
    const text = serializeChecklist(leaf);
    expect(text.split("\n")[0]).toBe(
      "# leaf 3.0.0 ← middle 2.0.0 ← base 1.0.0: resolved by lookback; the run that stored it answered exactly this.",
    );
    expect(readBack(text).lineage).toEqual([
      { id: "middle", version: "2.0.0" },
      { id: "base", version: "1.0.0" },
    ]);
  });

  it("carries any text: quotes, backslashes, line breaks, characters YAML allows only escaped", () => {
    const odd = 'a "quoted" \\ back\nslash\ttab \u0085 NEL \u2028 LS \u007f DEL \ufeff BOM 😀 - [x]: #no';
    const c: Checklist = {
      id: "odd",
      version: "1",
      title: odd,
      source: "yes",
      scoring: { partial: 0.25, pass: 60, grades: [] },
      sections: [
        {
          id: "s",
          title: "true",
          weight: 0,
          items: [{ id: "i", text: "123", method: [], required: false, weight: 1.5, verifies: ["x:y.z"] }],
        },
      ],
    };
    const text = serializeChecklist(c);
    expect(text).not.toMatch(/[\u007f\u0085\u2028\ufeff]/);
    expect(readBack(text)).toEqual(c);
  });
});
