// From a postgres:// URL and the environment to what node-postgres needs, with libpq's rules,
// so that a bureau's usual settings work as they do for psql:
//   the URL's own values, then the service file's (service=… or PGSERVICE, in PGSERVICEFILE,
//   ~/.pg_service.conf or PGSYSCONFDIR/pg_service.conf), then PGHOST, PGPORT, PGUSER,
//   PGDATABASE, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT, PGSSLCERT, PGSSLKEY, PGCONNECT_TIMEOUT,
//   PGAPPNAME, PGOPTIONS, then the defaults (localhost, 5432, the login name, a database named
//   after the user); a password still missing is looked up in the password file (PGPASSFILE,
//   else ~/.pgpass, %APPDATA%\postgresql\pgpass.conf on Windows).
// node-postgres reads some of these itself, with other rules (PGSSLMODE=require there verifies the
// certificate, prefer refuses a server without TLS, the password file goes through a deprecated
// path that prints a warning): everything is resolved here and handed over explicitly.
// Not supported, and refused with a message: several hosts (host=a,b), and the libpq options
// that only make sense with them (target_session_attrs, load_balance_hosts).
import { readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describePostgres, POSTGRES_URL } from "../location.js";

export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";
const SSL_MODES: readonly SslMode[] = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/** TLS as node-postgres takes it (tls.connect options), or false. */
export type TlsOptions =
  | false
  | {
      rejectUnauthorized: boolean;
      ca?: string;
      cert?: string;
      key?: string;
      /** verify-ca: the chain is checked, the host name is not. */
      checkServerIdentity?: () => undefined;
    };

export interface PgTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string | undefined;
  sslMode: SslMode;
  /** What to try first, and (prefer / allow) what to fall back to. */
  tls: TlsOptions;
  fallbackTls: TlsOptions | undefined;
  connectTimeoutSeconds: number;
  applicationName: string;
  options: string | undefined;
  /** For people: postgres://user@host:port/database. */
  display: string;
  /** Every secret that must never be shown (the password). */
  secrets: string[];
}

/** A setting that cannot be used; `what` names it, never its value when it is secret. */
export class ConnectionSettingError extends Error {
  constructor(
    readonly reason: "url" | "severalHosts" | "sslMode" | "port" | "service" | "file" | "unsupported",
    readonly what: string,
  ) {
    super(`${reason}: ${what}`);
  }
}

type Params = Map<string, string>;

const dec = (s: string, what: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ConnectionSettingError("url", what);
  }
};

/** The libpq keywords a postgres:// URL holds (user, password, host, port, dbname, and ?params). */
export function parsePostgresUrl(url: string): Params {
  const m = POSTGRES_URL.exec(url.trim());
  if (!m) throw new ConnectionSettingError("url", "url");
  const out: Params = new Map();
  if (m[1] !== undefined) {
    const i = m[1].indexOf(":");
    const user = i < 0 ? m[1] : m[1].slice(0, i);
    if (user) out.set("user", dec(user, "user"));
    if (i >= 0) out.set("password", dec(m[1].slice(i + 1), "password"));
  }
  const hostport = m[2] ?? "";
  if (hostport.includes(",")) throw new ConnectionSettingError("severalHosts", "host");
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport);
  if (hp?.[1]) out.set("host", dec(hp[1].replace(/^\[(.*)\]$/, "$1"), "host"));
  if (hp?.[2]) out.set("port", dec(hp[2], "port"));
  if (m[3]) out.set("dbname", dec(m[3], "dbname"));
  for (const kv of (m[4] ?? "").split("&").filter(Boolean)) {
    const i = kv.indexOf("=");
    const key = dec(i < 0 ? kv : kv.slice(0, i), "parameter");
    out.set(key, dec(i < 0 ? "" : kv.slice(i + 1), key === "password" ? "password" : key));
  }
  return out;
}

/** The [name] section of a pg_service.conf: key=value lines, # comments. */
export function serviceSection(text: string, name: string): Params | undefined {
  let current: string | undefined;
  let found: Params | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const head = /^\[(.*)\]$/.exec(line);
    if (head) {
      current = head[1]?.trim();
      if (current === name) found ??= new Map();
      continue;
    }
    if (current !== name || !found) continue;
    const i = line.indexOf("=");
    if (i > 0) {
      const key = line.slice(0, i).trim();
      // The first value of a key wins, as in libpq.
      if (!found.has(key)) found.set(key, line.slice(i + 1).trim());
    }
  }
  return found;
}

/** One line of a password file: host:port:database:user:password, \ escapes, * for any. */
function passfileFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) cur += line[++i];
    else if (c === ":" && fields.length < 4) {
      fields.push(cur);
      cur = "";
    } else cur += c;
  }
  fields.push(cur);
  return fields.length === 5 ? fields : undefined;
}

/** The password for this connection in a password file's text, as libpq finds it. */
export function passfilePassword(
  text: string,
  t: { host: string; port: number; database: string; user: string },
): string | undefined {
  // A socket connection matches "localhost" (libpq's rule).
  const host = t.host.startsWith("/") ? "localhost" : t.host;
  const want = [host, String(t.port), t.database, t.user];
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    const f = passfileFields(raw);
    if (!f) continue;
    if (want.every((w, i) => f[i] === "*" || f[i] === w)) return f[4];
  }
  return undefined;
}

function readSmallFile(file: string, what: string): string {
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) throw new Error("not a small regular file");
    return readFileSync(file, "utf8");
  } catch {
    throw new ConnectionSettingError("file", what);
  }
}

