// How a command declares itself (src/commands/<name>/index.ts): its name, what --help says of
// it, its arguments, its options as ONE zod schema, examples, subcommands, and the handler,
// loaded only when the command runs. The schema is the single source of the options: the
// command line is derived from it (src/cli/program.ts) and it types the handler, which gets
// the options already parsed by it.
//
// Declaration modules are all loaded at start-up, so they hold data only, never the code that
// does the work (that is the handler's module, src/commands/<name>/run.ts). Even the schema is
// made only when its command is defined: a zod schema costs about as much to build as a
// hundred lines of our own code to run, and most runs define one command.
import * as z from "zod/mini";
import type { Context } from "../context.js";
import type { MessageKey } from "../i18n/index.js";

/** Checks of a value made as the command line is read (src/cli/values.ts). */
export type ValueCheck = "status" | "statuses" | "days";

/**
 * What the command line needs of an option beyond its type. The flag is the schema key in
 * kebab case (`dueWithin` → `--due-within`); the kind of value follows from the schema: a
 * boolean is a flag, a string takes a value, an array takes several (`--unit a b`), an enum
 * takes one of its words. An option not wrapped in optional() is mandatory.
 */
export interface OptionMeta {
  /** Its description in --help. */
  help: MessageKey;
  /** The value's name in --help and usage lines (`--unit <name>`); the key when not given. */
  value?: string;
  check?: ValueCheck;
  /** `--no-<key>`: the option turns the key off (it is on unless given). */
  negate?: boolean;
}

const cliOptions = new WeakMap<z.ZodMiniType, OptionMeta>();

/** An option the command line may give. */
export function option<T extends z.ZodMiniType>(schema: T, meta: OptionMeta): z.ZodMiniOptional<T> {
  const optional = z.optional(schema);
  cliOptions.set(optional, meta);
  return optional;
}

/** An option the command line must give (a usage error names it when it is missing). */
export function mandatoryOption<T extends z.ZodMiniType>(schema: T, meta: OptionMeta): T {
  cliOptions.set(schema, meta);
  return schema;
}

/** `--json`: the command's result as JSON on stdout, the same data as its text. */
export const jsonOption = (): z.ZodMiniOptional<z.ZodMiniBoolean<boolean>> =>
  option(z.boolean(), { help: "help.opt.json" });

export function optionMeta(schema: z.ZodMiniType): OptionMeta | undefined {
  return cliOptions.get(schema);
}

/**
 * An argument as --help writes it, which also says what the handler gets: `<id>` a string,
 * `[dir]` a string or undefined, `[path...]` and `<file...>` a list of strings.
 */
export interface ArgumentDecl {
  readonly term: string;
  readonly help: MessageKey;
}

type ArgValue<T extends string> = T extends `${string}...${string}`
  ? string[]
  : T extends `<${string}`
    ? string
    : string | undefined;

type ArgValues<A extends readonly ArgumentDecl[]> = {
  [K in keyof A]: A[K] extends { term: infer T extends string } ? ArgValue<T> : never;
};

/** What a handler may know of the program around it (only `lookback help` needs it). */
export interface ProgramView {
  /** The names of the commands, in the order of --help (without `help` itself). */
  readonly commands: readonly string[];
  /** Print a command's --help; false when there is no such command. */
  outputHelp(name: string): boolean;
}

/** A handler gets the arguments, the parsed options, the context; it returns the exit code. */
export type Handler<A extends readonly ArgumentDecl[], O> = (
  ...params: [...ArgValues<A>, O, Context, ProgramView]
) => Promise<number>;

/** The options a command's handler gets, from the function that makes its schema. */
export type OptionsOf<F extends () => z.ZodMiniObject> = z.infer<ReturnType<F>>;

export interface CommandSpec<A extends readonly ArgumentDecl[], S extends z.ZodMiniObject> {
  name: string;
  description: MessageKey;
  arguments?: A;
  /** Makes the options' schema (called once, when the command is defined). */
  options?: () => S;
  /** Command lines shown under --help, typed as a user would. */
  examples?: readonly string[];
  /** Run when its group is named without a subcommand (`lookback rectify` is `rectify walk`). */
  isDefault?: boolean;
  subcommands?: readonly Declaration[];
  /** Loads the module that does the work; a group without a handler only holds subcommands. */
  handler?: () => Promise<Handler<A, z.infer<S>>>;
}

/** A declared command as the program is built from it (the handler's types checked at declaration). */
export interface Declaration {
  readonly name: string;
  readonly description: MessageKey;
  readonly arguments: readonly ArgumentDecl[];
  readonly options: () => z.ZodMiniObject;
  readonly examples: readonly string[];
  readonly isDefault: boolean;
  readonly subcommands: readonly Declaration[];
  readonly handler: (() => Promise<(...params: unknown[]) => Promise<number>>) | undefined;
}

const noOptions = () => z.object({});

export function defineCommand<
  const A extends readonly ArgumentDecl[] = [],
  S extends z.ZodMiniObject = ReturnType<typeof noOptions>,
>(spec: CommandSpec<A, S>): Declaration {
  const make = spec.options ?? noOptions;
  let schema: z.ZodMiniObject | undefined;
  return {
    name: spec.name,
    description: spec.description,
    arguments: spec.arguments ?? [],
    options: () => {
      schema ??= make();
      return schema;
    },
    examples: spec.examples ?? [],
    isDefault: spec.isDefault ?? false,
    subcommands: spec.subcommands ?? [],
    // The handler was checked against the arguments and the schema above; the program calls it
    // with exactly those (src/cli/program.ts), so its parameter types can be forgotten here.
    handler: spec.handler as Declaration["handler"],
  };
}
