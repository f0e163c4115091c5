// Where the data lives: a SQLite file (the default, nothing to install) or a PostgreSQL server,
// chosen by --db, else LOOKBACK_DB, else ./lookback.db. A value that starts with postgres:// or
// postgresql:// is a server; anything else is a file path. Light on purpose: every command
// resolves its location at start-up, so nothing here loads a driver or reads a file.
//
// A server's location is shown to people (messages, logs, --json) only through
// describePostgres, which never includes a password: not the URL's, not PGPASSWORD's, not a
// password=… parameter.
import path from "node:path";

export type StoreLocation =
  | { readonly engine: "sqlite"; readonly file: string; readonly display: string }
  | {
      readonly engine: "postgres";
      /** The value as given, password and all: for the driver only, never to be shown. */
      readonly url: string;
      /** The same without any secret, for people. */
      readonly display: string;
    };

export const isPostgresUrl = (value: string): boolean => /^postgres(?:ql)?:\/\//i.test(value.trim());

/**
 * The parts of a postgres:// URL: user info, host[:port], database, parameters. The user info
 * ends at the LAST @, so that a password typed with an unencoded @, /, ? or # is taken whole as
 * the password (never shown as a host or a database name).
 */
export const POSTGRES_URL =
  /^postgres(?:ql)?:\/\/(?:(.*)@)?([^/?#@]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/is;

/** --db, else LOOKBACK_DB, else ./lookback.db (relative to cwd). */
export function storeLocation(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): StoreLocation {
  const value = flag ?? (env.LOOKBACK_DB || "lookback.db");
  if (isPostgresUrl(value)) {
    const url = value.trim();
    return { engine: "postgres", url, display: describePostgres(partsOfUrl(url)) };
  }
  const file = path.resolve(cwd, value);
  return { engine: "sqlite", file, display: file };
}

/** What a person is told about a server: user, host, port and database, never a password. */
export interface PostgresParts {
  user?: string | undefined;
  host?: string | undefined;
  port?: number | string | undefined;
  database?: string | undefined;
}

/** The one rendering of a server location for people: postgres://user@host:port/database. */
export function describePostgres(p: PostgresParts): string {
  const enc = (s: string) => encodeURIComponent(s);
  const user = p.user ? `${enc(p.user)}@` : "";
  let host = p.host ?? "";
  // A socket folder is written the way libpq reads it back (percent-encoded); IPv6 in brackets.
  if (host.startsWith("/")) host = enc(host);
  else if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
  const port = p.port !== undefined && p.port !== "" ? `:${p.port}` : "";
  const db = p.database ? `/${enc(p.database)}` : "";
  return `postgres://${user}${host}${port}${db}`;
}

/** The parts of a postgres:// URL that may be shown, as far as it can be read (never throws). */
export function partsOfUrl(url: string): PostgresParts {
  const m = POSTGRES_URL.exec(url.trim());
  if (!m) return {};
  const dec = (s: string | undefined): string | undefined => {
    if (s === undefined || s === "") return undefined;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const user = dec(m[1]?.split(":")[0]);
  const hostport = m[2] ?? "";
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport);
  let host = dec(hp?.[1]);
  if (host?.startsWith("[")) host = host.slice(1, -1);
  const query = new Map(
    (m[4] ?? "")
      .split("&")
      .filter(Boolean)
      .map((kv) => {
        const i = kv.indexOf("=");
        return [dec(i < 0 ? kv : kv.slice(0, i)) ?? "", dec(i < 0 ? "" : kv.slice(i + 1)) ?? ""] as const;
      }),
  );
  return {
    user: user ?? query.get("user"),
    host: host ?? query.get("host"),
    port: dec(hp?.[2]) ?? query.get("port"),
    database: dec(m[3]) ?? query.get("dbname"),
  };
}

/**
 * `text` with every secret in it replaced: for messages that quote what a server or a library
 * said, in case one of them repeats a password (plain or percent-encoded) or a URL holding one.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/(postgres(?:ql)?:\/\/[^:@/\s]*):\S*@/gi, "$1@");
  out = out.replace(/([?&]password=)[^&\s]*/gi, "$1***");
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("***");
  }
  return out;
}
