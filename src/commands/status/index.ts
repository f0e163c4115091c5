// `lookback status`: how far every check run has got.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf, option } from "../../cli/declare.js";

const options = () =>
  z.object({
    unit: option(z.string(), { help: "status.help.unit", value: "name" }),
    json: jsonOption(),
  });
export type StatusOptions = OptionsOf<typeof options>;

export const status = defineCommand({
  name: "status",
  description: "status.help.cmd",
  options,
  examples: ["lookback status", "lookback status --unit 南昌县莲塘第一中学 --json"],
  handler: async () => (await import("./run.js")).run,
});
