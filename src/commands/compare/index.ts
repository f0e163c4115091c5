// `lookback compare`: a unit's latest run of a checklist against its previous one.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf, option } from "../../cli/declare.js";

const options = () =>
  z.object({
    unit: option(z.string(), { help: "compare.help.unit", value: "name" }),
    checklist: option(z.string(), { help: "compare.help.checklist", value: "id" }),
    json: jsonOption(),
  });
export type CompareOptions = OptionsOf<typeof options>;

export const compare = defineCommand({
  name: "compare",
  description: "compare.help.cmd",
  options,
  examples: [
    "lookback compare",
    "lookback compare --unit 莲塘一小",
    "lookback compare --checklist self-check --json",
  ],
  handler: async () => (await import("./run.js")).run,
});
