// What went wrong with a PostgreSQL server, in words: unreachable, refused login, no such
// database, TLS, rights, a lock held too long, a connection lost mid-way. Each is a LookbackError
// with exit code 2 and a hint. Whatever the server or the network library said is quoted only
// after every secret has been taken out of it, and the original error is never kept as the cause
// (LOOKBACK_DEBUG prints causes, and a driver error may carry its connection settings).
import { LookbackError } from "../../errors.js";
import { type MessageKey, t } from "../../i18n/index.js";
import { busyTimeoutMs } from "../environment.js";
import { redact } from "../location.js";
import { ConnectionSettingError, type PgTarget } from "./connection.js";
import { isStalePlan } from "./statements.js";

/** Thrown by the password callback when the server asks for a password and none was given. */
export class PasswordNeeded extends Error {
  constructor() {
    super("the server asks for a password and none was given");
  }
}

type Who = Pick<PgTarget, "display" | "user" | "database" | "secrets" | "sslMode">;

const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "ENOENT",
  "EACCES",
]);

type Kind =
  | "unreachable"
  | "timeout"
  | "auth"
  | "passwordNeeded"
  | "noDatabase"
  | "noTls"
  | "tls"
  | "privilege"
  | "busy"
  | "lost"
  | "readonly"
  | "diskFull"
  | "unavailable"
  | "noSchema"
  | "changed"
  | "other";

/** SQLSTATE classes and codes (PostgreSQL appendix A) that have their own message. */
function kindOfState(code: string): Kind | undefined {
  if (code === "28P01" || code === "28000") return "auth";
  if (code === "3D000") return "noDatabase";
  if (code === "42501") return "privilege";
  if (code === "3F000") return "noSchema";
  if (code === "55P03") return "busy";
  if (code === "25006") return "readonly";
  if (code === "53100") return "diskFull";
  if (code === "53300" || code === "57P03" || code === "57P01" || code === "57P02") return "unavailable";
  if (code.startsWith("08")) return "lost";
  return undefined;
}

function kindOf(e: unknown): Kind {
  if (e instanceof PasswordNeeded) return "passwordNeeded";
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === "string" ? err.code : "";
  const message = typeof err.message === "string" ? err.message : "";
  if (isStalePlan(e)) return "changed";
  const state = /^[0-9A-Z]{5}$/.test(code) ? kindOfState(code) : undefined;
  if (state) return state;
  if (/password must be a string/i.test(message)) return "passwordNeeded";
  if (/does not support SSL/i.test(message)) return "noTls";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code)) return "tls";
  if (/connection timeout|timeout expired/i.test(message)) return "timeout";
  if (NETWORK.has(code)) return "unreachable";
  if (
    /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error/i.test(
      message,
    )
  )
    return "lost";
  return "other";
}

/** The driver's own words, without a secret, trimmed to one line. */
export function reasonOf(e: unknown, secrets: readonly string[]): string {
  const err = e as { message?: unknown; code?: unknown };
  let text = typeof err.message === "string" && err.message !== "" ? err.message : String(e);
  // AggregateError (several addresses of localhost): the first reason is the telling one.
  const inner = (e as { errors?: unknown[] }).errors?.[0] as { message?: unknown } | undefined;
  if (text === "" && typeof inner?.message === "string") text = inner.message;
  const one = text.split("\n")[0] ?? text;
  return redact(one.length > 300 ? `${one.slice(0, 300)}…` : one, secrets);
}

/** The one error a person sees for a failure on the server `who` (exit code 2). */
export function pgError(e: unknown, who: Who): LookbackError {
  if (e instanceof LookbackError) return e;
  if (e instanceof ConnectionSettingError) return settingError(e, who.display);
  const kind = kindOf(e);
  const key = `store.pg.${kind}` as MessageKey;
  const params = {
    location: who.display,
    user: who.user,
    database: who.database,
    mode: who.sslMode,
    seconds: busyTimeoutMs() / 1000,
    reason: reasonOf(e, who.secrets),
  };
  return new LookbackError(key, t(key, params), {
    exitCode: 2,
    hint: t(`${key}.hint` as MessageKey, params),
  });
}

/**
 * The error a person sees when what failed was the machine (the network, the server, a login, a
 * lock held too long), or undefined when the statement itself was refused (a broken constraint,
 * an SQL error): those are passed on as the driver's own error.
 */
export function machineError(e: unknown, who: Who): LookbackError | undefined {
  if (e instanceof LookbackError || e instanceof ConnectionSettingError) return pgError(e, who);
  return kindOf(e) === "other" ? undefined : pgError(e, who);
}

/** A URL or setting that cannot be used, named without its value when it is secret. */
export function settingError(e: ConnectionSettingError, location: string): LookbackError {
  const key = `store.pg.setting.${e.reason}` as MessageKey;
  const params = { location, what: e.reason === "url" || e.what === "password" ? "" : e.what };
  return new LookbackError(key, t(key, params), { exitCode: 2, hint: t("store.pg.setting.hint", params) });
}

/**
 * Worth running the transaction again (nothing was kept): a deadlock, a serialization failure,
 * or a prepared statement made stale by another process changing the tables (the rerun is on a
 * new connection).
 */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === "40P01" || code === "40001" || isStalePlan(e);
}
