// `lookback report`: a unit's or the county's briefing (简报) as .docx, the county's also as HTML.
import * as z from "zod/mini";
import { defineCommand, type OptionsOf, option } from "../../cli/declare.js";
import { LANGS } from "../../cli/values.js";
import { REPORT_FORMATS } from "../../report/formats.js";

const options = () =>
  z.object({
    unit: option(z.array(z.string()), { help: "report.help.unit", value: "name" }),
    all: option(z.boolean(), { help: "report.help.all" }),
    township: option(z.string(), { help: "report.help.township", value: "name" }),
    checklist: option(z.string(), { help: "report.help.checklist", value: "id" }),
    format: option(z.enum(REPORT_FORMATS), { help: "report.help.format" }),
    out: option(z.string(), { help: "report.help.out", value: "dir" }),
    issue: option(z.string(), { help: "report.help.issue", value: "n" }),
    issuer: option(z.string(), { help: "report.help.issuer", value: "org" }),
    to: option(z.array(z.string()), { help: "report.help.to", value: "org" }),
    cc: option(z.array(z.string()), { help: "report.help.cc", value: "org" }),
    copies: option(z.string(), { help: "report.help.copies", value: "n" }),
    date: option(z.string(), { help: "report.help.date" }),
    template: option(z.string(), { help: "report.help.template", value: "file" }),
    language: option(z.enum(LANGS), { help: "report.help.language", value: "lang" }),
    force: option(z.boolean(), { help: "report.help.force" }),
  });
export type ReportOptions = OptionsOf<typeof options>;

export const report = defineCommand({
  name: "report",
  description: "report.help.cmd",
  options,
  examples: [
    "lookback report --unit 南昌县莲塘第一中学 --issue 3",
    "lookback report --all --issue 5 --to 县委活动办 --cc 各乡镇中心学校",
    "lookback report --all --issuer 南昌县教体局活动办 --format html --out 简报/",
    "lookback report --township 莲塘镇 --date 2026-05-20",
    "lookback report --unit 莲塘一小 --template templates/report.yaml --force",
  ],
  handler: async () => (await import("./run.js")).run,
});
