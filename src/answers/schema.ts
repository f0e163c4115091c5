// The answers file (§8): the same information a person gives at the prompts, as YAML.
// Results, kinds and origins are checked after parsing, so that a wrong value is
// reported with the accepted spellings (codes and labels) rather than a bare enum.
import { z } from "zod";

const text = z.string().nullable().optional();
const number = z.number();

export const RectificationEntrySchema = z
  .strictObject({
    problem: text.describe("存在问题: what was found"),
    measure: text.describe("整改措施: what will be done"),
    owner: text.describe("责任人 (required; in a per-leader section the leader by default)"),
    leader_in_charge: text.describe("责任领导"),
    department: text.describe("责任部门"),
    deadline: z
      .union([z.string(), number])
      .nullable()
      .optional()
      .describe("整改时限: 2026-12-31, 2026/12/31, 20261231 or +30; today or later"),
    kind: text.describe("整改类型: immediate 立行立改, deadline 限期整改, ongoing 长期坚持"),
    origin: text.describe("问题来源: self-check 自查, inspection 明察, visit 暗访, public 群众反映"),
    evidence: text.describe("佐证材料 of the rectification (default: the answer's evidence)"),
  })
  .describe("The rectification (整改事项) a partial or fail answer opens");

export const AnswerEntrySchema = z
  .strictObject({
    // Checked after parsing, so that a missing or wrong result names the accepted spellings.
    result: z.unknown().describe("pass 符合, partial 基本符合, fail 不符合, na 不适用"),
    note: text.describe("备注"),
    evidence: text.describe("佐证材料"),
    na_reason: text.describe("Why the item does not apply (required for na)"),
    rectification: RectificationEntrySchema.nullable().optional(),
  })
  .describe("One answer");

export const AnswersFileSchema = z
  .strictObject({
    unit: z.string().trim().min(1).optional().describe("填报单位 (or --unit)"),
    checklist: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Checklist id (or --checklist; default self-check)"),
    respondent: z.string().trim().min(1).optional().describe("填报人 (or --respondent)"),
    leaders: z
      .union([z.array(z.string()), z.string()])
      .nullable()
      .optional()
      .describe("班子成员 for per-leader sections: a list, or one line separated by , or 、"),
    answers: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe("Answers by full item id: `section.item`, or `section.item@leader` in a per-leader section"),
  })
  .describe("A lookback answers file");

export type AnswersFile = z.infer<typeof AnswersFileSchema>;
export type AnswerEntry = z.infer<typeof AnswerEntrySchema>;
