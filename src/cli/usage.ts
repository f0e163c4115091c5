// Usage errors in the user's language, built from the program's own definition: commander
// finds the mistake (a missing argument, an unknown option or subcommand, a value outside the
// choices), and the subclass below turns it into a LookbackError (exit 2) that names what is
// wrong, shows the command's usage line and suggests what was likely meant. Nothing here knows
// any particular command, so a command added to the program is covered as it is defined.
import { Argument, Command, CommanderError, type Option } from "commander";
import { LookbackError } from "../errors.js";
import { type MessageKey, type Params, t } from "../i18n/index.js";
import { closest } from "../util/similar.js";

/** `lookback rectify update`: the words that name a command. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

export function argumentTerm(a: Argument): string {
  const name = `${a.name()}${a.variadic ? "..." : ""}`;
  return a.required ? `<${name}>` : `[${name}]`;
}

/** `--status <status>`: the long flag (else the short one) with its value's placeholder. */
export function optionTerm(o: Option): string {
  const flag = o.long ?? o.short ?? o.flags;
  const value = /[<[][^>\]]*[>\]]/.exec(o.flags)?.[0];
  return value ? `${flag} ${value}` : flag;
}

/** The usage line in the user's language: subcommand, arguments, required options, then the others. */
export function usageLine(cmd: Command): string {
  const required = cmd.options.filter((o) => o.mandatory);
  return [
    commandPath(cmd),
    ...(cmd.commands.length > 0 ? [t("usage.word.command")] : []),
    ...cmd.registeredArguments.map(argumentTerm),
    ...required.map(optionTerm),
    t("usage.word.options"),
  ].join(" ");
}

const about = (text: string | undefined) => (text ? t("usage.about", { text }) : "");
const helpHint = (cmd: Command) => t("usage.hint.help", { command: commandPath(cmd) });
const didYouMean = (suggestion: string) => t("usage.hint.didYouMean", { suggestion });

function usageError(
  cmd: Command,
  key: MessageKey,
  params: Params,
  opts: { hint?: string; details?: string[]; usage?: boolean } = {},
): LookbackError {
  const details = [...(opts.details ?? [])];
  if (opts.usage !== false) details.push(t("usage.line", { usage: usageLine(cmd) }));
  return new LookbackError(key, t(key, params), { exitCode: 2, hint: opts.hint ?? helpHint(cmd), details });
}

/** The options a command accepts where it is typed: its own and its ancestors' (global ones). */
function knownOptions(cmd: Command): Option[] {
  const all: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) all.push(...c.options);
  return all;
}

function isKnownFlag(cmd: Command, word: string): boolean {
  const flag = word.split("=")[0] ?? word;
  return (
    knownOptions(cmd).some((o) => o.long === flag || o.short === flag) || flag === "-h" || flag === "--help"
  );
}

function unknownOption(cmd: Command, word: string): LookbackError {
  const flag = word.split("=")[0] ?? word;
  // A one-letter flag is too short to guess from.
  const longs = knownOptions(cmd).flatMap((o) => (o.long ? [o.long] : []));
  const meant = flag.startsWith("--") ? closest(flag, longs) : undefined;
  return usageError(
    cmd,
    "usage.unknownOption",
    { option: flag, command: commandPath(cmd) },
    { hint: meant ? didYouMean(meant) : helpHint(cmd) },
  );
}

function unknownSubcommand(group: Command, word: string): LookbackError {
  const names = group.commands.map((c) => c.name());
  const meant = closest(word, names);
  const path = commandPath(group);
  if (!group.parent) {
    return usageError(
      group,
      "usage.unknownCommand",
      { command: word },
      { hint: meant ? didYouMean(`${path} ${meant}`) : t("usage.hint.commands"), usage: false },
    );
  }
  return usageError(
    group,
    "usage.unknownSubcommand",
    { command: path, word },
    {
      hint: meant
        ? didYouMean(`${path} ${meant}`)
        : t("usage.hint.subcommands", { command: path, list: names.join(t("table.separator")) }),
      usage: false,
    },
  );
}

/** Everything required that is not there: arguments, then options (of the command and its ancestors). */
function missingParts(cmd: Command): { term: string; description: string }[] {
  const args = cmd.registeredArguments
    .filter((a, i) => a.required && cmd.args[i] === undefined)
    .map((a) => ({ term: argumentTerm(a), description: a.description }));
  const options: { term: string; description: string }[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      if (o.mandatory && c.getOptionValue(o.attributeName()) === undefined)
        options.push({ term: optionTerm(o), description: o.description });
    }
  }
  return [...args, ...options];
}

