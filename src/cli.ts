// The entry point: builds the command line from the commands' declarations (src/commands/,
// their handlers loaded only when they run, so `--version` and `validate` never pay for SQLite
// or exceljs), and is the one place that prints errors and decides the exit code.
// Mistakes on the command line become usage errors in src/cli/usage.ts.
import path from "node:path";
import { type Command, CommanderError, type Help } from "commander";
import type { ProgramView } from "./cli/declare.js";
import { configure, type Runner, valueFlags } from "./cli/program.js";
import { LookbackCommand } from "./cli/usage.js";
import { LANGS } from "./cli/values.js";
import { type GlobalOptions, lookback } from "./commands/index.js";
import { type Context, makeContext, outputWidth } from "./context.js";
import { isLookbackError, LookbackError } from "./errors.js";
import { detectLang, type Lang, setLang, t } from "./i18n/index.js";
import { colorEnabled, palette } from "./util/color.js";
import { VERSION } from "./version.js";

export interface Io {
  noColorFlag?: boolean;
  stdout: Context["stdout"];
  stderr: Context["stderr"];
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo = (): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: process.stdin.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
});

/**
 * --lang is needed before commander runs, so that its own errors are translated too. A value
 * that is not a language (`--lang fr`) is left to commander to refuse, in the language the
 * environment asks for.
 */
export function langFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv): Lang {
  let flag: string | undefined;
  argv.forEach((a, i) => {
    if (a === "--lang") flag = argv[i + 1];
    else if (a.startsWith("--lang=")) flag = a.slice(7);
  });
  return detectLang(
    flag !== undefined && (LANGS as readonly string[]).includes(flag) ? flag : undefined,
    env,
  );
}

/** The commands, in the order of `lookback --help`. */
export const COMMANDS: readonly string[] = lookback.subcommands.map((d) => d.name);

/**
 * The command the words name, if any: the first word that is not an option or a global
 * option's value. Then only that command needs defining; building all of them is ~8 ms of
 * commander's time, on every run (bare `lookback`, `--help` and typos still get all).
 */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const word = firstOperand(argv);
  // `lookback help CMD` shows another command's help: it needs them all.
  return word !== undefined && word !== "help" && COMMANDS.includes(word) ? word : undefined;
}

/** The first word that is not an option or a global option's value (nothing after `--`). */
let globalValueFlags: Set<string> | undefined;

function firstOperand(argv: readonly string[]): string | undefined {
  globalValueFlags ??= valueFlags(lookback);
  const takesValue = globalValueFlags;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return undefined;
    if (takesValue.has(word)) i++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

export interface ProgramOptions {
  setExit?: (code: number) => void;
  /** Define only this command (the one the words name); all when undefined. */
  only?: string;
  /** How --help reads (src/cli/help.ts), loaded when help is asked for; else commander's own. */
  help?: Partial<Help>;
}

/** The whole command line, from the declarations in src/commands/ (handlers loaded when run). */
export function buildProgram(io: Io, lang: Lang, opts: ProgramOptions = {}): Command {
  const setExit = opts.setExit ?? (() => {});
  const program = new LookbackCommand("lookback");
  // Set before the commands are added: commander copies them into each.
  program
    .version(VERSION, "-V, --version", t("help.version"))
    .helpOption("-h, --help", t("help.help"))
    .showSuggestionAfterError(false)
    .configureHelp(opts.help ?? {})
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => outputWidth(io.stdout, io.env),
      getErrHelpWidth: () => outputWidth(io.stderr, io.env),
      outputError: () => {},
    });
  const view: ProgramView = {
    commands: COMMANDS.filter((name) => name !== "help"),
    outputHelp: (name) => {
      const command = program.commands.find((c) => c.name() === name && name !== "help");
      command?.outputHelp();
      return command !== undefined;
    },
  };
  // Every handler resolves to an exit code; only main() turns it into the process's.
  const run: Runner = async (handler, args, options, cmd) => {
    const context = makeContext(cmd.optsWithGlobals<GlobalOptions>(), lang, io);
    setExit(await handler(...args, options, context, view));
  };
  const only = opts.only;
  return configure(
    program,
    {
      ...lookback,
      subcommands: lookback.subcommands.filter((d) => only === undefined || d.name === only),
    },
    run,
  );
}

/**
 * One message, its details and its hint, on stderr. On a terminal each is wrapped to its width
 * under its own first word (the measurer is loaded only then: errors are not the hot path).
 */
