// `lookback crosscheck`: each unit's self-check held against the supervision group's inspection.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf, option } from "../../cli/declare.js";

const options = () =>
  z.object({
    unit: option(z.string(), { help: "crosscheck.help.unit", value: "name" }),
    all: option(z.boolean(), { help: "crosscheck.help.all" }),
    json: jsonOption(),
  });
export type CrosscheckOptions = OptionsOf<typeof options>;

export const crosscheck = defineCommand({
  name: "crosscheck",
  description: "crosscheck.help.cmd",
  options,
  examples: [
    "lookback crosscheck --unit 南昌县莲塘第一中学",
    "lookback crosscheck --all",
    "lookback crosscheck --all --json",
  ],
  handler: async () => (await import("./run.js")).run,
});
