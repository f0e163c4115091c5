// The answers file (docs/answers-file.md): the same information a person gives at the
// prompts, as YAML, for `lookback check --answers FILE`.
// Results, kinds and origins are checked after parsing, so that a wrong value is
// reported with the accepted spellings (codes and labels) rather than a bare enum.
import * as z from "zod/mini";

/** Optional text; `key:` with nothing after it is null in YAML, and means the same as absent. */
const text = (what: string) => z.optional(z.nullable(z.string())).check(z.describe(what));
const nonEmpty = (what: string) =>
  z.optional(z.string().check(z.trim(), z.minLength(1))).check(z.describe(what));

export const RectificationEntrySchema = z
  .strictObject({
    problem: text("存在问题: what was found"),
    measure: text("整改措施: what will be done"),
    owner: text("责任人 (required; in a per-leader section the leader by default)"),
    leader_in_charge: text("责任领导"),
    department: text("责任部门"),
    deadline: z
      .optional(z.nullable(z.union([z.string(), z.number()])))
      .check(z.describe("整改时限: 2026-12-31, 2026/12/31, 20261231 or +30; today or later")),
    kind: text("整改类型: immediate 立行立改, deadline 限期整改, ongoing 长期坚持"),
    origin: text("问题来源: self-check 自查, inspection 明察, visit 暗访, public 群众反映"),
    evidence: text("佐证材料 of the rectification (default: the answer's evidence)"),
    evidence_files: z
      .optional(z.nullable(z.union([z.string(), z.array(z.string())])))
      .check(
        z.describe(
          "佐证材料 files of the rectification (the proof of the work, needed to close it where the checklist asks): a path or a list of paths (files or folders), relative to this answers file",
        ),
      ),
  })
  .check(
    z.describe(
      "The rectification (整改事项) a partial or fail answer opens, or continues when an earlier round's is still open (left-out fields are kept)",
    ),
  );

export const AnswerEntrySchema = z
  .strictObject({
    // Checked after parsing, so that a missing or wrong result names the accepted spellings.
    result: z.unknown().check(z.describe("pass 符合, partial 基本符合, fail 不符合, na 不适用")),
    note: text("备注"),
    evidence: text("佐证材料"),
    evidence_files: z
      .optional(z.nullable(z.union([z.string(), z.array(z.string())])))
      .check(
        z.describe(
          "佐证材料 files: a path or a list of paths (files or folders), relative to this answers file",
        ),
      ),
    na_reason: text("Why the item does not apply (required for na)"),
    done: text(
      "For pass: 完成情况 of the item's rectification still open from an earlier round, which is then marked done (已完成)",
    ),
    rectification: z.optional(z.nullable(RectificationEntrySchema)),
    method: text(
      "检查方式 of an inspection: hear-report 听汇报, site-visit 看现场, document-check 查资料, unannounced 暗访 (default: the file's `inspection.method`)",
    ),
  })
  .check(z.describe("One answer"));

const names = (what: string) =>
  z.optional(z.nullable(z.union([z.array(z.string()), z.string()]))).check(z.describe(what));

export const InspectionEntrySchema = z
  .strictObject({
    group: text("督导组 that inspected, e.g. 县教育局第二督导组 (required for a new inspection run)"),
    members: names("督导组成员 who inspected: a list, or one line separated by , or 、"),
    method: text(
      "The 检查方式 of every answer that gives none: hear-report 听汇报, site-visit 看现场, document-check 查资料, unannounced 暗访",
    ),
  })
  .check(
    z.describe(
      "For an inspection checklist (kind: inspection) only: the supervision group (督导组) that inspected the unit",
    ),
  );

export const AnswersFileSchema = z
  .strictObject({
    unit: nonEmpty("填报单位 (or --unit)"),
    checklist: nonEmpty("Checklist id (or --checklist; default self-check)"),
    respondent: nonEmpty("填报人 (or --respondent)"),
    leaders: names("班子成员 for per-leader sections: a list, or one line separated by , or 、"),
    inspection: z.optional(z.nullable(InspectionEntrySchema)),
    answers: z
      .nullable(z.record(z.string(), z.unknown()))
      .check(
        z.describe(
          "Answers by full item id: `section.item`, or `section.item@leader` in a per-leader section",
        ),
      ),
  })
  .check(z.describe("A lookback answers file"));

export type AnswersFile = z.infer<typeof AnswersFileSchema>;
export type AnswerEntry = z.infer<typeof AnswerEntrySchema>;
