// A resolved checklist written out as YAML, for the snapshot a run stores. The same checklist
// always gives the same text, byte for byte (keys in the format's order, every text in double
// quotes, no line folding), so its hash names it: two runs of the same resolved checklist share
// one snapshot, and any change anywhere in the chain of `extends` makes another. The text is a
// checklist complete in itself: no `extends`, its origin kept as `lineage`, readable back by the
// loader's quick path (plain keys, one document).
import type { Checklist, Grade, Item, Scoring, Section } from "./schema.js";

type Scalar = string | number | boolean;
/** A mapping, written as `key: value` lines in this order; absent fields are left out. */
interface Mapping {
  fields: readonly (readonly [string, Value | undefined])[];
}
type Value = Scalar | readonly Scalar[] | Mapping | readonly Mapping[];

const mapping = (fields: Mapping["fields"]): Mapping => ({ fields });
const isMapping = (v: unknown): v is Mapping => typeof v === "object" && v !== null && "fields" in v;

/**
 * Characters YAML allows only escaped, those YAML 1.1 readers take for line breaks (NEL, LS,
 * PS), and a BOM, which some readers drop: all written as `\uXXXX`.
 */
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** A double-quoted YAML scalar: JSON's escapes are YAML's, plus the characters YAML forbids raw. */
function quote(s: string): string {
  return JSON.stringify(s).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function scalar(v: Scalar): string {
  return typeof v === "string" ? quote(v) : String(v);
}

/** `key: value` lines at `indent`, skipping absent fields. */
function writeMapping(m: Mapping, indent: string, out: string[]): void {
  for (const [key, value] of m.fields) {
    if (value === undefined) continue;
    if (isMapping(value)) {
      out.push(`${indent}${key}:`);
      writeMapping(value, `${indent}  `, out);
    } else if (!Array.isArray(value)) out.push(`${indent}${key}: ${scalar(value as Scalar)}`);
    else if (value.length === 0) out.push(`${indent}${key}: []`);
    else {
      out.push(`${indent}${key}:`);
      for (const element of value as readonly (Scalar | Mapping)[]) {
        if (isMapping(element)) writeElement(element, `${indent}  `, out);
        else out.push(`${indent}  - ${scalar(element)}`);
      }
    }
  }
}

/** One mapping in a list: its first line after `- `, the others under it. */
function writeElement(m: Mapping, indent: string, out: string[]): void {
  const lines: string[] = [];
  writeMapping(m, `${indent}  `, lines);
  const [first = "", ...rest] = lines;
  out.push(`${indent}- ${first.slice(indent.length + 2)}`, ...rest);
}

const itemFields = (i: Item): Mapping =>
  mapping([
    ["id", i.id],
    ["text", i.text],
    ["text_en", i.text_en],
    ["basis", i.basis],
    ["method", i.method],
    ["evidence", i.evidence],
    ["required", i.required],
    ["weight", i.weight],
    ["verifies", i.verifies],
  ]);

const sectionFields = (s: Section): Mapping =>
  mapping([
    ["id", s.id],
    ["title", s.title],
    ["title_en", s.title_en],
    ["per", s.per],
    ["weight", s.weight],
    ["pass", s.pass],
    ["items", s.items.map(itemFields)],
  ]);

const gradeFields = (g: Grade): Mapping =>
  mapping([
    ["min", g.min],
    ["label", g.label],
    ["label_en", g.label_en],
  ]);

const scoringFields = (s: Scoring): Mapping =>
  mapping([
    ["partial", s.partial],
    ["pass", s.pass],
    ["grades", s.grades?.map(gradeFields)],
  ]);

/** The checklist as YAML text, the same for the same checklist (see the top of this file). */
export function serializeChecklist(c: Checklist): string {
  const chain = [`${c.id} ${c.version}`, ...(c.lineage ?? []).map((l) => `${l.id} ${l.version}`)];
  const out = [`# ${chain.join(" ← ")}: resolved by lookback; the run that stored it answered exactly this.`];
  writeMapping(
    mapping([
      ["id", c.id],
      ["version", c.version],
      ["title", c.title],
      ["title_en", c.title_en],
      ["source", c.source],
      ["description", c.description],
      ["kind", c.kind],
      [
        "lineage",
        c.lineage?.map((l) =>
          mapping([
            ["id", l.id],
            ["version", l.version],
          ]),
        ),
      ],
      [
        "scoring",
        c.scoring && Object.values(c.scoring).some((v) => v !== undefined)
          ? scoringFields(c.scoring)
          : undefined,
      ],
      [
        "rectify",
        c.rectify?.require_evidence_to_close !== undefined
          ? mapping([["require_evidence_to_close", c.rectify.require_evidence_to_close]])
          : undefined,
      ],
      ["sections", c.sections.map(sectionFields)],
    ]),
    "",
    out,
  );
  return `${out.join("\n")}\n`;
}
