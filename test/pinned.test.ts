// Where lookback relies on what a dependency does not promise (members it keeps private), the
// dependency is pinned to one exact version in package.json, and this file checks that those
// members are still there and behave as they are used. An upgrade that moves one fails here,
// naming it, rather than somewhere deep in the usage-error or export tests.
// - commander: src/cli/usage.ts overrides the methods commander calls on each kind of mistake.
// - exceljs: src/ledger/xlsx.ts gives the streaming writer its own zip and part streams.
// - Node 20: bin/compile-cache.js compiles lib/ in place of Module.prototype._compile (Node 22
//   and later have a public API for this, used instead).
import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { Command } from "commander";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(".");
const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};
const installed = (name: string): string =>
  (
    JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

describe.each(["commander", "exceljs"])("%s", (name) => {
  it("is pinned to one exact version, the one installed", () => {
    const wanted = manifest.dependencies[name];
    expect(wanted, `package.json must pin ${name} exactly (no ^ or ~)`).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed(name)).toBe(wanted);
  });
});

describe("commander's members that src/cli/usage.ts overrides", () => {
  const methods = [
    "missingArgument",
    "optionMissingArgument",
    "missingMandatoryOptionValue",
    "unknownOption",
    "unknownCommand",
    "_excessArguments",
    "_callParseArg",
  ];

  it.each(methods)("Command.prototype.%s is a method", (method) => {
    expect(typeof (Command.prototype as unknown as Record<string, unknown>)[method]).toBe("function");
  });

  it("keeps the default subcommand's name in _defaultCommandName", () => {
    const group = new Command("group");
    group.command("walk", { isDefault: true });
    expect((group as unknown as { _defaultCommandName?: string })._defaultCommandName).toBe("walk");
  });

  it("calls _callParseArg for an option's value and _excessArguments for a word too many", () => {
    const calls: string[] = [];
    class Probe extends Command {
      _callParseArg(_target: unknown, value: string): unknown {
        calls.push(`parse ${value}`);
        return value;
      }
      _excessArguments(received: string[]): void {
        calls.push(`excess ${received.join(" ")}`);
      }
    }
    const probe = new Probe("probe").exitOverride().allowExcessArguments(false);
    probe.option("--days <n>", "", (v: string) => v).action(() => {});
    probe.parse(["--days", "7", "extra"], { from: "user" });
    expect(calls).toEqual(["parse 7", "excess extra"]);
  });
});

describe("exceljs's members that src/ledger/xlsx.ts replaces", () => {
  it("assigns its zip in the constructor, opens each sheet with _openStream, ends with finalize", async () => {
    const assigned: unknown[] = [];
    const opened: string[] = [];
    const appended: string[] = [];
    let out: Writable | undefined;
    const zip = {
      append: (_source: unknown, data: { name: string }) => appended.push(data.name),
      pipe: (stream: Writable) => {
        out = stream;
      },
      finalize: () => out?.end(),
      on: () => {},
    };
    class Probe extends ExcelJS.stream.xlsx.WorkbookWriter {
      get zip(): typeof zip {
        return zip;
      }
      set zip(archiver: unknown) {
        assigned.push(archiver);
      }
      _openStream(name: string): EventEmitter {
        opened.push(name);
        const stream = new EventEmitter();
        Object.assign(stream, { write: () => true, pause: () => {}, end: () => stream.emit("finish") });
        zip.append(stream, { name });
        stream.on("finish", () => stream.emit("zipped"));
        return stream;
      }
    }
    const sink = new Writable({ write: (_chunk, _enc, done) => done() });
    const wb = new Probe({ stream: sink, useStyles: true, useSharedStrings: true });
    expect(assigned, "the constructor no longer assigns this.zip").toHaveLength(1);
    wb.addWorksheet("一").addRow(["x"]).commit();
    await wb.commit();
    expect(opened, "sheets are no longer opened with _openStream").toContain("/xl/worksheets/sheet1.xml");
    expect(appended).toEqual(expect.arrayContaining(["xl/styles.xml", "[Content_Types].xml"]));
  });
});

describe("Node's Module.prototype._compile (bin/compile-cache.js on Node 20)", () => {
  const publicApi = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === "function";

  it.skipIf(publicApi)("is a method of (content, filename, …) that the loader calls for each file", () => {
    type Compile = (content: string, filename: string, ...rest: unknown[]) => unknown;
    const proto = Module.prototype as unknown as { _compile: Compile };
    expect(typeof proto._compile).toBe("function");
    expect(proto._compile.length).toBeGreaterThanOrEqual(2);
    const dir = mkdtempSync(path.join(tmpdir(), "lookback-compile-"));
    const file = path.join(dir, "probe.cjs");
    writeFileSync(file, "module.exports = 6 * 7;");
    const seen: string[] = [];
    const original = proto._compile;
    proto._compile = function (content, filename, ...rest) {
      seen.push(filename);
      expect(content).toBe("module.exports = 6 * 7;");
      return original.call(this, content, filename, ...rest);
    };
    try {
      expect(Module.createRequire(file)(file)).toBe(42);
    } finally {
      proto._compile = original;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(seen).toEqual([file]);
  });
});
