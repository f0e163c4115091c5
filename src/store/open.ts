// Opening the store: the one place that turns a location (--db, LOOKBACK_DB) into a Store, and
// the one policy for a database that does not exist. A postgres:// or postgresql:// URL is a
// PostgreSQL server (its driver, and the pg library under it, are loaded only then); anything
// else is a SQLite file.
import { LookbackError } from "../errors.js";
import { t } from "../i18n/index.js";
import { type DriverOpenOptions, engineOf, type OpenDriver } from "./driver.js";
import { describePostgres, partsOfUrl } from "./location.js";
import type { Store } from "./port.js";
import { SqlStore } from "./sql/store.js";
import { openSqliteDriver } from "./sqlite/driver.js";

export type StoreOpenOptions = DriverOpenOptions;

/**
 * The store at `location`. intent "read": a database that does not exist is refused
 * (db.missing, exit 2) and never created, one that cannot be written is read; intent "write":
 * created when missing (refused like "read" with mustExist), and migrated to this version.
 * Identity is checked first: a foreign or newer database is refused untouched.
 */
export async function openStore(location: string, opts: StoreOpenOptions): Promise<Store> {
  const open = engineOf(location) === "postgres" ? await postgresDriver(location) : openSqliteDriver;
  return new SqlStore(await open(location, opts));
}

/** The PostgreSQL driver, loaded on first use (pg costs start-up time SQLite users need not pay). */
async function postgresDriver(location: string): Promise<OpenDriver> {
  try {
    return (await import("./pg/driver.js")).openPostgresDriver;
  } catch (e) {
    // An installation without the pg library: say so, never show the URL's password.
    if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw e;
    const shown = describePostgres(partsOfUrl(location));
    throw new LookbackError("store.noPostgres", t("store.noPostgres", { location: shown }), {
      exitCode: 2,
      hint: t("store.noPostgres.hint"),
      cause: e,
    });
  }
}
