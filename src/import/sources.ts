// Which files `lookback import` reads: named files, and every *.db in a named folder
// (a bureau drops the folder the schools' files were collected in).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { usageError } from "../errors.js";
import { sameFile } from "./source.js";

export interface Source {
  /** Absolute path. */
  file: string;
  /** As the user will recognise it: the argument, or folder/name. */
  display: string;
}

export interface Sources {
  sources: Source[];
  /** The target database found inside a named folder: left out, not an error. */
  skippedTarget: string[];
}

const DB_EXT = /\.db$/i;

/** Expand arguments; a missing path or a folder without *.db is a usage error (nothing imported). */
export function expandSources(args: readonly string[], cwd: string, target: string): Sources {
  const sources: Source[] = [];
  const skippedTarget: string[] = [];
  // By device and inode: the same file named twice (or through a link) is read once.
  const keys = new Set<string>();
  const seen = (file: string) => {
    const st = statSync(file);
    const key = `${st.dev}:${st.ino}`;
    if (keys.has(key)) return true;
    keys.add(key);
    return false;
  };
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    if (!existsSync(abs))
      throw usageError("error.pathMissing", { path: arg, cwd }, { hintKey: "error.pathMissing.hint" });
    if (!statSync(abs).isDirectory()) {
      if (!seen(abs)) sources.push({ file: abs, display: arg });
      continue;
    }
    const names = readdirSync(abs, { withFileTypes: true })
      .filter((e) => e.isFile() && DB_EXT.test(e.name))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) throw usageError("import.noDb", { path: arg }, { hintKey: "import.noDb.hint" });
    for (const name of names) {
      const file = path.join(abs, name);
      const display = path.join(arg, name);
      if (sameFile(file, target)) skippedTarget.push(display);
      else if (!seen(file)) sources.push({ file, display });
    }
  }
  return { sources, skippedTarget };
}
