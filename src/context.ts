// What every command receives: where to write, in which language, with which colours,
// and the global options (--db, --checklists, --lang, --no-color). Tests build one with
// captured streams.
import type { Lang } from "./i18n/index.js";
import { storeLocation } from "./store/location.js";
import { colorEnabled, type Palette, palette } from "./util/color.js";

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the context is made from: the global options (declared in src/commands/index.ts). */
export interface ContextOptions {
  db?: string;
  checklists?: string;
  /** False with --no-color. */
  color?: boolean;
}

export interface Context {
  lang: Lang;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: OutStream;
  stderr: OutStream;
  /** True when stdin and stdout are both terminals: prompts are possible. */
  interactive: boolean;
  out: Palette;
  err: Palette;
  /** Display columns that output should fit in: the terminal's, else $COLUMNS, else 80. */
  width: number;
  /**
   * --db, else LOOKBACK_DB, else ./lookback.db: the absolute path of the SQLite file, or a
   * postgres:// URL as given, password and all: for opening it, never to show.
   */
  dbPath: string;
  /** The same for people (messages, --json, the guide): the file, or the URL without its password. */
  dbShown: string;
  dbEngine: "sqlite" | "postgres";
  checklistsDir?: string;
}

/**
 * The width to lay output out for: a terminal's own width; elsewhere (a pipe, a file) $COLUMNS
 * when it is set, else 80 columns, so that what is saved or pasted reads the same.
 */
export function outputWidth(stream: OutStream, env: NodeJS.ProcessEnv): number {
  if (stream.isTTY === true && typeof stream.columns === "number" && stream.columns > 0)
    return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv >= 20 && fromEnv <= 1000 ? fromEnv : 80;
}

export function makeContext(
  opts: ContextOptions,
  lang: Lang,
  io: { stdout: OutStream; stderr: OutStream; stdinIsTTY: boolean; env: NodeJS.ProcessEnv; cwd: string },
): Context {
  const noColor = opts.color === false;
  // A server URL is passed on as given; a file is made absolute.
  const db = storeLocation(opts.db, io.env, io.cwd);
  const dbPath = db.engine === "sqlite" ? db.file : db.url;
  return {
    lang,
    cwd: io.cwd,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    interactive: io.stdinIsTTY && io.stdout.isTTY === true,
    out: palette(colorEnabled(io.stdout, { noColor, env: io.env })),
    err: palette(colorEnabled(io.stderr, { noColor, env: io.env })),
    width: outputWidth(io.stdout, io.env),
    dbPath,
    dbShown: db.display,
    dbEngine: db.engine,
    ...(opts.checklists ? { checklistsDir: opts.checklists } : {}),
  };
}
