// `lookback list`: the checklists that are loaded, with their item counts.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf } from "../../cli/declare.js";

const options = () => z.object({ json: jsonOption() });
export type ListOptions = OptionsOf<typeof options>;

export const list = defineCommand({
  name: "list",
  description: "help.cmd.list",
  options,
  examples: ["lookback list", "lookback --checklists ./my-checklists list --json"],
  handler: async () => (await import("./run.js")).run,
});
