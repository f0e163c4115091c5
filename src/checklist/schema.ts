// The checklist format: the one source of the TypeScript types, the loader's checks
// and the published JSON Schema (`lookback schema`).
// zod/mini, not the chainable `zod`: the same schemas at a third of the start-up cost (every
// `lookback` command that reads a checklist builds these first; npm run bench, startup).
import * as z from "zod/mini";

export const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const id = (what: string) =>
  z
    .string()
    .check(z.regex(KEBAB_ID), z.describe(`${what} (kebab-case: lower-case letters, digits, single hyphens)`));
const text = (what: string) => z.string().check(z.trim(), z.minLength(1), z.describe(what));

/** The answer scale shared by every checklist: 符合 / 基本符合 / 不符合 / 不适用. */
export const RESULTS = ["pass", "partial", "fail", "na"] as const;
export type Result = (typeof RESULTS)[number];

export const ItemSchema = z
  .strictObject({
    id: id("Item id, unique in its section; the full id is `section.item`"),
    text: text("The question in Chinese, phrased so that 符合 (pass) means the requirement is met"),
    text_en: z.optional(text("The question in English")),
    basis: z.optional(text("The sentence or clause of the source document this item implements (依据原文)")),
    method: z.optional(
      z
        .array(text("A method"))
        .check(z.describe("How the item is checked, e.g. 听汇报, 看现场, 查资料, 暗访")),
    ),
    evidence: z.optional(text("What supporting evidence (佐证材料) to keep, e.g. 会议记录、签到表、照片")),
    required: z.optional(
      z
        .boolean()
        .check(z.describe("Whether the item must be answered before the run can finish (default true)")),
    ),
  })
  .check(z.describe("One item of a section: a question answered 符合/基本符合/不符合/不适用"));

export const SectionSchema = z
  .strictObject({
    id: id("Section id, unique in the checklist"),
    title: text("Section title in Chinese (环节)"),
    title_en: z.optional(text("Section title in English")),
    per: z.optional(
      z
        .enum(["leader"])
        .check(
          z.describe(
            "`leader`: the section is answered once for each leading cadre named at the start of the check (六查)",
          ),
        ),
    ),
    items: z.array(ItemSchema).check(z.minLength(1), z.describe("The items of the section, in order")),
  })
  .check(z.describe("A section (环节) of the checklist"));

export const ChecklistSchema = z
  .strictObject({
    id: id("Checklist id, unique among all loaded checklists"),
    version: text('Version of this checklist, e.g. "1.0.0" (quote it so YAML keeps it as text)'),
    title: text("Checklist title in Chinese"),
    title_en: z.optional(text("Checklist title in English")),
    source: text("The document this checklist implements (title and issuer)"),
    description: z.optional(text("What the checklist is for")),
    sections: z.array(SectionSchema).check(z.minLength(1), z.describe("The sections (环节), in order")),
  })
  .check(z.describe("A lookback self-inspection checklist (回头看检查清单)"));

export type Item = z.infer<typeof ItemSchema>;
export type Section = z.infer<typeof SectionSchema>;
export type Checklist = z.infer<typeof ChecklistSchema>;

/** A checklist together with where it came from. */
export interface LoadedChecklist {
  checklist: Checklist;
  /** Absolute path of the YAML file. */
  file: string;
  builtin: boolean;
  /** sha256 of the file's exact text (after BOM removal): a run stores the snapshot under it. */
  hash: string;
  /** The YAML text itself, so a run can snapshot exactly what it used. */
  text: string;
}

export function itemCount(checklist: Checklist): number {
  return checklist.sections.reduce((n, s) => n + s.items.length, 0);
}
