// Which database this is, and bringing it to this version: what PRAGMA application_id and
// user_version do for a SQLite file, the meta table does here (application = lookback,
// schema_version = the number of migration steps applied). In the schema the connection works in
// (current_schema(): public, unless search_path says otherwise):
// - no table at all: a new database, created by a writing command; a reading one is refused;
// - tables, but no lookback marker: another application's database, refused untouched;
// - a schema version above this lookback's: refused untouched;
// - below: the missing steps of migrations.ts, in one transaction, under an advisory lock so that
//   two processes never migrate at once (the second finds the work done once it gets the lock).
import { LookbackError } from "../../errors.js";
import { type MessageKey, t } from "../../i18n/index.js";
import { nearGroupOf, unitKey } from "../../units/identity.js";
import type { DriverOpenOptions, DriverTx, Queryable } from "../driver.js";
import { SINCE_NEAR_GROUP, stepSql, steps } from "../migrations.js";
import type { PgDriver } from "./driver.js";

export const APPLICATION = "lookback";
export const SCHEMA_VERSION = steps.length;
/** pg_advisory_xact_lock(LOCK_CLASS, LOCK_MIGRATE): "LKBK", then what is locked. */
const LOCK_CLASS = 0x4c4b424b;
const LOCK_MIGRATE = 1;

interface Identity {
  tables: number;
  application: string | null;
  version: number | null;
}

/** What the current schema holds, without writing; null when no schema is usable. */
async function inspect(q: Queryable): Promise<Identity | null> {
  const row = await q.get<{ schema: string | null; tables: number; meta: number }>(
    `SELECT current_schema() AS schema,
            (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) AS tables,
            (SELECT count(*) FROM pg_catalog.pg_attribute a
              WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.meta')
                AND a.attname IN ('key', 'value') AND NOT a.attisdropped) AS meta`,
  );
  if (!row || row.schema === null) return null;
  if (row.meta < 2) return { tables: row.tables, application: null, version: null };
  const meta = await q.all<{ key: string; value: string }>(
    "SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')",
  );
  const value = (key: string) => meta.find((m) => m.key === key)?.value ?? null;
  const version = Number(value("schema_version"));
  return {
    tables: row.tables,
    application: value("application"),
    version: Number.isInteger(version) ? version : null,
  };
}

function refusal(key: MessageKey, code: string, params: Record<string, string | number>): LookbackError {
  return new LookbackError(code, t(key, params), {
    exitCode: 2,
    hint: t(`${key}.hint` as MessageKey, params),
  });
}

/** Refuses a database lookback must not touch; true when it needs migrating (or creating). */
function judge(id: Identity | null, location: string): { fresh: boolean; from: number } {
  if (id === null)
    throw refusal("store.pg.noSchema", "store.pg.noSchema", { location, reason: "search_path" });
  if (id.tables === 0) return { fresh: true, from: 0 };
  if (id.application !== APPLICATION || id.version === null)
    throw refusal("store.pg.foreign", "store.foreign", { location });
  if (id.version > SCHEMA_VERSION)
    throw refusal("store.pg.newer", "store.newer", { location, theirs: id.version, ours: SCHEMA_VERSION });
  return { fresh: false, from: id.version };
}

/** Identity first, then the migrations this database lacks. */
export async function prepareSchema(driver: PgDriver, opts: DriverOpenOptions): Promise<void> {
  const location = driver.location;
  const { fresh, from } = judge(await inspect(driver), location);
  // Reading, or changing what must already be there: an empty database is refused, never set up.
  if (fresh && (opts.intent === "read" || opts.mustExist))
    throw refusal("store.pg.empty", "db.missing", { location });
  if (from >= SCHEMA_VERSION) return;
  await driver.once("committed", "write", (tx) => migrate(tx, location));
}

/** The near group of units stored before it existed (the step is SQL; the folding is not). */
async function fillNearGroups(tx: DriverTx): Promise<void> {
  const missing = await tx.all<{ id: string; name: string; name_key: string | null }>(
    "SELECT id, name, name_key FROM units WHERE near_group IS NULL",
  );
  // 500 units a statement: a province's 30,000 one at a time took 10 s of round trips.
  for (let i = 0; i < missing.length; i += 500) {
    const page = missing.slice(i, i + 500);
    await tx.run(
      `UPDATE units AS u SET name_key = v.k, near_group = v.g
       FROM (VALUES ${page.map(() => "(?, ?, ?)").join(", ")}) AS v(id, k, g) WHERE u.id = v.id`,
      page.flatMap((u) => {
        const key = u.name_key ?? unitKey(u.name);
        return [u.id, key, nearGroupOf(key)];
      }),
    );
  }
}

async function migrate(tx: DriverTx, location: string): Promise<void> {
  await tx.get("SELECT pg_advisory_xact_lock(?, ?) AS locked", [LOCK_CLASS, LOCK_MIGRATE]);
  // Read again under the lock (each statement sees what others committed): another process may
  // have created or migrated the database meanwhile.
  const { from } = judge(await inspect(tx), location);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = steps[v];
    if (step !== undefined) await tx.run(stepSql(step, "postgres"));
  }
  if (from === SCHEMA_VERSION) return;
  if (from < SINCE_NEAR_GROUP) await fillNearGroups(tx);
  const put =
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  await tx.run(put, ["application", APPLICATION]);
  await tx.run(put, ["schema_version", String(SCHEMA_VERSION)]);
}
