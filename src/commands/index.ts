// The program: its global options, what bare `lookback` does (a short guide), and every
// command, in the order of `lookback --help`. A command is added by declaring it in
// src/commands/<name>/index.ts and listing it here.
import * as z from "zod/mini";
import { defineCommand, type OptionsOf, option } from "../cli/declare.js";
import { LANGS } from "../cli/values.js";
import { check } from "./check/index.js";
import { compare } from "./compare/index.js";
import { crosscheck } from "./crosscheck/index.js";
import { evidence } from "./evidence/index.js";
import { exportCommand } from "./export/index.js";
import { help } from "./help/index.js";
import { importCommand } from "./import/index.js";
import { init } from "./init/index.js";
import { list } from "./list/index.js";
import { rectify } from "./rectify/index.js";
import { report } from "./report/index.js";
import { schema } from "./schema/index.js";
import { show } from "./show/index.js";
import { status } from "./status/index.js";
import { units } from "./units/index.js";
import { validate } from "./validate/index.js";

const globalOptions = () =>
  z.object({
    db: option(z.string(), { help: "help.opt.db", value: "file" }),
    checklists: option(z.string(), { help: "help.opt.checklists", value: "dir" }),
    lang: option(z.enum(LANGS), { help: "help.opt.lang" }),
    color: option(z.boolean(), { help: "help.opt.noColor", negate: true }),
  });
export type GlobalOptions = OptionsOf<typeof globalOptions>;

export const lookback = defineCommand({
  name: "lookback",
  description: "help.description",
  options: globalOptions,
  examples: [
    "lookback",
    "lookback check --unit 南昌县莲塘第一中学",
    "lookback export --unit 南昌县莲塘第一中学",
    "lookback --lang en validate --help",
  ],
  handler: async () => (await import("./guide/run.js")).run,
  subcommands: [
    validate,
    schema,
    list,
    show,
    rectify,
    evidence,
    compare,
    crosscheck,
    init,
    importCommand,
    units,
    exportCommand,
    report,
    check,
    status,
    help,
  ],
});
