// `lookback validate [PATH...]`: check checklist files; exit 1 when any is wrong.
import * as z from "zod/mini";
import { VALIDATION_FORMATS } from "../../checklist/report-formats.js";
import { defineCommand, type OptionsOf, option } from "../../cli/declare.js";

const options = () =>
  z.object({
    format: option(z.enum(VALIDATION_FORMATS), { help: "help.opt.format" }),
    strict: option(z.boolean(), { help: "help.opt.strict" }),
  });
export type ValidateOptions = OptionsOf<typeof options>;

export const validate = defineCommand({
  name: "validate",
  description: "help.cmd.validate",
  arguments: [{ term: "[path...]", help: "help.arg.paths" }],
  options,
  examples: [
    "lookback validate",
    "lookback validate checklists/ --strict",
    "lookback validate --format github",
  ],
  handler: async () => (await import("./run.js")).run,
});
