// Connection settings as libpq reads them: the URL, then the service file, then PG* variables,
// then the defaults; the password file; sslmode; and a location for people without the password.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { describePostgres, partsOfUrl, redact, storeLocation } from "../location.js";
import { ConnectionSettingError, parsePostgresUrl, passfilePassword, resolvePgTarget } from "./connection.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-pgconn-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An environment with only what a test gives (and a home without a password file). */
const env = (more: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: dir, USER: "clerk", ...more });

const settingError = (fn: () => unknown): ConnectionSettingError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConnectionSettingError) return e;
    throw e;
  }
  throw new Error("expected a ConnectionSettingError");
};

describe("the URL", () => {
  test("user, percent-encoded password, host, port, database and parameters", () => {
    const p = parsePostgresUrl(
      "postgresql://bureau%40county:p%40ss%2Fw:rd@127.0.0.1:5433/lookback?sslmode=disable",
    );
    expect(Object.fromEntries(p)).toEqual({
      user: "bureau@county",
      password: "p@ss/w:rd",
      host: "127.0.0.1",
      port: "5433",
      dbname: "lookback",
      sslmode: "disable",
    });
  });

  test("an IPv6 address in brackets; a socket folder as host=", () => {
    expect(parsePostgresUrl("postgres://[::1]:5432/x").get("host")).toBe("::1");
    expect(parsePostgresUrl("postgres:///x?host=%2Fvar%2Frun%2Fpostgresql").get("host")).toBe(
      "/var/run/postgresql",
    );
  });

  test("several hosts are refused", () => {
    expect(settingError(() => parsePostgresUrl("postgres://a:5432,b:5432/x")).reason).toBe("severalHosts");
  });

  test("a setting lookback does not honour is refused by name, never ignored", () => {
    for (const key of ["target_session_attrs", "sslcrl", "sslpassword", "keepalives"]) {
      const e = settingError(() => resolvePgTarget(`postgres://h/x?${key}=1`, env()));
      expect([e.reason, e.what]).toEqual(["unsupported", key]);
    }
    expect(resolvePgTarget("postgres://h/x?fallback_application_name=ci", env()).applicationName).toBe("ci");
  });
});

describe("libpq's order: URL, service file, environment, defaults", () => {
  test("defaults: localhost, 5432, the login name, a database named after the user, sslmode prefer", () => {
    const t = resolvePgTarget("postgres://", env());
    expect(t).toMatchObject({
      host: "localhost",
      port: 5432,
      user: "clerk",
      database: "clerk",
      sslMode: "prefer",
    });
    expect(t.tls).toEqual({ rejectUnauthorized: false });
    expect(t.fallbackTls).toBe(false);
    expect(t.password).toBeUndefined();
  });

  test("PG* variables fill what the URL leaves out, and never override it", () => {
    const vars = env({
      PGHOST: "127.0.0.1",
      PGPORT: "6543",
      PGUSER: "officer",
      PGDATABASE: "county",
      PGPASSWORD: "pw",
    });
    expect(resolvePgTarget("postgres://", vars)).toMatchObject({
      host: "127.0.0.1",
      port: 6543,
      user: "officer",
      database: "county",
      password: "pw",
    });
    expect(resolvePgTarget("postgres://root@localhost:5432/lb", vars)).toMatchObject({
      host: "localhost",
      port: 5432,
      user: "root",
      database: "lb",
      password: "pw",
    });
  });

  test("a service file's section comes between the URL and the environment", () => {
    const file = path.join(dir, "services.conf");
    writeFileSync(
      file,
      "# county\n[county]\nhost=127.0.0.1\nport=7000\ndbname=lookback\nuser=svc\n\n[other]\nport=1\n",
    );
    const t = resolvePgTarget(
      "postgres://?service=county&port=7001",
      env({ PGSERVICEFILE: file, PGUSER: "envuser" }),
    );
    expect(t).toMatchObject({ host: "127.0.0.1", port: 7001, database: "lookback", user: "svc" });
    const viaEnv = resolvePgTarget("postgres://", env({ PGSERVICEFILE: file, PGSERVICE: "county" }));
    expect(viaEnv.port).toBe(7000);
    expect(
      settingError(() => resolvePgTarget("postgres://?service=nope", env({ PGSERVICEFILE: file }))).reason,
    ).toBe("service");
  });

  test("a port that is not a port, an sslmode that is not one: refused with what was given", () => {
    expect(settingError(() => resolvePgTarget("postgres://h:99999/x", env())).what).toBe("99999");
    expect(settingError(() => resolvePgTarget("postgres://h/x", env({ PGSSLMODE: "always" }))).reason).toBe(
      "sslMode",
    );
  });

  test("connect_timeout: seconds, 0 meaning at most ten minutes", () => {
    expect(resolvePgTarget("postgres://h/x?connect_timeout=3", env()).connectTimeoutSeconds).toBe(3);
    expect(resolvePgTarget("postgres://h/x", env({ PGCONNECT_TIMEOUT: "0" })).connectTimeoutSeconds).toBe(
      600,
    );
  });
});

