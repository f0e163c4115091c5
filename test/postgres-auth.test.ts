// What a real server asks of a client, on the built CLI: a login that must give its password
// (scram-sha-256), and one the server lets in over TLS only, with the certificate checked as
// sslmode says. scripts/pg-server.sh makes both logins' rules (pg_hba.conf) and a CA of its own
// (LOOKBACK_TEST_PG_CA); against a server without them, these tests are skipped, saying why.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { admin, NO_PG, PG_SKIP, TEST_PG } from "./helpers/pg.js";

const BIN = path.resolve("bin/lookback.js");
const EXAMPLE = path.resolve("docs/answers-example.yaml");
const CA = process.env.LOOKBACK_TEST_PG_CA || undefined;
const PASSWORD = `Pw-${randomBytes(6).toString("hex")}/@:`;
const dir = mkdtempSync(path.join(tmpdir(), "lookback-pg-auth-"));
const databases: string[] = [];

/** A login role and a database it owns; the role is the server's (pg_hba.conf names it). */
async function loginWithDatabase(role: string, password: string | null): Promise<string> {
  const exists = await admin<{ n: number }>("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1", [
    role,
  ]);
  const pw = password === null ? "PASSWORD NULL" : `PASSWORD '${password.replaceAll("'", "''")}'`;
  await admin(`${exists[0]?.n ? "ALTER" : "CREATE"} ROLE ${role} LOGIN ${pw}`);
  const name = `lb_auth_${randomBytes(5).toString("hex")}`;
  await admin(`CREATE DATABASE ${name} OWNER ${role}`);
  databases.push(name);
  return name;
}

/** Whether the server asks this role for its password (a server trusting loopback does not). */
async function asksPassword(url: string): Promise<boolean> {
  const u = new URL(url);
  u.password = "not-the-password";
  const client = new pg.Client({ connectionString: u.toString() });
  try {
    await client.connect();
    return false;
  } catch (e) {
    // 28P01: the server checked the password and refused it.
    return (e as { code?: string }).code === "28P01";
  } finally {
    // Also after a failure: a socket left half-way through the login holds the database (DROP
    // waits for the server's authentication timeout).
    await client.end().catch(() => {});
  }
}

afterAll(async () => {
  for (const name of databases) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
});

function lookback(db: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, "--db", db, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      NO_COLOR: "1",
      LOOKBACK_LANG: "en",
      LOOKBACK_DB: "",
      PGPASSWORD: "",
      PGSSLMODE: "",
      PGSSLROOTCERT: "",
      PGPASSFILE: path.join(dir, "no-such-pgpass"),
      ...env,
    },
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, stderr: r.stderr };
}

const server = TEST_PG ? new URL(TEST_PG) : null;
const at = (role: string, database: string, query = "", password = "") =>
  `postgres://${role}${password ? `:${encodeURIComponent(password)}` : ""}@${server?.host}/${database}${query}`;

const pwDb = NO_PG ? null : await loginWithDatabase("lookback_pw", PASSWORD);
const PW_SKIP = NO_PG
  ? PG_SKIP
  : (await asksPassword(at("lookback_pw", pwDb!)))
    ? ""
    : "skipped: the server lets lookback_pw in without a password (start it with scripts/pg-server.sh)";

describe.skipIf(PW_SKIP !== "")(`a login that needs its password ${PW_SKIP}`, () => {
  it("a wrong password: refused, exit 2, saying what to check; the password typed is never shown", () => {
    for (const env of [{}, { LOOKBACK_DEBUG: "1" }]) {
      const r = lookback(at("lookback_pw", pwDb!, "", "wrong-Pw-123"), ["check", "--answers", EXAMPLE], env);
      expect(r.code, r.out).toBe(2);
      expect(r.stderr).toContain(`refused the login of lookback_pw`);
      expect(r.stderr).toContain("PGPASSWORD");
      expect(r.out).not.toContain("wrong-Pw-123");
    }
  });

  it("the right password in the URL, in PGPASSWORD or in a password file: the check is stored", () => {
    const pgpass = path.join(dir, "pgpass");
    writeFileSync(
      pgpass,
      `${server!.hostname}:${server!.port}:${pwDb}:lookback_pw:${PASSWORD.replaceAll(":", "\\:")}\n`,
    );
    chmodSync(pgpass, 0o600);
    const first = lookback(at("lookback_pw", pwDb!, "", PASSWORD), ["check", "--answers", EXAMPLE]);
    expect(first.code, first.out).toBe(0);
    expect(first.out).not.toContain(PASSWORD);
    for (const env of [{ PGPASSWORD: PASSWORD }, { PGPASSFILE: pgpass }]) {
      const r = lookback(at("lookback_pw", pwDb!), ["status", "--json"], env);
      expect(r.code, r.out).toBe(0);
      expect(JSON.parse(r.out.trim()).runs[0].unit.name).toBe("南昌县莲塘第一中学");
    }
  });
});

const tlsDb = NO_PG || !CA ? null : await loginWithDatabase("lookback_tls", null);
const TLS_SKIP = NO_PG
  ? PG_SKIP
  : CA
    ? ""
    : "skipped: LOOKBACK_TEST_PG_CA is not set (scripts/pg-server.sh sets it when openssl is present)";

describe.skipIf(TLS_SKIP !== "")(`a login the server lets in over TLS only ${TLS_SKIP}`, () => {
  it("verify-full with the server's CA stores the check; require and the default (prefer) connect too", () => {
    const full = lookback(
      at("lookback_tls", tlsDb!, "?sslmode=verify-full"),
      ["check", "--answers", EXAMPLE],
      {
        PGSSLROOTCERT: CA,
      },
    );
    expect(full.code, full.out).toBe(0);
    for (const query of ["?sslmode=require", ""]) {
      const r = lookback(at("lookback_tls", tlsDb!, query), ["status", "--json"]);
      expect(r.code, r.out).toBe(0);
      expect(JSON.parse(r.out.trim()).runs).toHaveLength(1);
    }
  });

  it("sslmode=disable is refused by the server; a certificate that does not check out is refused by lookback", () => {
    const plain = lookback(at("lookback_tls", tlsDb!, "?sslmode=disable"), ["status"]);
    expect(plain.code, plain.out).toBe(2);
    expect(plain.stderr).toContain("no encryption");
    const otherCa = path.join(dir, "other-ca.crt");
    const made = spawnSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=someone else",
      "-keyout",
      path.join(dir, "other-ca.key"),
      "-out",
      otherCa,
    ]);
    expect(made.status).toBe(0);
    const wrongCa = lookback(at("lookback_tls", tlsDb!, `?sslmode=verify-full&sslrootcert=${otherCa}`), [
      "status",
    ]);
    expect(wrongCa.code, wrongCa.out).toBe(2);
    expect(wrongCa.stderr).toMatch(
      /The TLS connection to the PostgreSQL server at postgres:\/\/lookback_tls@/,
    );
    expect(wrongCa.stderr).toContain("sslrootcert");
    // The certificate names 127.0.0.1: verify-full to another name for the same server is refused.
    const byName = at("lookback_tls", tlsDb!, "?sslmode=verify-full").replace("127.0.0.1", "localhost");
    const wrongHost = lookback(byName, ["status"], { PGSSLROOTCERT: CA });
    expect(wrongHost.code, wrongHost.out).toBe(2);
    expect(wrongHost.stderr).toContain("localhost");
    // verify-ca checks the signature only: the same name is let in.
    const caOnly = lookback(byName.replace("verify-full", "verify-ca"), ["status"], { PGSSLROOTCERT: CA });
    expect(caOnly.code, caOnly.out).toBe(0);
  });
});
