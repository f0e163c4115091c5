// What every command receives: where to write, in which language, with which colours,
// and the global options (§6). Tests build one with captured streams.
import path from "node:path";
import type { Lang } from "./i18n/index.js";
import { colorEnabled, type Palette, palette } from "./util/color.js";

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface GlobalOptions {
  db?: string;
  checklists?: string;
  lang?: string;
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
  /** Absolute path of the SQLite file: --db, else LOOKBACK_DB, else ./lookback.db. */
  dbPath: string;
  checklistsDir?: string;
}

export function makeContext(
  opts: GlobalOptions,
  lang: Lang,
  io: { stdout: OutStream; stderr: OutStream; stdinIsTTY: boolean; env: NodeJS.ProcessEnv; cwd: string },
): Context {
  const noColor = opts.color === false;
  const dbPath = path.resolve(io.cwd, opts.db ?? (io.env.LOOKBACK_DB || "lookback.db"));
  return {
    lang,
    cwd: io.cwd,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    interactive: io.stdinIsTTY && io.stdout.isTTY === true,
    out: palette(colorEnabled(io.stdout, { noColor, env: io.env })),
    err: palette(colorEnabled(io.stderr, { noColor, env: io.env })),
    dbPath,
    ...(opts.checklists ? { checklistsDir: opts.checklists } : {}),
  };
}
