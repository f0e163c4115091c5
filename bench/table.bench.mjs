// Tables at province scale: `rectify list` of tens of thousands of rows goes through the table
// renderer, which measures every cell once and fits the columns to the terminal.
//
// 1. Linear: 100,000 rows against ten times 10,000 rows (same columns, same kind of text,
//    80 columns wide so that cells are cut). Quadratic would be 10×; the garbage collector of
//    a 100,000-row heap and a shared machine make 1× wobble, so the target is ≤ 2×.
// 2. The width of a cell: our displayWidth against string-width on the same 200,000 strings
//    (unit names, problems, ids, dates; mostly CJK). Target ≤ 0.3×.
//
// In process, on the compiled dist/; the median of 5 runs each.
import path from "node:path";
import { figure, median, root } from "./util.mjs";

export const name = "table";

const dist = (rel) => import(path.join(root, "dist", rel));

function rows(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push([
      (0x10000000 + i * 7919).toString(16).slice(0, 8),
      `南昌县第${i % 300}中心小学`,
      `six-checks.planning@书记${i % 7}`,
      `学习形式以集中学习为主，缺少专题研讨和实地学习（第 ${i} 条）`,
      i % 3 ? "刘主任" : "王校长",
      "2026-12-31",
      i % 5 ? "未整改" : "整改中",
      i % 11 ? "" : `逾期 ${i % 30} 天`,
    ]);
  }
  return out;
}

function time(fn, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

export async function run() {
  const { renderTable } = await dist("util/table.js");
  const { displayWidth } = await dist("util/width.js");
  const { default: stringWidth } = await import("string-width");
  const columns = [
    { header: "ID", fixed: true, keep: 10 },
    { header: "Unit", keep: 4, min: 10, cut: "middle" },
    { header: "Item", keep: 2, min: 10, cut: "middle", optional: true },
    { header: "Problem", keep: 6, min: 16 },
    { header: "Owner", keep: 5, min: 6 },
    { header: "Deadline", fixed: true, keep: 7 },
    { header: "Status", fixed: true, keep: 9 },
    { header: "Late", fixed: true, keep: 8 },
  ];
  const small = rows(10_000);
  const large = rows(100_000);
  const render = (r) => renderTable(columns, r, { width: 80 });
  render(small);
  const tenSmall = time(() => {
    for (let i = 0; i < 10; i++) render(small);
  });
  const oneLarge = time(() => render(large));

  const cells = large.flatMap((r) => [r[1], r[3], r[0], r[5]]).slice(0, 200_000);
  const sum = (f) => () => {
    let n = 0;
    for (const c of cells) n += f(c);
    return n;
  };
  if (sum(displayWidth)() !== sum(stringWidth)()) throw new Error("displayWidth and string-width disagree");
  const ours = time(sum(displayWidth));
  const theirs = time(sum(stringWidth), 3);
  return [
    figure("renderTable: 100,000 rows vs 10 × 10,000 rows", oneLarge, tenSmall, "ms", 2),
    figure("displayWidth vs string-width (200,000 cells)", ours, theirs, "ms", 0.3),
  ];
}