function missing(cmd: Command): LookbackError {
  const parts = missingParts(cmd);
  const [first] = parts;
  if (parts.length === 1 && first) {
    return usageError(cmd, "usage.missing", { what: first.term, about: about(first.description) });
  }
  return usageError(
    cmd,
    "usage.missingSeveral",
    { what: parts.map((p) => p.term).join(t("table.separator")), count: parts.length },
    { details: parts.map((p) => `${p.term}${about(p.description)}`) },
  );
}

function excessArguments(cmd: Command, extra: string[]): LookbackError {
  const words = extra.map((w) => `\`${w}\``).join(" ");
  // `lookback status 莲塘一中`: the unit was meant.
  const unit = cmd.options.find((o) => o.long === "--unit");
  const [first] = extra;
  const hint =
    unit && first && extra.length === 1 ? didYouMean(`${commandPath(cmd)} --unit ${first}`) : undefined;
  const expected = cmd.registeredArguments.length;
  return expected === 0
    ? usageError(cmd, "usage.noArguments", { command: commandPath(cmd), words }, { hint })
    : usageError(cmd, "usage.tooManyArguments", { command: commandPath(cmd), words, expected }, { hint });
}

function invalidValue(cmd: Command, target: Option | Argument, value: string, reason: string): LookbackError {
  const choices = target.argChoices;
  const meant = choices ? closest(value, choices) : undefined;
  const term = target instanceof Argument ? argumentTerm(target) : (target.long ?? target.flags);
  const why = choices ? t("usage.choices", { choices: choices.join(t("table.separator")) }) : reason;
  return usageError(
    cmd,
    target instanceof Argument ? "usage.invalidArgument" : "usage.invalidValue",
    { what: term, value, reason: why },
    { hint: meant ? didYouMean(target instanceof Argument ? meant : `${term} ${meant}`) : helpHint(cmd) },
  );
}

/** commander's private state this needs: the subcommand run when none is named. */
const defaultSubcommand = (cmd: Command): string | undefined =>
  (cmd as unknown as { _defaultCommandName?: string })._defaultCommandName;

/**
 * A commander Command whose mistakes are LookbackErrors. It overrides the methods commander
 * calls on each kind of mistake (they are not in its typings, but stable since commander 7;
 * the usage test walks every command through each of them).
 */
export class LookbackCommand extends Command {
  override createCommand(name?: string): Command {
    return new LookbackCommand(name);
  }

  missingArgument(_name: string): never {
    throw missing(this);
  }

  optionMissingArgument(option: Option): never {
    throw usageError(this, "usage.missingValue", {
      option: option.long ?? option.flags,
      about: about(option.description),
    });
  }

  missingMandatoryOptionValue(_option: Option): never {
    // A mistyped option is the likelier cause (`--stauts done`): name it first.
    const stray = this.args.find((a) => a.startsWith("-") && !isKnownFlag(this, a));
    if (stray) throw unknownOption(this, stray);
    throw missing(this);
  }

  unknownOption(flag: string): never {
    throw unknownOption(this, flag);
  }

  unknownCommand(): never {
    throw unknownSubcommand(this, this.args[0] ?? "");
  }

  _excessArguments(received: string[]): never {
    const extra = received.slice(this.registeredArguments.length);
    // A word after a group is a subcommand that does not exist (`rectify lst`, `units lst`), also
    // when the group passed it on to its default subcommand.
    const parent = this.parent;
    if (this.commands.length > 0) throw unknownSubcommand(this, extra[0] ?? "");
    if (parent && defaultSubcommand(parent) === this.name() && !parent.args.includes(this.name()))
      throw unknownSubcommand(parent, extra[0] ?? "");
    throw excessArguments(this, extra);
  }

  _callParseArg(target: Option | Argument, value: string, previous: unknown, _message: string): unknown {
    try {
      return target.parseArg ? target.parseArg(value, previous) : value;
    } catch (e) {
      if (e instanceof CommanderError && e.code === "commander.invalidArgument")
        throw invalidValue(this, target, value, e.message);
      throw e;
    }
  }

  /** Anything commander reports that the methods above do not: still one message, never its own text. */
  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    throw new LookbackError(errorOptions?.code ?? "usage.other", t("usage.other"), {
      exitCode: 2,
      hint: helpHint(this),
      details: [t("usage.line", { usage: usageLine(this) })],
      cause: new Error(message),
    });
  }
}
