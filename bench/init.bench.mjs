// First contact and `init`: the guide must cost no more than starting the CLI (it opens no
// SQLite), `init` (which packs lookback into tools/) must stay a small multiple of start-up,
// and the tarball it packs must be no bigger than the one `npm pack` makes of the same files.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bin, figure, root, timeCommand } from "./util.mjs";

export const name = "init";

export async function run() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-bench-init-"));
  try {
    const env = { LOOKBACK_LANG: "en", NO_COLOR: "1", LOOKBACK_DB: path.join(tmp, "none.db") };
    const startup = timeCommand(process.execPath, [bin, "--version"], { env, cwd: tmp });
    const guide = timeCommand(process.execPath, [bin], { env, cwd: tmp });
    // --force: every round writes the whole repository again into the same folder.
    const init = timeCommand(process.execPath, [bin, "init", path.join(tmp, "repo"), "--force"], {
      env,
      cwd: tmp,
      n: 9,
    });

    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const out = execFileSync(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
      cwd: root,
      encoding: "utf8",
      shell: process.platform === "win32",
    });
    const [packed] = JSON.parse(out);
    const npmSize = statSync(path.join(tmp, packed.filename)).size;
    const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
    const ourSize = statSync(path.join(tmp, "repo", "tools", `lookback-${version}.tgz`)).size;

    return [
      figure("`lookback` (the guide) vs `lookback --version`", guide, startup, "ms", 1.3),
      figure("`lookback init DIR --force` vs `lookback --version`", init, startup, "ms", 3),
      figure("tools/lookback-*.tgz packed by init vs `npm pack`", ourSize / 1024, npmSize / 1024, "KB", 1.1),
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
