// The command line made from the declarations (src/cli/declare.ts): each declaration becomes
// a commander command with its arguments, its options derived from its zod schema, its
// examples under --help, and an action that loads the handler, parses the options with the
// same schema and hands the exit code to `run`.
import { type Command, Option } from "commander";
import * as z from "zod/mini";
import { t } from "../i18n/index.js";
import { type Declaration, type OptionMeta, optionMeta } from "./declare.js";
import { daysOption, statusOption } from "./values.js";

/** Calls a handler with what the action received and the command it belongs to. */
export type Runner = (
  handler: (...params: unknown[]) => Promise<number>,
  args: unknown[],
  options: unknown,
  cmd: Command,
) => Promise<void>;

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function examples(lines: readonly string[]): string {
  return `\n${t("help.examples")}\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

function withValue(flag: string, meta: OptionMeta, key: string, many = false): string {
  return `${flag} <${meta.value ?? kebab(key)}${many ? "..." : ""}>`;
}

/** One option of the schema as commander's Option: a flag, a value, several values or a choice. */
export function commanderOption(key: string, schema: z.ZodMiniType): Option {
  const meta = optionMeta(schema);
  if (!meta) throw new Error(`option \`${key}\` is not declared with option() or mandatoryOption()`);
  const inner = schema instanceof z.ZodMiniOptional ? (schema.def.innerType as z.ZodMiniType) : schema;
  const flag = `--${meta.negate ? "no-" : ""}${kebab(key)}`;
  const help = t(meta.help);
  let o: Option;
  if (meta.check === "status" || meta.check === "statuses")
    o = statusOption(withValue(flag, meta, key), help, { list: meta.check === "statuses" });
  else if (meta.check === "days") o = daysOption(withValue(flag, meta, key), help);
  else if (inner instanceof z.ZodMiniBoolean) o = new Option(flag, help);
  else if (inner instanceof z.ZodMiniString) o = new Option(withValue(flag, meta, key), help);
  else if (inner instanceof z.ZodMiniEnum)
    o = new Option(withValue(flag, meta, key), help).choices(inner.options.map(String));
  else if (inner instanceof z.ZodMiniArray) o = new Option(withValue(flag, meta, key, true), help);
  else throw new Error(`option \`${key}\`: no command-line form for a ${inner.def.type}`);
  return schema instanceof z.ZodMiniOptional ? o : o.makeOptionMandatory();
}

/** The flags of a command's options that take a value as the next word (`--db x.db`). */
export function valueFlags(d: Declaration): Set<string> {
  const flags = new Set<string>();
  for (const [key, option] of Object.entries(d.options().shape)) {
    const o = commanderOption(key, option as z.ZodMiniType);
    if ((o.required || o.optional) && o.long) flags.add(o.long);
  }
  return flags;
}

/** Give `cmd` what its declaration says: help, arguments, options, examples, the action, subcommands. */
export function configure(cmd: Command, d: Declaration, run: Runner): Command {
  cmd.description(t(d.description));
  for (const a of d.arguments) cmd.argument(a.term, t(a.help));
  const schema = d.options();
  for (const [key, option] of Object.entries(schema.shape))
    cmd.addOption(commanderOption(key, option as z.ZodMiniType));
  if (d.examples.length > 0) cmd.addHelpText("after", examples(d.examples));
  const load = d.handler;
  if (load) {
    cmd.action(async (...received: unknown[]) => {
      // commander passes the arguments, then its own parsed options, then the command.
      const self = received.at(-1) as Command;
      const handler = await load();
      // A subcommand also reads options of its group typed after its name (`units add x --json`).
      const options = schema.parse(self.optsWithGlobals(), { jitless: true });
      await run(handler, received.slice(0, d.arguments.length), options, self);
    });
  }
  if (d.subcommands.length > 0) cmd.addHelpCommand(false);
  for (const sub of d.subcommands) addCommand(cmd, sub, run);
  return cmd;
}

export function addCommand(parent: Command, d: Declaration, run: Runner): Command {
  return configure(parent.command(d.name, d.isDefault ? { isDefault: true } : {}), d, run);
}