describe("sslmode as libpq means it", () => {
  const tls = (mode: string, more: Record<string, string> = {}) =>
    resolvePgTarget(`postgres://h/x?sslmode=${mode}`, env(more));

  test("disable: no TLS; allow: none first, TLS if the server wants it; prefer: TLS first, none if not offered", () => {
    expect([tls("disable").tls, tls("disable").fallbackTls]).toEqual([false, undefined]);
    expect(tls("allow").tls).toBe(false);
    expect(tls("allow").fallbackTls).toEqual({ rejectUnauthorized: false });
    expect([tls("prefer").tls, tls("prefer").fallbackTls]).toEqual([{ rejectUnauthorized: false }, false]);
  });

  test("require encrypts without checking the certificate (unless a root certificate is given)", () => {
    expect(tls("require").tls).toEqual({ rejectUnauthorized: false });
    const ca = path.join(dir, "root.crt");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\n");
    const withCa = tls("require", { PGSSLROOTCERT: ca }).tls;
    expect(withCa).toMatchObject({ rejectUnauthorized: true, ca: "-----BEGIN CERTIFICATE-----\n" });
  });

  test("verify-ca checks the chain, not the host name; verify-full checks both", () => {
    const ca = tls("verify-ca").tls;
    expect(ca ? ca.rejectUnauthorized : undefined).toBe(true);
    expect(ca ? typeof ca.checkServerIdentity : undefined).toBe("function");
    const full = tls("verify-full").tls;
    expect(full).toEqual({ rejectUnauthorized: true });
  });

  test("a certificate file that cannot be read is named", () => {
    const e = settingError(() => tls("verify-full", { PGSSLROOTCERT: path.join(dir, "missing.crt") }));
    expect([e.reason, e.what]).toEqual(["file", "sslrootcert"]);
  });
});

describe("the password file", () => {
  test("host:port:database:user:password lines, * for any, \\ escapes; the first match wins", () => {
    const text =
      "# comment\nother:5432:*:*:no\n127.0.0.1:5432:lookback:clerk:p\\:w\\\\d\n*:*:*:clerk:later\n";
    const t = { host: "127.0.0.1", port: 5432, database: "lookback", user: "clerk" };
    expect(passfilePassword(text, t)).toBe("p:w\\d");
    expect(passfilePassword(text, { ...t, database: "other" })).toBe("later");
    expect(passfilePassword(text, { ...t, user: "nobody" })).toBeUndefined();
  });

  test("~/.pgpass (or PGPASSFILE) is read only when others may not read it; a given password wins", () => {
    const file = path.join(dir, ".pgpass");
    writeFileSync(file, "localhost:5432:lb:clerk:from-file\n");
    chmodSync(file, 0o644);
    expect(resolvePgTarget("postgres://localhost/lb", env()).password).toBeUndefined();
    chmodSync(file, 0o600);
    expect(resolvePgTarget("postgres://localhost/lb", env()).password).toBe("from-file");
    expect(resolvePgTarget("postgres://localhost/lb", env({ PGPASSWORD: "env" })).password).toBe("env");
    const other = path.join(dir, "pass");
    writeFileSync(other, "*:*:*:*:other\n", { mode: 0o600 });
    expect(resolvePgTarget("postgres://localhost/lb", env({ PGPASSFILE: other })).password).toBe("other");
  });
});

describe("a location shown to people never holds a password", () => {
  const SECRET = "Zh@ng/san:1?#";

  test("the URL's password, percent-encoded or not, and password= parameters", () => {
    for (const url of [
      `postgres://clerk:${encodeURIComponent(SECRET)}@127.0.0.1:5432/county`,
      `postgres://clerk:${SECRET}@127.0.0.1:5432/county`,
      `postgres://clerk@127.0.0.1:5432/county?password=${encodeURIComponent(SECRET)}`,
    ]) {
      const shown = storeLocation(url, {}, dir).display;
      expect(shown).not.toContain("san");
      expect(shown).toMatch(/^postgres:\/\/clerk@127\.0\.0\.1:5432\/county/);
    }
  });

  test("resolvePgTarget's display leaves PGPASSWORD out, and lists it as a secret", () => {
    const t = resolvePgTarget("postgres://clerk@127.0.0.1/county", env({ PGPASSWORD: SECRET }));
    expect(t.display).toBe("postgres://clerk@127.0.0.1:5432/county");
    expect(t.secrets).toEqual([SECRET]);
  });

  test("describePostgres writes IPv6 hosts in brackets and socket folders encoded", () => {
    expect(describePostgres({ user: "a", host: "::1", port: 5432, database: "d" })).toBe(
      "postgres://a@[::1]:5432/d",
    );
    expect(describePostgres({ host: "/run/pg", database: "d" })).toBe("postgres://%2Frun%2Fpg/d");
    expect(partsOfUrl("not a url")).toEqual({});
  });

  test("redact takes secrets out of a server's or library's words", () => {
    const said = `failed for postgres://clerk:${SECRET}@h/db (password=${encodeURIComponent(SECRET)}) ${SECRET}`;
    const out = redact(said, [SECRET]);
    expect(out).not.toContain("san");
    expect(out).toContain("postgres://clerk@");
  });

  test("anything else is a SQLite file, resolved from the working folder", () => {
    expect(storeLocation(undefined, { LOOKBACK_DB: "data/x.db" }, dir)).toEqual({
      engine: "sqlite",
      file: path.join(dir, "data/x.db"),
      display: path.join(dir, "data/x.db"),
    });
    expect(storeLocation("POSTGRESQL://h/x", {}, dir).engine).toBe("postgres");
  });
});
