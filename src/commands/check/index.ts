// `lookback check`: the self-check, item by item on a terminal, or from an answers file.
import * as z from "zod/mini";
import { defineCommand, type OptionsOf, option } from "../../cli/declare.js";

const options = () =>
  z.object({
    unit: option(z.string(), { help: "check.help.unit", value: "name" }),
    checklist: option(z.string(), { help: "check.help.checklist", value: "id" }),
    respondent: option(z.string(), { help: "check.help.respondent", value: "name" }),
    answers: option(z.string(), { help: "check.help.answers", value: "file" }),
    new: option(z.boolean(), { help: "check.help.new" }),
    newUnit: option(z.boolean(), { help: "check.help.newUnit" }),
  });
export type CheckOptions = OptionsOf<typeof options>;

export const check = defineCommand({
  name: "check",
  description: "check.help.cmd",
  options,
  examples: [
    "lookback check",
    "lookback check --unit 南昌县莲塘第一中学 --respondent 张老师",
    "lookback check --answers answers.yaml",
    "lookback check --unit 南昌县莲塘第一中学 --checklist self-check --new",
  ],
  handler: async () => (await import("./run.js")).run,
});
