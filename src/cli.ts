// The entry point: wires commands to their modules (loaded lazily, so `--version` and
// `validate` never pay for SQLite or exceljs), and is the one place that prints errors
// and decides the exit code (§6).
import { Command, CommanderError, Option } from "commander";
import { type Context, type GlobalOptions, makeContext } from "./context.js";
import { isLookbackError, type LookbackError } from "./errors.js";
import { detectLang, type Lang, type MessageKey, setLang, t } from "./i18n/index.js";
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

/** --lang is needed before commander runs, so that its own errors are translated too. */
function langFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv): Lang {
  let flag: string | undefined;
  argv.forEach((a, i) => {
    if (a === "--lang") flag = argv[i + 1];
    else if (a.startsWith("--lang=")) flag = a.slice(7);
  });
  return detectLang(flag, env);
}

function examples(lines: string[]): string {
  return `\n${t("help.examples")}\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

function buildProgram(io: Io, lang: Lang, setExit: (code: number) => void): Command {
  const program = new Command("lookback");
  const ctx = (cmd: Command): Context => makeContext(cmd.optsWithGlobals<GlobalOptions>(), lang, io);
  // Every action resolves to an exit code; only main() turns it into the process's.
  const act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      setExit(await fn(...args));
    };

  program
    .description(t("help.description"))
    .version(VERSION, "-V, --version", t("help.version"))
    .helpOption("-h, --help", t("help.help"))
    .addHelpCommand(false)
    .option("--db <file>", t("help.opt.db"))
    .option("--checklists <dir>", t("help.opt.checklists"))
    .addOption(new Option("--lang <lang>", t("help.opt.lang")).choices(["zh", "zh-CN", "en"]))
    .option("--no-color", t("help.opt.noColor"))
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => {},
    })
    .action(
      act(async (_opts: unknown, cmd: Command) => {
        const m = await import("./commands/guide.js");
        return m.run(ctx(cmd));
      }),
    );

  program
    .command("validate")
    .description(t("help.cmd.validate"))
    .argument("[path...]", t("help.arg.paths"))
    .option("--format <format>", t("help.opt.format"))
    .option("--strict", t("help.opt.strict"))
    .addHelpText(
      "after",
      examples(["lookback validate", "lookback validate checklists/ --strict", "lookback validate --format github"]),
    )
    .action(
      act(async (paths: string[], opts: unknown, cmd: Command) => {
        const m = await import("./commands/validate.js");
        return m.run(paths, opts, ctx(cmd));
      }),
    );

  program
    .command("schema")
    .description(t("help.cmd.schema"))
    .addHelpText("after", examples(["lookback schema > checklist.schema.json"]))
    .action(
      act(async (_opts: unknown, cmd: Command) => {
        const m = await import("./commands/schema.js");
        return m.run(ctx(cmd));
      }),
    );

  program
    .command("list")
    .description(t("help.cmd.list"))
    .option("--json", t("help.opt.json"))
    .addHelpText("after", examples(["lookback list", "lookback --checklists ./my-checklists list --json"]))
    .action(
      act(async (opts: unknown, cmd: Command) => {
        const m = await import("./commands/list.js");
        return m.run(opts, ctx(cmd));
      }),
    );

  return program;
}

function printError(e: LookbackError, io: Io & { noColorFlag?: boolean }): void {
  const c = palette(colorEnabled(io.stderr, { env: io.env, noColor: io.noColorFlag }));
  const lines = [`${c.red(`${t("error.prefix")}:`)} ${e.message}`, ...e.details.map((d) => `  ${d}`)];
  if (e.hint) lines.push(`${c.cyan(`${t("hint.prefix")}:`)} ${e.hint}`);
  io.stderr.write(`${lines.join("\n")}\n`);
  if (io.env.LOOKBACK_DEBUG) io.stderr.write(`${e.stack ?? ""}\n`);
}

const commanderKeys: Record<string, MessageKey> = {
  "commander.unknownOption": "error.usage.unknownOption",
  "commander.unknownCommand": "error.usage.unknownCommand",
  "commander.missingArgument": "error.usage.missingArgument",
  "commander.optionMissingArgument": "error.usage.missingOptionValue",
  "commander.missingMandatoryOptionValue": "error.usage.missingOptionValue",
  "commander.invalidArgument": "error.usage.invalidOption",
  "commander.excessArguments": "error.usage.tooManyArguments",
};

function commanderToUsage(e: CommanderError, argv: readonly string[], io: Io): number {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? "";
  const key = commanderKeys[e.code];
  const message = key
    ? t(key, { option: quoted, command: quoted, argument: quoted, message: e.message.replace(/^error: /, "") })
    : e.message.replace(/^error: /, "");
  const command = argv.find((a) => !a.startsWith("-")) ?? "";
  const c = palette(colorEnabled(io.stderr, { env: io.env, noColor: argv.includes("--no-color") }));
  io.stderr.write(
    `${c.red(`${t("error.prefix")}:`)} ${message}\n${c.cyan(`${t("hint.prefix")}:`)} ${t("error.usage.hint", { command }).replace("lookback  --help", "lookback --help")}\n`,
  );
  return 2;
}

/** A native module built for another Node (after a Node upgrade) fails to load: say how to fix it. */
function isNativeLoadFailure(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | null;
  return (
    !!err &&
    (err.code === "ERR_DLOPEN_FAILED" || /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(err.message ?? ""))
  );
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const lang = langFromArgv(argv, io.env);
  setLang(lang);
  let exitCode = 0;
  const program = buildProgram(io, lang, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return commanderToUsage(e, argv, io);
    }
    if (isLookbackError(e)) {
      printError(e, { ...io, noColorFlag: argv.includes("--no-color") });
      return e.exitCode;
    }
    if (e instanceof Error && e.name === "ExitPromptError") {
      // Ctrl-C at a prompt: every answer already given is committed (§6).
      io.stderr.write(`\n${t("check.interrupted")}\n`);
      return 130;
    }
    if (isNativeLoadFailure(e)) {
      io.stderr.write(`${t("error.nativeModule")}\n${t("hint.prefix")}: ${t("error.nativeModule.hint")}\n`);
      if (io.env.LOOKBACK_DEBUG) io.stderr.write(`${(e as Error).stack ?? ""}\n`);
      return 1;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`${t("error.internal", { message: err.message })}\n${t("hint.prefix")}: ${t("error.internal.hint")}\n`);
    if (io.env.LOOKBACK_DEBUG) io.stderr.write(`${err.stack ?? ""}\n`);
    return 1;
  }
}
