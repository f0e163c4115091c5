// Colour per clig.dev: off for non-TTY streams, NO_COLOR, TERM=dumb or --no-color.
// chalk alone ignores NO_COLOR, so we decide the level ourselves.
import type { WriteStream } from "node:tty";
import { Chalk } from "chalk";

export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function colorEnabled(
  stream: { isTTY?: boolean } | WriteStream,
  opts: { noColor?: boolean; env?: NodeJS.ProcessEnv } = {},
): boolean {
  const env = opts.env ?? process.env;
  if (opts.noColor) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

export function palette(enabled: boolean): Palette {
  const c = new Chalk({ level: enabled ? 1 : 0 });
  return { red: c.red, yellow: c.yellow, green: c.green, cyan: c.cyan, dim: c.dim, bold: c.bold };
}
