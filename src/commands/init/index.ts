// `lookback init [DIR]`: start a bureau's checklist repository.
import * as z from "zod/mini";
import { defineCommand, type OptionsOf, option } from "../../cli/declare.js";

const options = () => z.object({ force: option(z.boolean(), { help: "init.help.force" }) });
export type InitOptions = OptionsOf<typeof options>;

export const init = defineCommand({
  name: "init",
  description: "init.help.cmd",
  arguments: [{ term: "[dir]", help: "init.help.dir" }],
  options,
  examples: ["lookback init 教体局清单", "lookback init . --force"],
  handler: async () => (await import("./run.js")).run,
});
