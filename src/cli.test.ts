// main() defines only the command the words name; these tests hold that shortcut to the
// full program: the same commands, found the same way.
import { describe, expect, it } from "vitest";
import { runMain } from "../test/helpers/main.js";
import { COMMANDS, invokedCommand } from "./cli.js";

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runMain(argv, { LOOKBACK_LANG: "en", NO_COLOR: "1" });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe("invokedCommand", () => {
  it.each([
    [["validate", "a.yaml"], "validate"],
    [["--db", "x.db", "export", "--all"], "export"],
    [["--db=x.db", "--lang", "en", "rectify", "list"], "rectify"],
    [["--no-color", "units", "add", "x"], "units"],
    [["--checklists", "validate", "list"], "list"], // `validate` is the folder here
    [[], undefined],
    [["--help"], undefined],
    [["-V"], undefined],
    [["valdate"], undefined],
    [["--", "validate"], undefined],
  ] as const)("%j → %s", (argv, expected) => {
    expect(invokedCommand(argv)).toBe(expected);
  });
});

describe("main", () => {
  it("lists exactly COMMANDS in `--help`", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    const section = /\nCommands:\n([\s\S]*?)(?:\n\n|$)/.exec(out)?.[1] ?? "";
    const names = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    expect(names).toEqual([...COMMANDS]);
  });

  it("names an unknown command and the one likely meant (exit 2)", async () => {
    const typo = await run(["--db", "x.db", "valdate", "a.yaml"]);
    expect(typo.code).toBe(2);
    expect(typo.err).toBe("error: Unknown command `valdate`.\nhint: Did you mean `lookback validate`?\n");
    const stranger = await run(["xyzzy"]);
    expect(stranger.code).toBe(2);
    expect(stranger.err).toBe(
      "error: Unknown command `xyzzy`.\nhint: Run `lookback --help` to see the commands.\n",
    );
  });

  it.each(COMMANDS)("defines `%s` on its own with its help", async (name) => {
    const { code, out } = await run([name, "--help"]);
    expect(code).toBe(0);
    expect(out).toContain(`Usage: lookback ${name}`);
  });
});
