// Colour as command-line tools agree on: NO_COLOR, TERM=dumb, a non-TTY stream and --no-color
// each turn it off.
import { describe, expect, it } from "vitest";
import { colorEnabled, palette } from "./color.js";

const tty = { isTTY: true };

describe("colorEnabled", () => {
  it("is on for a terminal with a plain environment", () => {
    expect(colorEnabled(tty, { env: {} })).toBe(true);
  });

  it("is off for a stream that is not a terminal", () => {
    expect(colorEnabled({ isTTY: false }, { env: {} })).toBe(false);
    expect(colorEnabled({}, { env: {} })).toBe(false);
  });

  it("is off with NO_COLOR set to anything non-empty, even with FORCE_COLOR", () => {
    expect(colorEnabled(tty, { env: { NO_COLOR: "1" } })).toBe(false);
    expect(colorEnabled(tty, { env: { NO_COLOR: "0" } })).toBe(false);
    expect(colorEnabled(tty, { env: { NO_COLOR: "1", FORCE_COLOR: "1" } })).toBe(false);
    expect(colorEnabled(tty, { env: { NO_COLOR: "" } })).toBe(true);
  });

  it("is off with TERM=dumb", () => {
    expect(colorEnabled(tty, { env: { TERM: "dumb" } })).toBe(false);
  });

  it("is off with --no-color", () => {
    expect(colorEnabled(tty, { env: {}, noColor: true })).toBe(false);
  });

  it("can be forced on for a pipe with FORCE_COLOR", () => {
    expect(colorEnabled({ isTTY: false }, { env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { env: { FORCE_COLOR: "0" } })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { env: { FORCE_COLOR: "false" } })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { env: { FORCE_COLOR: "" } })).toBe(false);
  });
});

describe("palette", () => {
  it("adds nothing when colour is off", () => {
    const c = palette(false);
    expect(c.red(c.bold("x"))).toBe("x");
  });

  it("wraps text in SGR codes and re-opens an outer colour after a nested one", () => {
    const c = palette(true);
    expect(c.red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(c.red(`a ${c.green("b")} c`)).toBe("\u001b[31ma \u001b[32mb\u001b[39m\u001b[31m c\u001b[39m");
    expect(c.bold("")).toBe("");
  });
});
