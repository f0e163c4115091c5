// The checklist format: the one source of the TypeScript types, the loader's checks
// and the published JSON Schema (`lookback schema`).
// zod/mini, not the chainable `zod`: the same schemas at a third of the start-up cost (every
// `lookback` command that reads a checklist builds these first; npm run bench, startup).
//
// Two shapes of one format. `ChecklistSchema` is a checklist complete in itself: what a file
// without `extends` holds, and what a run stores (a checklist that extends another is stored
// resolved, see resolve.ts). `ChecklistFileSchema` is what a file may hold: the same keys plus
// those of tailoring (`extends`, `remove`, `override`, `after`/`before`), with the fields a
// child inherits from its parent optional; load.ts checks which apply to which file.
import * as z from "zod/mini";
import type { Resolution } from "./tailor.js";

export const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const id = (what: string) =>
  z
    .string()
    .check(z.regex(KEBAB_ID), z.describe(`${what} (kebab-case: lower-case letters, digits, single hyphens)`));
const text = (what: string) => z.string().check(z.trim(), z.minLength(1), z.describe(what));
/** A non-negative number (a weight). */
const weight = (what: string) => z.optional(z.number().check(z.minimum(0), z.describe(what)));
/** A score on the 0–100 scale (a pass mark, a grade's lower bound). */
const percent = (what: string) => z.number().check(z.minimum(0), z.maximum(100), z.describe(what));

/** The answer scale shared by every checklist: 符合 / 基本符合 / 不符合 / 不适用. */
export const RESULTS = ["pass", "partial", "fail", "na"] as const;
export type Result = (typeof RESULTS)[number];
/** 基本符合 and 不符合 are problems: each opens (or continues) a rectification. */
export const opensRectification = (r: Result): boolean => r === "partial" || r === "fail";

const ITEM_FIELDS = {
  id: id("Item id, unique in its section; the full id is `section.item`"),
  text: text("The question in Chinese, phrased so that 符合 (pass) means the requirement is met"),
  text_en: z.optional(text("The question in English")),
  basis: z.optional(text("The sentence or clause of the source document this item implements (依据原文)")),
  method: z.optional(
    z.array(text("A method")).check(z.describe("How the item is checked, e.g. 听汇报, 看现场, 查资料, 暗访")),
  ),
  evidence: z.optional(text("What supporting evidence (佐证材料) to keep, e.g. 会议记录、签到表、照片")),
  required: z.optional(
    z
      .boolean()
      .check(z.describe("Whether the item must be answered before the run can finish (default true)")),
  ),
  weight: weight("How much the item counts in its section's score (default 1; 0 makes it count for nothing)"),
  verifies: z.optional(
    z
      .array(text("An item of another checklist: `checklist-id:section.item`"))
      .check(
        z.describe(
          "The items of another checklist this item verifies, e.g. an inspection item the self-check items it checks: `self-check:study.study-time`",
        ),
      ),
  ),
};

export const ItemSchema = z
  .strictObject(ITEM_FIELDS)
  .check(z.describe("One item of a section: a question answered 符合/基本符合/不符合/不适用"));

const PER = z.optional(
  z
    .enum(["leader"])
    .check(
      z.describe(
        "`leader`: the section is answered once for each leading cadre named at the start of the check (六查)",
      ),
    ),
);
const SECTION_SCORING = {
  weight: weight(
    "How much the section counts in the total score. Give every section a weight, or none: without, each section counts as much as its items weigh",
  ),
  pass: z.optional(percent("The section's pass mark (0–100): below it the run does not pass (不达标)")),
};

export const SectionSchema = z
  .strictObject({
    id: id("Section id, unique in the checklist"),
    title: text("Section title in Chinese (环节)"),
    title_en: z.optional(text("Section title in English")),
    per: PER,
    ...SECTION_SCORING,
    items: z.array(ItemSchema).check(z.minLength(1), z.describe("The items of the section, in order")),
  })
  .check(z.describe("A section (环节) of the checklist"));

export const GradeSchema = z
  .strictObject({
    min: percent("The lowest score (0–100) that earns this grade"),
    label: text("The grade in Chinese, e.g. 好, 较好, 一般, 差"),
    label_en: z.optional(text("The grade in English, e.g. Good, Fairly good, Fair, Poor")),
  })
  .check(z.describe("A grade band: every score from `min` up to the next band's `min`"));

export const ScoringSchema = z
  .strictObject({
    partial: z.optional(
      z
        .number()
        .check(
          z.minimum(0),
          z.maximum(1),
          z.describe("The share of an item's weight that 基本符合 (partial) earns, 0–1 (default 0.5)"),
        ),
    ),
    pass: z.optional(percent("The total score (0–100) a run needs to pass (达标); none by default")),
    grades: z.optional(
      z
        .array(GradeSchema)
        .check(
          z.describe(
            "Grade bands, e.g. 好 from 90, 较好 from 80, 一般 from 60, 差 from 0 (the default); [] for none",
          ),
        ),
    ),
  })
  .check(
    z.describe(
      "How answers become a score: 符合 earns an item's weight, 基本符合 a share of it, 不符合 nothing; 不适用 is left out",
    ),
  );

