// The built CLI as a child process on one database, as a user runs it: a fixed language, no
// colour, a wide terminal unless told, and nothing of the developer's LOOKBACK_DB.
import { spawnSync } from "node:child_process";
import path from "node:path";

const BIN = path.resolve("bin/lookback.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function lookbackOn(db: () => string, cwd: () => string, columns = "200") {
  return (args: string[], lang = "en"): CliRun => {
    const r = spawnSync(process.execPath, [BIN, "--db", db(), ...args], {
      cwd: cwd(),
      encoding: "utf8",
      env: { ...process.env, LOOKBACK_LANG: lang, NO_COLOR: "1", LOOKBACK_DB: "", COLUMNS: columns },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}
