// `lookback import FILE...`: merge other lookback databases (the schools') into this one.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf } from "../../cli/declare.js";

const options = () => z.object({ json: jsonOption() });
export type ImportOptions = OptionsOf<typeof options>;

export const importCommand = defineCommand({
  name: "import",
  description: "help.cmd.import",
  arguments: [{ term: "<file...>", help: "help.arg.importFiles" }],
  options,
  examples: [
    "lookback import 莲塘一小.db 莲塘二小.db",
    "lookback --db 全县.db import 收到的数据库/",
    "lookback import schools/ --json",
  ],
  handler: async () => (await import("./run.js")).run,
});
