// Shared timing helpers for the bench files.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const bin = path.join(root, "bin", "lookback.js");

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
