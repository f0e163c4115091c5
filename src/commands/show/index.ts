// `lookback show CHECKLIST`: one checklist resolved through its chain of `extends`.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf } from "../../cli/declare.js";

const options = () => z.object({ json: jsonOption() });
export type ShowOptions = OptionsOf<typeof options>;

export const show = defineCommand({
  name: "show",
  description: "help.cmd.show",
  arguments: [{ term: "<checklist>", help: "help.arg.checklistId" }],
  options,
  examples: [
    "lookback show self-check",
    "lookback --checklists ./checklists show county-self-check",
    "lookback show county-self-check --json",
  ],
  handler: async () => (await import("./run.js")).run,
});
