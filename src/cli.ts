// The entry point: wires commands to their modules (loaded lazily, so `--version` and
// `validate` never pay for SQLite or exceljs), and is the one place that prints errors
// and decides the exit code (§6). Mistakes on the command line become usage errors in
// src/cli/usage.ts, from the definitions below.
import path from "node:path";
import { type Command, CommanderError, type Help } from "commander";
import { LookbackCommand } from "./cli/usage.js";
import { choiceOption, daysOption, LANGS, statusOption } from "./cli/values.js";
import { type Context, type GlobalOptions, makeContext, outputWidth } from "./context.js";
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

function examples(lines: string[]): string {
  return `\n${t("help.examples")}\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

/** The commands, in the order of `lookback --help`. */
export const COMMANDS = [
  "validate",
  "schema",
  "list",
  "show",
  "rectify",
  "compare",
  "init",
  "import",
  "units",
  "export",
  "report",
  "check",
  "status",
  "help",
] as const;
type CommandName = (typeof COMMANDS)[number];

/** Global options that take a value as the next word (`--db x.db`). */
const GLOBAL_VALUE_OPTIONS = new Set(["--db", "--checklists", "--lang"]);

/**
 * The command the words name, if any: the first word that is not an option or a global
 * option's value. Then only that command needs defining; building all of them is ~8 ms of
 * commander's time, on every run (bare `lookback`, `--help` and typos still get all).
 */
export function invokedCommand(argv: readonly string[]): CommandName | undefined {
  const word = firstOperand(argv);
  // `lookback help CMD` shows another command's help: it needs them all.
  return word !== undefined && word !== "help" && (COMMANDS as readonly string[]).includes(word)
    ? (word as CommandName)
    : undefined;
}

/** The first word that is not an option or a global option's value (nothing after `--`). */
function firstOperand(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return undefined;
    if (GLOBAL_VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

export interface ProgramOptions {
  setExit?: (code: number) => void;
  /** Define only this command (the one the words name); all when undefined. */
  only?: CommandName;
  /** How --help reads (src/cli/help.ts), loaded when help is asked for; else commander's own. */
  help?: Partial<Help>;
}

/** The whole command line: every command with its options, arguments, help and (lazy) action. */
export function buildProgram(io: Io, lang: Lang, opts: ProgramOptions = {}): Command {
  const setExit = opts.setExit ?? (() => {});
  const only = opts.only;
  const program = new LookbackCommand("lookback");
  const want = (name: CommandName) => only === undefined || only === name;
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
    .addOption(choiceOption("--lang <lang>", t("help.opt.lang"), LANGS))
    .option("--no-color", t("help.opt.noColor"))
    .showSuggestionAfterError(false)
    .configureHelp(opts.help ?? {})
    .addHelpText(
      "after",
      examples([
        "lookback",
        "lookback check --unit 南昌县莲塘第一中学",
        "lookback export --unit 南昌县莲塘第一中学",
        "lookback --lang en validate --help",
      ]),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      getOutHelpWidth: () => outputWidth(io.stdout, io.env),
      getErrHelpWidth: () => outputWidth(io.stderr, io.env),
      outputError: () => {},
    })
    .action(
      act(async (_opts: unknown, cmd: Command) => {
        const m = await import("./commands/guide.js");
        return m.run(ctx(cmd));
      }),
    );

  if (want("validate")) {
    program
      .command("validate")
      .description(t("help.cmd.validate"))
      .argument("[path...]", t("help.arg.paths"))
      .addOption(choiceOption("--format <format>", t("help.opt.format"), ["text", "json", "github", "junit"]))
      .option("--strict", t("help.opt.strict"))
      .addHelpText(
        "after",
        examples([
          "lookback validate",
          "lookback validate checklists/ --strict",
          "lookback validate --format github",
        ]),
      )
      .action(
        act(async (paths: string[], opts: unknown, cmd: Command) => {
          const m = await import("./commands/validate.js");
          return m.run(paths, opts, ctx(cmd));
        }),
      );
  }

  if (want("schema")) {
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
  }

  if (want("list")) {
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
  }

  if (want("show")) {
    program
      .command("show")
      .description(t("help.cmd.show"))
      .argument("<checklist>", t("help.arg.checklistId"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback show self-check",
          "lookback --checklists ./checklists show county-self-check",
          "lookback show county-self-check --json",
        ]),
      )
      .action(
        act(async (id: string, opts: unknown, cmd: Command) => {
          const m = await import("./commands/show.js");
          return m.run(id, opts, ctx(cmd));
        }),
      );
  }

  if (want("rectify")) {
    const rectify = program
      .command("rectify")
      .description(t("rectify.help.cmd"))
      .addHelpCommand(false)
      .addHelpText(
        "after",
        examples([
          "lookback rectify",
          "lookback rectify list --overdue",
          "lookback rectify list --unit 莲塘一小 --status 未整改,整改中 --json",
          "lookback rectify show 3f2a9c1e",
          'lookback rectify update 3f2a --status 已完成 --progress "已补齐" --by 张三',
          "lookback rectify update 3f2a --status 已销号 --by 王主任",
        ]),
      );
    rectify
      .command("walk", { isDefault: true })
      .description(t("rectify.help.walk"))
      .option("--unit <name>", t("rectify.help.unit"))
      .addHelpText("after", examples(["lookback rectify", "lookback rectify walk --unit 莲塘一小"]))
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/rectify.js");
          return m.runWalk(opts, ctx(cmd));
        }),
      );
    rectify
      .command("list")
      .description(t("rectify.help.list"))
      .option("--unit <name>", t("rectify.help.unit"))
      .option("--checklist <id>", t("rectify.help.checklist"))
      .addOption(statusOption("--status <status>", t("rectify.help.status"), { list: true }))
      .option("--open", t("rectify.help.open"))
      .option("--since <date>", t("rectify.help.since"))
      .option("--overdue", t("rectify.help.overdue"))
      .option("--owner <name>", t("rectify.help.owner"))
      .addOption(daysOption("--due-within <days>", t("rectify.help.dueWithin")))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback rectify list --overdue",
          "lookback rectify list --owner 张三 --due-within 7",
          "lookback rectify list --status done --json",
        ]),
      )
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/rectify.js");
          return m.runList(opts, ctx(cmd));
        }),
      );
    rectify
      .command("show")
      .description(t("rectify.help.show"))
      .argument("<id>", t("rectify.help.id"))
      .option("--json", t("help.opt.json"))
      .addHelpText("after", examples(["lookback rectify show 3f2a9c1e", "lookback rectify show 3f2a --json"]))
      .action(
        act(async (id: string, opts: unknown, cmd: Command) => {
          const m = await import("./commands/rectify.js");
          return m.runShow(id, opts, ctx(cmd));
        }),
      );
    rectify
      .command("update")
      .description(t("rectify.help.update"))
      .argument("<id>", t("rectify.help.id"))
      .addOption(
        statusOption("--status <status>", t("rectify.help.newStatus"), { list: false }).makeOptionMandatory(),
      )
      .option("--note <text>", t("rectify.help.note"))
      .option("--by <name>", t("rectify.help.by"))
      .option("--progress <text>", t("rectify.help.progress"))
      .option("--remark <text>", t("rectify.help.remark"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback rectify update 3f2a --status 整改中 --by 张三",
          'lookback rectify update 3f2a --status done --progress "已补齐台账" --by 张三',
          "lookback rectify update 3f2a --status closed --by 王主任",
          'lookback rectify update 3f2a --status in-progress --note "复查发现未落实"',
        ]),
      )
      .action(
        act(async (id: string, opts: unknown, cmd: Command) => {
          const m = await import("./commands/rectify.js");
          return m.runUpdate(id, opts, ctx(cmd));
        }),
      );
  }

  if (want("compare")) {
    program
      .command("compare")
      .description(t("compare.help.cmd"))
      .option("--unit <name>", t("compare.help.unit"))
      .option("--checklist <id>", t("compare.help.checklist"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback compare",
          "lookback compare --unit 莲塘一小",
          "lookback compare --checklist self-check --json",
        ]),
      )
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/compare.js");
          return m.run(opts, ctx(cmd));
        }),
      );
  }

  if (want("init")) {
    program
      .command("init")
      .description(t("init.help.cmd"))
      .argument("[dir]", t("init.help.dir"))
      .option("--force", t("init.help.force"))
      .addHelpText("after", examples(["lookback init 教体局清单", "lookback init . --force"]))
      .action(
        act(async (dir: string | undefined, opts: unknown, cmd: Command) => {
          const m = await import("./commands/init.js");
          return m.run(dir, opts, ctx(cmd));
        }),
      );
  }

  if (want("import")) {
    program
      .command("import")
      .description(t("help.cmd.import"))
      .argument("<file...>", t("help.arg.importFiles"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback import 莲塘一小.db 莲塘二小.db",
          "lookback --db 全县.db import 收到的数据库/",
          "lookback import schools/ --json",
        ]),
      )
      .action(
        act(async (files: string[], opts: unknown, cmd: Command) => {
          const m = await import("./commands/import.js");
          return m.run(files, opts, ctx(cmd));
        }),
      );
  }

  if (want("units")) {
    // `lookback units` alone lists the roster. Its --json is also read by the subcommands
    // (commander gives the parent an option typed after the subcommand name).
    const units = program
      .command("units")
      .description(t("help.cmd.units"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback units",
          "lookback units import 单位名册.xlsx",
          "lookback units add 莲塘一小 --code 3601210001 --township 莲塘镇 --type 小学",
        ]),
      )
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/units.js");
          return m.list(opts, ctx(cmd));
        }),
      );
    units
      .command("list")
      .description(t("help.cmd.units.list"))
      .option("--json", t("help.opt.json"))
      .addHelpText("after", examples(["lookback units list", "lookback units list --json"]))
      .action(
        act(async (_opts: unknown, cmd: Command) => {
          const m = await import("./commands/units.js");
          return m.list(cmd.optsWithGlobals(), ctx(cmd));
        }),
      );
    units
      .command("add")
      .description(t("help.cmd.units.add"))
      .argument("<name>", t("help.arg.unitName"))
      .option("--code <code>", t("help.opt.unitCode"))
      .option("--township <township>", t("help.opt.township"))
      .option("--type <type>", t("help.opt.unitType"))
      .option("--new-unit", t("help.opt.newUnitRoster"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples([
          "lookback units add 莲塘一小 --code 3601210001 --township 莲塘镇 --type 小学",
          "lookback units add 县教体局",
        ]),
      )
      .action(
        act(async (name: string, _opts: unknown, cmd: Command) => {
          const m = await import("./commands/units.js");
          return m.add(name, cmd.optsWithGlobals(), ctx(cmd));
        }),
      );
    units
      .command("import")
      .description(t("help.cmd.units.import"))
      .argument("<file>", t("help.arg.rosterFile"))
      .option("--new-unit", t("help.opt.newUnitRoster"))
      .option("--json", t("help.opt.json"))
      .addHelpText(
        "after",
        examples(["lookback units import 单位名册.xlsx", "lookback units import 单位名册.csv --json"]),
      )
      .action(
        act(async (file: string, _opts: unknown, cmd: Command) => {
          const m = await import("./commands/units.js");
          return m.importRoster(file, cmd.optsWithGlobals(), ctx(cmd));
        }),
      );
    units
      .command("rename")
      .description(t("help.cmd.units.rename"))
      .argument("<old>", t("help.arg.unitOld"))
      .argument("<new>", t("help.arg.unitNew"))
      .option("--json", t("help.opt.json"))
      .addHelpText("after", examples(["lookback units rename 莲塘一中 南昌县莲塘第一中学"]))
      .action(
        act(async (oldName: string, newName: string, _opts: unknown, cmd: Command) => {
          const m = await import("./commands/units.js");
          return m.rename(oldName, newName, cmd.optsWithGlobals(), ctx(cmd));
        }),
      );
    units
      .command("merge")
      .description(t("help.cmd.units.merge"))
      .argument("<from>", t("help.arg.unitFrom"))
      .argument("<into>", t("help.arg.unitInto"))
      .option("--json", t("help.opt.json"))
      .addHelpText("after", examples(["lookback units merge 南昌县莲塘一中 南昌县莲塘第一中学"]))
      .action(
        act(async (from: string, into: string, _opts: unknown, cmd: Command) => {
          const m = await import("./commands/units.js");
          return m.merge(from, into, cmd.optsWithGlobals(), ctx(cmd));
        }),
      );
  }

  if (want("export")) {
    program
      .command("export")
      .description(t("export.help.cmd"))
      .option("--unit <name...>", t("export.help.unit"))
      .option("--all", t("export.help.all"))
      .option("--checklist <id>", t("export.help.checklist"))
      .option("--out <dir>", t("export.help.out"))
      .addOption(choiceOption("--format <format>", t("export.help.format"), ["xlsx", "csv", "json"]))
      .option("--template <file>", t("export.help.template"))
      .option("--open", t("export.help.open"))
      .option("--since <date>", t("export.help.since"))
      .option("--force", t("export.help.force"))
      .addHelpText(
        "after",
        examples([
          "lookback export --unit 南昌县莲塘第一中学",
          "lookback export --all --out 台账/",
          "lookback export --all --format csv --force",
          "lookback export --all --template 我的台账模板.yaml",
          "lookback export --unit 南昌县莲塘第一中学 --open --since 2026-09-01",
        ]),
      )
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/export.js");
          return m.run(opts, ctx(cmd));
        }),
      );
  }

  if (want("report")) {
    program
      .command("report")
      .description(t("report.help.cmd"))
      .option("--unit <name...>", t("report.help.unit"))
      .option("--all", t("report.help.all"))
      .option("--township <name>", t("report.help.township"))
      .option("--checklist <id>", t("report.help.checklist"))
      .addOption(choiceOption("--format <format>", t("report.help.format"), ["docx", "html"]))
      .option("--out <dir>", t("report.help.out"))
      .option("--issue <n>", t("report.help.issue"))
      .option("--issuer <org>", t("report.help.issuer"))
      .option("--to <org...>", t("report.help.to"))
      .option("--cc <org...>", t("report.help.cc"))
      .option("--copies <n>", t("report.help.copies"))
      .option("--date <date>", t("report.help.date"))
      .option("--template <file>", t("report.help.template"))
      .addOption(choiceOption("--language <lang>", t("report.help.language"), ["zh", "zh-CN", "en"]))
      .option("--force", t("report.help.force"))
      .addHelpText(
        "after",
        examples([
          "lookback report --unit 南昌县莲塘第一中学 --issue 3",
          "lookback report --all --issue 5 --to 县委活动办 --cc 各乡镇中心学校",
          "lookback report --all --issuer 南昌县教体局活动办 --format html --out 简报/",
          "lookback report --township 莲塘镇 --date 2026-05-20",
          "lookback report --unit 莲塘一小 --template templates/report.yaml --force",
        ]),
      )
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/report.js");
          return m.run(opts, ctx(cmd));
        }),
      );
  }

  if (want("check")) {
    program
      .command("check")
      .description(t("check.help.cmd"))
      .option("--unit <name>", t("check.help.unit"))
      .option("--checklist <id>", t("check.help.checklist"))
      .option("--respondent <name>", t("check.help.respondent"))
      .option("--answers <file>", t("check.help.answers"))
      .option("--new", t("check.help.new"))
      .option("--new-unit", t("check.help.newUnit"))
      .addHelpText(
        "after",
        examples([
          "lookback check",
          "lookback check --unit 南昌县莲塘第一中学 --respondent 张老师",
          "lookback check --answers answers.yaml",
          "lookback check --unit 南昌县莲塘第一中学 --checklist self-check --new",
        ]),
      )
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/check.js");
          return m.run(opts, ctx(cmd));
        }),
      );
  }

  if (want("status")) {
    program
      .command("status")
      .description(t("status.help.cmd"))
      .option("--unit <name>", t("status.help.unit"))
      .option("--json", t("help.opt.json"))
      .addHelpText("after", examples(["lookback status", "lookback status --unit 南昌县莲塘第一中学 --json"]))
      .action(
        act(async (opts: unknown, cmd: Command) => {
          const m = await import("./commands/status.js");
          return m.run(opts, ctx(cmd));
        }),
      );
  }

  if (want("help")) {
    program
      .command("help")
      .description(t("help.cmd.help"))
      .argument("[topic]", t("help.arg.topic"))
      .addHelpText(
        "after",
        examples([
          "lookback help",
          "lookback help answers",
          "lookback help export > 导出说明.md",
          "lookback help check",
        ]),
      )
      .action(
        act(async (topic: string | undefined, _opts: unknown, cmd: Command) => {
          // `lookback help check` is `lookback check --help`.
          const command = program.commands.find((c) => c.name() === topic && c.name() !== "help");
          if (command) {
            command.outputHelp();
            return 0;
          }
          const m = await import("./commands/help.js");
          return m.run(
            topic,
            ctx(cmd),
            program.commands.filter((c) => c.name() !== "help").map((c) => c.name()),
          );
        }),
      );
  }
  return program;
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
      // Ctrl-C at a prompt: every answer already given is committed (§6); a check says what it kept.
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
