// `lookback export`: rectification ledgers (整改台账) per unit, and with --all the summary.
import * as z from "zod/mini";
import { defineCommand, type OptionsOf, option } from "../../cli/declare.js";
import { EXPORT_FORMATS } from "../../ledger/formats.js";

const options = () =>
  z.object({
    unit: option(z.array(z.string()), { help: "export.help.unit", value: "name" }),
    all: option(z.boolean(), { help: "export.help.all" }),
    checklist: option(z.string(), { help: "export.help.checklist", value: "id" }),
    out: option(z.string(), { help: "export.help.out", value: "dir" }),
    format: option(z.enum(EXPORT_FORMATS), { help: "export.help.format" }),
    template: option(z.string(), { help: "export.help.template", value: "file" }),
    open: option(z.boolean(), { help: "export.help.open" }),
    since: option(z.string(), { help: "export.help.since", value: "date" }),
    force: option(z.boolean(), { help: "export.help.force" }),
    withEvidence: option(z.boolean(), { help: "export.help.withEvidence" }),
  });
export type ExportOptions = OptionsOf<typeof options>;

export const exportCommand = defineCommand({
  name: "export",
  description: "export.help.cmd",
  options,
  examples: [
    "lookback export --unit 南昌县莲塘第一中学",
    "lookback export --all --out 台账/",
    "lookback export --all --format csv --force",
    "lookback export --all --template 我的台账模板.yaml",
    "lookback export --unit 南昌县莲塘第一中学 --open --since 2026-09-01",
    "lookback export --all --with-evidence --out 台账/",
  ],
  handler: async () => (await import("./run.js")).run,
});
