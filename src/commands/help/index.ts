// `lookback help [TOPIC]`: the manuals shipped in docs/, or another command's --help.
import { defineCommand } from "../../cli/declare.js";

export const help = defineCommand({
  name: "help",
  description: "help.cmd.help",
  arguments: [{ term: "[topic]", help: "help.arg.topic" }],
  examples: [
    "lookback help",
    "lookback help answers",
    "lookback help export > 导出说明.md",
    "lookback help check",
  ],
  handler: async () => (await import("./run.js")).run,
});
