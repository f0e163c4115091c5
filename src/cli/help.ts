// `--help` in the user's language: commander's headings, usage words and "(choices: …)" come
// from the catalogs, and with a text measurer (loaded only when help is asked for) the
// descriptions wrap by display width, at CJK characters as well as at spaces.
import { type Argument, type Command, Help, type Option } from "commander";
import { type MessageKey, t } from "../i18n/index.js";
import { argumentTerm, usageLine } from "./usage.js";

export interface TextLayout {
  width(s: string): number;
  wrap(s: string, width: number): string[];
}

const TITLES: Record<string, MessageKey> = {
  "Usage:": "help.title.usage",
  "Arguments:": "help.title.arguments",
  "Options:": "help.title.options",
  "Global Options:": "help.title.globalOptions",
  "Commands:": "help.title.commands",
};

/** A description with its choices and default, unless it names them itself. */
function describe(item: Option | Argument): string {
  const text = item.description ?? "";
  const extra: string[] = [];
  const choices = item.argChoices;
  if (choices && !choices.every((c) => text.includes(c)))
    extra.push(t("help.choices", { choices: choices.join(t("table.separator")) }));
  const value = item.defaultValue;
  if (value !== undefined && typeof value !== "boolean" && !text.includes(String(value)))
    extra.push(t("help.default", { value: item.defaultValueDescription ?? JSON.stringify(value) }));
  // No space before a full-width bracket: 说明（可选：…）.
  return extra.reduce((all, e) => (all === "" ? e : e.startsWith("（") ? all + e : `${all} ${e}`), text);
}

/** `add [选项] <name>`: a subcommand in its parent's list. */
function subcommandTerm(cmd: Command): string {
  return [
    cmd.name(),
    ...(cmd.commands.length > 0 ? [t("usage.word.command")] : []),
    ...cmd.registeredArguments.map(argumentTerm),
    ...(cmd.options.length > 0 ? [t("usage.word.options")] : []),
  ].join(" ");
}

/** commander writes "Usage: x"; after a full-width colon (用法：) the space is one too many. */
function formatHelp(cmd: Command, helper: Help): string {
  const text = Help.prototype.formatHelp.call(helper, cmd, helper);
  const title = t("help.title.usage");
  return title.endsWith("：") && text.startsWith(`${title} `) ? title + text.slice(title.length + 1) : text;
}

export function helpConfiguration(layout?: TextLayout): Partial<Help> {
  return {
    formatHelp,
    styleTitle: (s: string) => {
      const key = TITLES[s];
      return key ? t(key) : s;
    },
    commandUsage: (cmd: Command) => usageLine(cmd),
    subcommandTerm,
    optionDescription: describe,
    argumentDescription: describe,
    ...(layout
      ? {
          displayWidth: (s: string) => layout.width(s),
          boxWrap: (s: string, width: number) => layout.wrap(s, width).join("\n"),
        }
      : {}),
  };
}
