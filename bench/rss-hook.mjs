// Preloaded into a child (`node --import ./bench/rss-hook.mjs …`) by the export bench: on exit
// the child writes its peak resident set size (KiB) and CPU time (µs) to $LOOKBACK_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";

const file = process.env.LOOKBACK_BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime }));
  });
}
