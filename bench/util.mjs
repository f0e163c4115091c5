// Shared timing helpers for the bench files.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const bin = path.join(root, "bin", "lookback.js");

/**
 * Scratch databases on the bench's PostgreSQL server (LOOKBACK_TEST_PG) for the `what` figures,
 * or null, said on stderr, when no server is set. `create(prefix)` makes one and returns its URL;
 * `dropAll()` drops every one made (call it in a finally).
 */
export function benchServer(what) {
  const server = process.env.LOOKBACK_TEST_PG;
  if (!server) {
    process.stderr.write(
      `bench: ${what} postgres: skipped (LOOKBACK_TEST_PG is not set; scripts/pg-server.sh start)\n`,
    );
    return null;
  }
  const pg = createRequire(path.join(root, "package.json"))("pg");
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const made = [];
  return {
    async create(prefix) {
      const name = `${prefix}_${randomBytes(4).toString("hex")}`;
      await admin(`CREATE DATABASE ${name}`);
      made.push(name);
      const url = new URL(server);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll() {
      for (const name of made.splice(0))
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    },
  };
}

/** Median wall time in ms of running a command `n` times (after one warm-up). */
export function timeCommand(cmd, args, { n = 15, env = {}, cwd = root } = {}) {
  const opts = { cwd, env: { ...process.env, ...env }, stdio: "ignore" };
  spawnSync(cmd, args, opts);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, opts);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.error) throw r.error;
  }
  return median(times);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function figure(figure, ours, baseline, unit, targetRatio, targetText) {
  const ratio = ours / baseline;
  return {
    figure,
    ours: round(ours),
    baseline: round(baseline),
    unit,
    ratio,
    target: targetText ?? `≤ ${targetRatio}×`,
    ok: ratio <= targetRatio,
  };
}
