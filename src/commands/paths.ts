// Paths as the commands that write files show and take them: shown relative to the working
// folder when inside it, and a file (a --template, an answers file) that is not there refused
// before anything is read.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";

/** How a path is shown in messages: relative to the working folder when it is inside it. */
export function displayPath(ctx: Pick<Context, "cwd">): (file: string) => string {
  return (f) => {
    const r = path.relative(ctx.cwd, f);
    return r && !r.startsWith("..") && !path.isAbsolute(r) ? r : f;
  };
}

/** The absolute path of a file named on the command line; exit 2, naming it, when there is none. */
export function existingPath(ctx: Pick<Context, "cwd">, given: string): string {
  const file = path.resolve(ctx.cwd, given);
  if (!existsSync(file)) {
    throw usageError(
      "error.pathMissing",
      { path: given, cwd: ctx.cwd },
      { hintKey: "error.pathMissing.hint" },
    );
  }
  return file;
}

/** The absolute path of a --template option, or undefined for the built-in one; exit 2 when it does not exist. */
export function templatePath(ctx: Pick<Context, "cwd">, given: string | undefined): string | undefined {
  return given === undefined ? undefined : existingPath(ctx, given);
}