async function printError(e: LookbackError, io: Io & { noColorFlag?: boolean }): Promise<void> {
  const c = palette(colorEnabled(io.stderr, { env: io.env, noColor: io.noColorFlag }));
  const layout = io.stderr.isTTY === true ? await import("./util/width.js") : undefined;
  const width = outputWidth(io.stderr, io.env);
  const block = (head: string, styledHead: string, text: string, more = 0): string => {
    if (!layout) return `${styledHead}${text}`;
    const indent = layout.displayWidth(head) + more;
    const [first = "", ...rest] = layout.wrap(text, Math.max(20, width - indent));
    return [`${styledHead}${first}`, ...rest.map((l) => " ".repeat(indent) + l)].join("\n");
  };
  const error = `${t("error.prefix")}: `;
  const hint = `${t("hint.prefix")}: `;
  const lines = [
    block(error, `${c.red(error.trimEnd())} `, e.message),
    ...e.details.map((d) => block("  ", "  ", d, 2)),
    ...(e.hint ? [block(hint, `${c.cyan(hint.trimEnd())} `, e.hint)] : []),
  ];
  io.stderr.write(`${lines.join("\n")}\n`);
  if (io.env.LOOKBACK_DEBUG) io.stderr.write(`${e.stack ?? ""}\n`);
}

/**
 * The native SQLite module failed to load: built for another Node (after a Node upgrade),
 * damaged, or never built (install scripts skipped). The store wraps it, so follow the causes
 * down to the loader's own error; its message, on one line, is kept for the user to quote.
 */
function nativeLoadFailure(e: unknown): string | undefined {
  let found: string | undefined;
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === "object"; depth++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown };
    const message = typeof err.message === "string" ? err.message : "";
    const known =
      /NODE_MODULE_VERSION|compiled against a different Node\.js version|Could not locate the bindings file/;
    if (err.code === "ERR_DLOPEN_FAILED" || known.test(message)) found = message.replace(/\s*\n\s*/g, " ");
    cur = err.cause;
  }
  return found;
}

/**
 * --help in the user's language, laid out by display width: loaded only when the words ask for
 * help, so that no other run pays for it.
 */
async function helpFor(argv: readonly string[]): Promise<Partial<Help> | undefined> {
  const words = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (!words.some((a) => a === "-h" || a === "--help") && firstOperand(argv) !== "help") return undefined;
  const [{ helpConfiguration }, { displayWidth, wrap }] = await Promise.all([
    import("./cli/help.js"),
    import("./util/width.js"),
  ]);
  return helpConfiguration({ width: displayWidth, wrap });
}

/** The database the command works on, as makeContext resolves it (for messages about it). */
function dbPathOf(argv: readonly string[], io: Io): string {
  let flag: string | undefined;
  argv.forEach((a, i) => {
    if (a === "--db") flag = argv[i + 1];
    else if (a.startsWith("--db=")) flag = a.slice(5);
  });
  return path.resolve(io.cwd, flag ?? (io.env.LOOKBACK_DB || "lookback.db"));
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const lang = langFromArgv(argv, io.env);
  setLang(lang);
  let exitCode = 0;
  const help = await helpFor(argv);
  const program = buildProgram(io, lang, {
    setExit: (code) => {
      exitCode = code;
    },
    only: invokedCommand(argv),
    ...(help ? { help } : {}),
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return 0;
      // Every mistake commander finds is a LookbackError from src/cli/usage.ts; this is a safety net.
      const err = new LookbackError(e.code, t("usage.other"), { exitCode: 2, cause: e });
      await printError(err, { ...io, noColorFlag: argv.includes("--no-color") });
      return 2;
    }
    const native = nativeLoadFailure(e);
    if (native !== undefined) {
      const err = new LookbackError("error.nativeModule", t("error.nativeModule"), {
        hint: t("error.nativeModule.hint"),
        details: [native],
        cause: e,
      });
      await printError(err, { ...io, noColorFlag: argv.includes("--no-color") });
      return 1;
    }
    if (isLookbackError(e)) {
      await printError(e, { ...io, noColorFlag: argv.includes("--no-color") });
      return e.exitCode;
    }
    // A read-only file, a full disk, a lock held too long: the database's own message.
    const { environmentError } = await import("./store/environment.js");
    const env = environmentError(e, dbPathOf(argv, io));
    if (env) {
      await printError(env, { ...io, noColorFlag: argv.includes("--no-color") });
      return env.exitCode;
    }
    if (e instanceof Error && e.name === "ExitPromptError") {
      // Ctrl-C at a prompt (exit 130): every answer already given is committed; a check says what it kept.
      const kept = (e as { kept?: unknown }).kept;
      io.stderr.write(`\n${typeof kept === "string" ? kept : t("check.interrupted")}\n`);
      return 130;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(
      `${t("error.internal", { message: err.message })}\n${t("hint.prefix")}: ${t("error.internal.hint")}\n`,
    );
    if (io.env.LOOKBACK_DEBUG) io.stderr.write(`${err.stack ?? ""}\n`);
    return 1;
  }
}
