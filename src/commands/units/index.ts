// `lookback units [list|add|import FILE|rename|merge]`: the roster of units (单位名册).
import * as z from "zod/mini";
import { defineCommand, jsonOption, type OptionsOf, option } from "../../cli/declare.js";

const jsonOnly = () => z.object({ json: jsonOption() });
export type JsonOptions = OptionsOf<typeof jsonOnly>;

const newUnit = () => option(z.boolean(), { help: "help.opt.newUnitRoster" });

const addOptions = () =>
  z.object({
    code: option(z.string(), { help: "help.opt.unitCode" }),
    township: option(z.string(), { help: "help.opt.township" }),
    type: option(z.string(), { help: "help.opt.unitType" }),
    newUnit: newUnit(),
    json: jsonOption(),
  });
export type AddOptions = OptionsOf<typeof addOptions>;

const importOptions = () => z.object({ newUnit: newUnit(), json: jsonOption() });
export type ImportRosterOptions = OptionsOf<typeof importOptions>;

const list = defineCommand({
  name: "list",
  description: "help.cmd.units.list",
  options: jsonOnly,
  examples: ["lookback units list", "lookback units list --json"],
  handler: async () => (await import("./run.js")).list,
});

const add = defineCommand({
  name: "add",
  description: "help.cmd.units.add",
  arguments: [{ term: "<name>", help: "help.arg.unitName" }],
  options: addOptions,
  examples: [
    "lookback units add 莲塘一小 --code 3601210001 --township 莲塘镇 --type 小学",
    "lookback units add 县教体局",
  ],
  handler: async () => (await import("./run.js")).add,
});

const importRoster = defineCommand({
  name: "import",
  description: "help.cmd.units.import",
  arguments: [{ term: "<file>", help: "help.arg.rosterFile" }],
  options: importOptions,
  examples: ["lookback units import 单位名册.xlsx", "lookback units import 单位名册.csv --json"],
  handler: async () => (await import("./run.js")).importRoster,
});

const rename = defineCommand({
  name: "rename",
  description: "help.cmd.units.rename",
  arguments: [
    { term: "<old>", help: "help.arg.unitOld" },
    { term: "<new>", help: "help.arg.unitNew" },
  ],
  options: jsonOnly,
  examples: ["lookback units rename 莲塘一中 南昌县莲塘第一中学"],
  handler: async () => (await import("./run.js")).rename,
});

const merge = defineCommand({
  name: "merge",
  description: "help.cmd.units.merge",
  arguments: [
    { term: "<from>", help: "help.arg.unitFrom" },
    { term: "<into>", help: "help.arg.unitInto" },
  ],
  options: jsonOnly,
  examples: ["lookback units merge 南昌县莲塘一中 南昌县莲塘第一中学"],
  handler: async () => (await import("./run.js")).merge,
});

/**
 * `lookback units` alone lists the roster. Its --json is also read by the subcommands
 * (commander gives the group an option typed after the subcommand's name).
 */
export const units = defineCommand({
  name: "units",
  description: "help.cmd.units",
  options: jsonOnly,
  examples: [
    "lookback units",
    "lookback units import 单位名册.xlsx",
    "lookback units add 莲塘一小 --code 3601210001 --township 莲塘镇 --type 小学",
  ],
  handler: async () => (await import("./run.js")).list,
  subcommands: [list, add, importRoster, rename, merge],
});
