// openStore: the one way a command gets a store, whatever the engine, and the one policy for a
// database that does not exist.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LookbackError } from "../errors.js";
import { openStore } from "./open.js";
import { rejection } from "./testing.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-open-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("openStore", () => {
  it("a SQLite path: read refuses a missing file and creates nothing; write creates it, folder and all", async () => {
    const file = path.join(dir, "sub", "county.db");
    expect(await rejection(openStore(file, { intent: "read" }))).toMatchObject({
      code: "db.missing",
      exitCode: 2,
    });
    expect(existsSync(path.dirname(file))).toBe(false);
    const store = await openStore(file, { intent: "write" });
    try {
      expect(store.engine).toBe("sqlite");
      expect(store.location).toBe(file);
      await store.ensureUnit("莲塘一小");
    } finally {
      await store.close();
    }
    const reader = await openStore(file, { intent: "read" });
    try {
      expect((await reader.listUnits()).map((u) => u.name)).toEqual(["莲塘一小"]);
    } finally {
      await reader.close();
    }
  });

  it("a postgres:// URL goes to the PostgreSQL driver; what it says never holds the password", async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const e = await rejection(openStore("postgres://clerk:s3cret-pw@127.0.0.1:1/county", { intent: "read" }));
    expect(e).toBeInstanceOf(LookbackError);
    const shown = `${(e as LookbackError).message} ${(e as LookbackError).hint ?? ""}`;
    expect(shown).toContain("127.0.0.1");
    expect(shown).not.toContain("s3cret-pw");
  });
});
