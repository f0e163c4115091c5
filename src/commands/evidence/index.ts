// `lookback evidence [add|list|remove|extract]`: 佐证材料 as files, attached to an answer (an item
// of a unit's run) or to a rectification, listed, removed (kept, like the history), written out.
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf, option } from "../../cli/declare.js";

const unit = () => option(z.string(), { help: "evidence.help.unit", value: "name" });
const checklist = () => option(z.string(), { help: "evidence.help.checklist", value: "id" });
const by = () => option(z.string(), { help: "evidence.help.by", value: "name" });

const addOptions = () =>
  z.object({
    unit: unit(),
    checklist: checklist(),
    by: by(),
    run: option(z.string(), { help: "evidence.help.run", value: "run-id" }),
    maxFileMb: option(z.string(), { help: "evidence.help.maxFileMb", value: "mb" }),
    maxUnitMb: option(z.string(), { help: "evidence.help.maxUnitMb", value: "mb" }),
    json: jsonOption(),
  });
export type AddOptions = OptionsOf<typeof addOptions>;

const listOptions = () =>
  z.object({
    unit: unit(),
    checklist: checklist(),
    removed: option(z.boolean(), { help: "evidence.help.removed" }),
    json: jsonOption(),
  });
export type ListOptions = OptionsOf<typeof listOptions>;

const removeOptions = () => z.object({ by: by(), json: jsonOption() });
export type RemoveOptions = OptionsOf<typeof removeOptions>;

const extractOptions = () =>
  z.object({
    out: option(z.string(), { help: "evidence.help.out", value: "path" }),
    json: jsonOption(),
  });
export type ExtractOptions = OptionsOf<typeof extractOptions>;

const add = defineCommand({
  name: "add",
  description: "evidence.help.add",
  arguments: [
    { term: "<target>", help: "evidence.help.target" },
    { term: "<file...>", help: "evidence.help.files" },
  ],
  options: addOptions,
  examples: [
    "lookback evidence add 3f2a9c1e 签到表.jpg 会议记录.pdf --by 张三",
    "lookback evidence add study.film --unit 莲塘一小 照片/",
    "lookback evidence add study.film --run eb50dca6 签到表.jpg",
  ],
  handler: async () => (await import("./run.js")).runAdd,
});

const list = defineCommand({
  name: "list",
  description: "evidence.help.list",
  arguments: [{ term: "[target]", help: "evidence.help.listTarget" }],
  options: listOptions,
  examples: ["lookback evidence list --unit 莲塘一小", "lookback evidence list 3f2a9c1e --json"],
  handler: async () => (await import("./run.js")).runList,
});

const remove = defineCommand({
  name: "remove",
  description: "evidence.help.remove",
  arguments: [{ term: "<evidence-id>", help: "evidence.help.id" }],
  options: removeOptions,
  examples: ["lookback evidence remove 9b1d04aa --by 张三"],
  handler: async () => (await import("./run.js")).runRemove,
});

const extract = defineCommand({
  name: "extract",
  description: "evidence.help.extract",
  arguments: [{ term: "<id-or-sha256>", help: "evidence.help.extractId" }],
  options: extractOptions,
  examples: [
    "lookback evidence extract 9b1d04aa",
    "lookback evidence extract 9b1d04aa --out 收回/签到表.jpg --json",
  ],
  handler: async () => (await import("./run.js")).runExtract,
});

const jsonOnly = () => z.object({ json: jsonOption() });

/**
 * `lookback evidence` alone lists every file, as `evidence list` does. Its --json is also read by
 * the subcommands (commander gives the group an option typed after the subcommand's name).
 */
export const evidence = defineCommand({
  name: "evidence",
  description: "evidence.help.cmd",
  options: jsonOnly,
  handler: async () => (await import("./run.js")).runListAll,
  examples: [
    "lookback evidence",
    "lookback evidence add 3f2a9c1e 签到表.jpg --by 张三",
    "lookback evidence list --unit 莲塘一小",
    "lookback evidence remove 9b1d04aa --by 张三",
    "lookback evidence extract 9b1d04aa --out 收回/",
  ],
  subcommands: [add, list, remove, extract],
});
