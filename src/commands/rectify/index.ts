// `lookback rectify [walk|list|show|update]`: follow every rectification to its end (跟踪问效).
import * as z from "zod/mini";
import { defineCommand, jsonOption, mandatoryOption, type OptionsOf, option } from "../../cli/declare.js";

const unit = () => option(z.string(), { help: "rectify.help.unit", value: "name" });
const id = [{ term: "<id>", help: "rectify.help.id" }] as const;

const walkOptions = () => z.object({ unit: unit() });
export type WalkOptions = OptionsOf<typeof walkOptions>;

const listOptions = () =>
  z.object({
    unit: unit(),
    checklist: option(z.string(), { help: "rectify.help.checklist", value: "id" }),
    status: option(z.string(), { help: "rectify.help.status", check: "statuses" }),
    open: option(z.boolean(), { help: "rectify.help.open" }),
    since: option(z.string(), { help: "rectify.help.since", value: "date" }),
    overdue: option(z.boolean(), { help: "rectify.help.overdue" }),
    owner: option(z.string(), { help: "rectify.help.owner", value: "name" }),
    dueWithin: option(z.string(), { help: "rectify.help.dueWithin", value: "days", check: "days" }),
    json: jsonOption(),
  });
export type ListOptions = OptionsOf<typeof listOptions>;

const showOptions = () => z.object({ json: jsonOption() });
export type ShowOptions = OptionsOf<typeof showOptions>;

const updateOptions = () =>
  z.object({
    status: mandatoryOption(z.string(), { help: "rectify.help.newStatus", check: "status" }),
    note: option(z.string(), { help: "rectify.help.note", value: "text" }),
    by: option(z.string(), { help: "rectify.help.by", value: "name" }),
    progress: option(z.string(), { help: "rectify.help.progress", value: "text" }),
    remark: option(z.string(), { help: "rectify.help.remark", value: "text" }),
    json: jsonOption(),
  });
export type UpdateOptions = OptionsOf<typeof updateOptions>;

const walk = defineCommand({
  name: "walk",
  description: "rectify.help.walk",
  isDefault: true,
  options: walkOptions,
  examples: ["lookback rectify", "lookback rectify walk --unit 莲塘一小"],
  handler: async () => (await import("./run.js")).runWalk,
});

const list = defineCommand({
  name: "list",
  description: "rectify.help.list",
  options: listOptions,
  examples: [
    "lookback rectify list --overdue",
    "lookback rectify list --owner 张三 --due-within 7",
    "lookback rectify list --status done --json",
  ],
  handler: async () => (await import("./run.js")).runList,
});

const show = defineCommand({
  name: "show",
  description: "rectify.help.show",
  arguments: id,
  options: showOptions,
  examples: ["lookback rectify show 3f2a9c1e", "lookback rectify show 3f2a --json"],
  handler: async () => (await import("./run.js")).runShow,
});

const update = defineCommand({
  name: "update",
  description: "rectify.help.update",
  arguments: id,
  options: updateOptions,
  examples: [
    "lookback rectify update 3f2a --status 整改中 --by 张三",
    'lookback rectify update 3f2a --status done --progress "已补齐台账" --by 张三',
    "lookback rectify update 3f2a --status closed --by 王主任",
    'lookback rectify update 3f2a --status in-progress --note "复查发现未落实"',
  ],
  handler: async () => (await import("./run.js")).runUpdate,
});

export const rectify = defineCommand({
  name: "rectify",
  description: "rectify.help.cmd",
  examples: [
    "lookback rectify",
    "lookback rectify list --overdue",
    "lookback rectify list --unit 莲塘一小 --status 未整改,整改中 --json",
    "lookback rectify show 3f2a9c1e",
    'lookback rectify update 3f2a --status 已完成 --progress "已补齐" --by 张三',
    "lookback rectify update 3f2a --status 已销号 --by 王主任",
  ],
  subcommands: [walk, list, show, update],
});
