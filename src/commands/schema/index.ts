// `lookback schema`: print the checklist JSON Schema (for editors and CI).
import { defineCommand } from "../../cli/declare.js";

export const schema = defineCommand({
  name: "schema",
  description: "help.cmd.schema",
  examples: ["lookback schema > checklist.schema.json"],
  handler: async () => (await import("./run.js")).run,
});