/** How this checklist's rectifications are followed up: what closing one (销号) needs. */
export const RectifyRulesSchema = z
  .strictObject({
    require_evidence_to_close: z.optional(
      z
        .boolean()
        .check(
          z.describe(
            "销号 needs at least one evidence file (佐证材料) attached to the rectification (lookback evidence add); default false",
          ),
        ),
    ),
  })
  .check(z.describe("Rules for the rectifications this checklist opens (整改事项)"));

const CHECKLIST_HEAD = {
  id: id("Checklist id, unique among all loaded checklists"),
  version: text('Version of this checklist, e.g. "1.0.0" (quote it so YAML keeps it as text)'),
};
const TITLE = text("Checklist title in Chinese");
const SOURCE = text("The document this checklist implements (title and issuer)");
/**
 * Who answers the checklist: the unit itself (自查, the default) or a supervision group (督导组)
 * inspecting it, whose run records the group, its members and the method used on each item.
 */
export const CHECKLIST_KINDS = ["self-check", "inspection"] as const;
export type ChecklistKind = (typeof CHECKLIST_KINDS)[number];
const KIND = z.optional(
  z
    .enum(CHECKLIST_KINDS)
    .check(
      z.describe(
        "`self-check` (自查, the default): the unit answers it; `inspection` (督导检查): a supervision group (督导组) answers it about the unit, recording its members and the method used on each item",
      ),
    ),
);
const CHECKLIST_TEXTS = {
  title_en: z.optional(text("Checklist title in English")),
  description: z.optional(text("What the checklist is for")),
};

/** One checklist a resolved checklist was made from: the one it extends, then that one's parent… */
export const LineageSchema = z
  .strictObject({ id: id("Checklist id"), version: text("Its version") })
  .check(z.describe("A checklist this one was resolved from"));

export const ChecklistSchema = z
  .strictObject({
    ...CHECKLIST_HEAD,
    title: TITLE,
    title_en: CHECKLIST_TEXTS.title_en,
    source: SOURCE,
    description: CHECKLIST_TEXTS.description,
    kind: KIND,
    // Written by lookback only, in the resolved checklist a run stores: what it was made from.
    lineage: z.optional(z.array(LineageSchema)),
    scoring: z.optional(ScoringSchema),
    rectify: z.optional(RectifyRulesSchema),
    sections: z.array(SectionSchema).check(z.minLength(1), z.describe("The sections (环节), in order")),
  })
  .check(z.describe("A lookback self-inspection checklist (回头看检查清单)"));

export type Item = z.infer<typeof ItemSchema>;
export type Section = z.infer<typeof SectionSchema>;
export type Checklist = z.infer<typeof ChecklistSchema>;
export type Scoring = z.infer<typeof ScoringSchema>;
export type Grade = z.infer<typeof GradeSchema>;
export type Lineage = z.infer<typeof LineageSchema>;

// ---- What a file may hold: the keys above and those of tailoring. ----
// A file without `extends` is read with PlainFileSchema, where title, source and sections are
// required as in a resolved checklist; the tailoring keys are known to it (so that a typo such
// as `extend:` gets its did-you-mean) and refused by load.ts. A file with `extends` is read with
// childFileSchema(), where what the parent gives may be left out.

const ANCHORS = {
  after: z.optional(id("In a checklist that extends another: put this right after the sibling with this id")),
  before: z.optional(
    id("In a checklist that extends another: put this right before the sibling with this id"),
  ),
};

const FileItemSchema = z
  .strictObject({ ...ITEM_FIELDS, ...ANCHORS })
  .check(z.describe("One item of a section: a question answered 符合/基本符合/不符合/不适用"));

const SECTION_ID = id(
  "Section id, unique in the checklist; in a checklist that extends another, a parent's section id adds the items below to that section",
);
const SECTION_TITLE = text("Section title in Chinese (环节)");
const fileSection = (title: typeof SECTION_TITLE | z.ZodMiniOptional<typeof SECTION_TITLE>) =>
  z
    .strictObject({
      id: SECTION_ID,
      title,
      title_en: z.optional(text("Section title in English")),
      per: PER,
      ...SECTION_SCORING,
      ...ANCHORS,
      items: z
        .array(FileItemSchema)
        .check(
          z.minLength(1),
          z.describe(
            "The items of the section, in order (in a checklist that extends another: the items it adds)",
          ),
        ),
    })
    .check(z.describe("A section (环节) of the checklist"));