function homeFile(env: NodeJS.ProcessEnv, unix: string, windows: string): string {
  if (process.platform === "win32") return path.join(env.APPDATA ?? os.homedir(), "postgresql", windows);
  return path.join(env.HOME ?? os.homedir(), unix);
}

function serviceParams(name: string, env: NodeJS.ProcessEnv): Params {
  const files = [
    env.PGSERVICEFILE ?? homeFile(env, ".pg_service.conf", ".pg_service.conf"),
    ...(env.PGSYSCONFDIR ? [path.join(env.PGSYSCONFDIR, "pg_service.conf")] : []),
  ];
  for (const file of files) {
    try {
      if (!statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    const section = serviceSection(readSmallFile(file, file), name);
    if (section) return section;
  }
  throw new ConnectionSettingError("service", name);
}

function passwordFromFile(
  env: NodeJS.ProcessEnv,
  given: string | undefined,
  t: { host: string; port: number; database: string; user: string },
): string | undefined {
  const file = given ?? env.PGPASSFILE ?? homeFile(env, ".pgpass", "pgpass.conf");
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  // libpq ignores a password file others may read.
  if (process.platform !== "win32" && (st.mode & 0o077) !== 0) return undefined;
  return passfilePassword(readSmallFile(file, file), t);
}

function tlsFor(mode: SslMode, files: { ca?: string; cert?: string; key?: string }): TlsOptions {
  if (mode === "disable" || mode === "allow") return false;
  const extra = {
    ...(files.ca !== undefined ? { ca: files.ca } : {}),
    ...(files.cert !== undefined ? { cert: files.cert } : {}),
    ...(files.key !== undefined ? { key: files.key } : {}),
  };
  // libpq's require with a root certificate given behaves as verify-ca.
  if (mode === "verify-full") return { rejectUnauthorized: true, ...extra };
  if (mode === "verify-ca" || (mode === "require" && files.ca !== undefined))
    return { rejectUnauthorized: true, checkServerIdentity: () => undefined, ...extra };
  return { rejectUnauthorized: false, ...extra };
}

/**
 * The libpq keywords lookback honours. Any other (target_session_attrs, hostaddr, gssencmode,
 * sslcrl, sslpassword, channel_binding, keepalives…) is refused by name rather than ignored:
 * a setting a bureau relies on, for its security above all, must not silently do nothing.
 */
const KNOWN = new Set([
  "host",
  "port",
  "user",
  "password",
  "dbname",
  "passfile",
  "service",
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "connect_timeout",
  "application_name",
  "fallback_application_name",
  "options",
]);

/** Everything needed to connect, with libpq's order: URL, service file, environment, defaults. */
export function resolvePgTarget(url: string, env: NodeJS.ProcessEnv = process.env): PgTarget {
  const fromUrl = parsePostgresUrl(url);
  const serviceName = fromUrl.get("service") ?? env.PGSERVICE;
  const fromService = serviceName ? serviceParams(serviceName, env) : new Map<string, string>();
  const ENV: Record<string, string> = {
    host: "PGHOST",
    port: "PGPORT",
    user: "PGUSER",
    dbname: "PGDATABASE",
    password: "PGPASSWORD",
    sslmode: "PGSSLMODE",
    sslrootcert: "PGSSLROOTCERT",
    sslcert: "PGSSLCERT",
    sslkey: "PGSSLKEY",
    connect_timeout: "PGCONNECT_TIMEOUT",
    application_name: "PGAPPNAME",
    options: "PGOPTIONS",
    passfile: "PGPASSFILE",
  };
  const get = (key: string): string | undefined => {
    const v = fromUrl.get(key) ?? fromService.get(key) ?? (ENV[key] ? env[ENV[key]] : undefined);
    return v === "" ? undefined : v;
  };
  for (const key of [...fromUrl.keys(), ...fromService.keys()])
    if (!KNOWN.has(key)) throw new ConnectionSettingError("unsupported", key);
  const host = get("host") ?? "localhost";
  if (host.includes(",")) throw new ConnectionSettingError("severalHosts", "host");
  const portText = get("port") ?? "5432";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new ConnectionSettingError("port", portText);
  const user = get("user") ?? (env.USER || env.USERNAME || os.userInfo().username);
  const database = get("dbname") ?? user;
  const modeText = get("sslmode") ?? "prefer";
  if (!SSL_MODES.includes(modeText as SslMode)) throw new ConnectionSettingError("sslMode", modeText);
  const sslMode = modeText as SslMode;
  const file = (key: string) => {
    const f = get(key);
    return f === undefined ? undefined : readSmallFile(f, key);
  };
  const files = {
    ...(get("sslrootcert") !== undefined ? { ca: file("sslrootcert") } : {}),
    ...(get("sslcert") !== undefined ? { cert: file("sslcert") } : {}),
    ...(get("sslkey") !== undefined ? { key: file("sslkey") } : {}),
  } as { ca?: string; cert?: string; key?: string };
  const tls = sslMode === "allow" ? false : tlsFor(sslMode, files);
  const fallbackTls =
    sslMode === "prefer" ? false : sslMode === "allow" ? tlsFor("require", files) : undefined;
  const password = get("password") ?? passwordFromFile(env, get("passfile"), { host, port, database, user });
  const timeout = Number(get("connect_timeout") ?? "10");
  return {
    host,
    port,
    user,
    database,
    password,
    sslMode,
    tls,
    fallbackTls,
    // libpq: 0 waits for ever; here at most ten minutes, so that a command always ends.
    connectTimeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, 600) : 600,
    applicationName: get("application_name") ?? get("fallback_application_name") ?? "lookback",
    options: get("options"),
    display: describePostgres({ user, host, port, database }),
    secrets: password ? [password] : [],
  };
}
