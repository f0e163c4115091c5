// Colour as command-line tools agree on: off for a stream that is not a terminal, when NO_COLOR
// is set (to anything), when TERM=dumb, or with --no-color.
// Six SGR styles are all the CLI uses; writing them here rather than loading chalk keeps
// every command's start-up (and `--version`) lean, and NO_COLOR is decided by us anyway.

export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function colorEnabled(
  stream: { isTTY?: boolean },
  opts: { noColor?: boolean; env?: NodeJS.ProcessEnv } = {},
): boolean {
  const env = opts.env ?? process.env;
  if (opts.noColor) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  // FORCE_COLOR (as chalk and Node read it) makes a pipe coloured; empty, 0 or false does not.
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  return stream.isTTY === true;
}

/**
 * A style that survives nesting: an inner close code (e.g. the 39 that ends a green word
 * inside a red line) re-opens the outer style, as chalk does.
 */
function style(open: number, close: number): (s: string) => string {
  const o = `\u001b[${open}m`;
  const c = `\u001b[${close}m`;
  return (s: string) => (s === "" ? s : `${o}${s.replaceAll(c, `${c}${o}`)}${c}`);
}

const plain = (s: string) => s;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, green: plain, cyan: plain, dim: plain, bold: plain };
  return {
    red: style(31, 39),
    yellow: style(33, 39),
    green: style(32, 39),
    cyan: style(36, 39),
    dim: style(2, 22),
    bold: style(1, 22),
  };
}