const OverrideSchema = z
  .strictObject({
    id: text("What to change: an item's full id `section.item`, or a section's id"),
    text: z.optional(ITEM_FIELDS.text),
    text_en: ITEM_FIELDS.text_en,
    basis: ITEM_FIELDS.basis,
    method: ITEM_FIELDS.method,
    evidence: ITEM_FIELDS.evidence,
    required: ITEM_FIELDS.required,
    verifies: ITEM_FIELDS.verifies,
    title: z.optional(text("A section's new title in Chinese")),
    title_en: z.optional(text("A section's new title in English")),
    weight: weight("The item's or the section's new weight"),
    pass: SECTION_SCORING.pass,
    ...ANCHORS,
  })
  .check(
    z.describe(
      "Changes to one item or section of the parent: the fields given replace the parent's; `after`/`before` move it among its siblings",
    ),
  );

const TAILORING = {
  extends: z.optional(
    id(
      "The id of the checklist this one tailors (built-in or in --checklists): its sections and items are taken, then changed as this file says",
    ),
  ),
  remove: z.optional(
    z
      .array(text("An item's full id `section.item`, or a section's id"))
      .check(
        z.describe("In a checklist that extends another: the parent's items (or sections) to leave out"),
      ),
  ),
  override: z.optional(
    z
      .array(OverrideSchema)
      .check(z.describe("In a checklist that extends another: changes to the parent's items and sections")),
  ),
};

const SECTIONS_OF_FILE = "The sections (环节), in order";
export const PlainFileSchema = z
  .strictObject({
    ...CHECKLIST_HEAD,
    extends: TAILORING.extends,
    title: TITLE,
    title_en: CHECKLIST_TEXTS.title_en,
    source: SOURCE,
    description: CHECKLIST_TEXTS.description,
    kind: KIND,
    scoring: z.optional(ScoringSchema),
    rectify: z.optional(RectifyRulesSchema),
    remove: TAILORING.remove,
    override: TAILORING.override,
    sections: z.array(fileSection(SECTION_TITLE)).check(z.minLength(1), z.describe(SECTIONS_OF_FILE)),
  })
  .check(z.describe("A lookback self-inspection checklist (回头看检查清单)"));

let childSchema: ReturnType<typeof buildChildFileSchema> | undefined;
function buildChildFileSchema() {
  return z
    .strictObject({
      ...CHECKLIST_HEAD,
      extends: TAILORING.extends,
      title: z.optional(text("Checklist title in Chinese (required unless the checklist extends another)")),
      title_en: CHECKLIST_TEXTS.title_en,
      source: z.optional(
        text("The document this checklist implements (title and issuer; required unless it extends another)"),
      ),
      description: CHECKLIST_TEXTS.description,
      kind: KIND,
      scoring: z.optional(ScoringSchema),
      rectify: z.optional(RectifyRulesSchema),
      remove: TAILORING.remove,
      override: TAILORING.override,
      sections: z.optional(
        z
          .array(fileSection(z.optional(SECTION_TITLE)))
          .check(
            z.minLength(1),
            z.describe(
              `${SECTIONS_OF_FILE} (required unless the checklist extends another; there, the sections it adds or adds items to)`,
            ),
          ),
      ),
    })
    .check(z.describe("A lookback self-inspection checklist (回头看检查清单)"));
}

/** The schema of a file with `extends` (built on first use: most files extend nothing). */
export function childFileSchema(): ReturnType<typeof buildChildFileSchema> {
  childSchema ??= buildChildFileSchema();
  return childSchema;
}

export type FileItem = z.infer<typeof FileItemSchema>;
export type FileSection = z.infer<ReturnType<typeof fileSection>>;
export type Override = z.infer<typeof OverrideSchema>;
export type PlainFile = z.infer<typeof PlainFileSchema>;
export type ChildFile = z.infer<ReturnType<typeof buildChildFileSchema>>;

/** A checklist in the set a command uses (built-in or in --checklists), one it extends, or the file itself. */
export interface ChainLink {
  id: string;
  version: string;
  /** Absolute path of its YAML file. */
  file: string;
  builtin: boolean;
}

/** A checklist together with where it came from. */
export interface LoadedChecklist {
  /** The checklist as a run answers it: for one that extends another, resolved through its chain. */
  checklist: Checklist;
  /** Absolute path of the YAML file. */
  file: string;
  builtin: boolean;
  /**
   * sha256 of the snapshot text: a run stores the snapshot under it. For a file that extends
   * nothing, the file's exact text (after BOM removal); else the resolved checklist's (resolve.ts).
   */
  hash: string;
  /** The YAML text a run snapshots: the file's own, or the resolved checklist written out. */
  text: string;
  /** The checklists this one extends, nearest first: empty for a checklist complete in itself. */
  parents: ChainLink[];
  /** Where each of its sections and items comes from (`lookback show`), worked out when asked. */
  resolution: () => Resolution;
}

export function itemCount(checklist: Checklist): number {
  return checklist.sections.reduce((n, s) => n + s.items.length, 0);
}
