// The briefing's libraries, loaded on first use: `docx` (~35 ms to load) writes Word files,
// with native Word charts; ECharts (~40 ms bundled) draws the web page's charts as SVG.
// No other command loads them. Synchronous require() rather than import(): the bundle may
// not contain import()s of its own (scripts/bundle.mjs), and docx ships CommonJS.
import { createRequire } from "node:module";

// scripts/bundle.mjs replaces this name with the path of its one-file copy of ECharts, cut to
// the charts the briefing draws (lib/vendor/echarts.cjs); from dist/ and in tests it is
// undefined and the whole library comes from node_modules (a development dependency).
declare const __LOOKBACK_VENDOR_ECHARTS__: string | undefined;

export type DocxLibrary = typeof import("docx");
export type DocxCharts = typeof import("docx/charts");

/** The part of ECharts the page uses: server-side rendering to an SVG string. */
export interface EchartsLibrary {
  init(
    dom: null,
    theme: null,
    opts: { renderer: "svg"; ssr: true; width: number; height: number },
  ): { setOption(option: object): void; renderToSVGString(): string; dispose(): void };
}

const load = createRequire(import.meta.url);
let docx: { lib: DocxLibrary; charts: DocxCharts } | undefined;
let echarts: EchartsLibrary | undefined;

export function docxLib(): { lib: DocxLibrary; charts: DocxCharts } {
  docx ??= { lib: load("docx") as DocxLibrary, charts: load("docx/charts") as DocxCharts };
  return docx;
}

export function echartsLib(): EchartsLibrary {
  if (!echarts) {
    const id = typeof __LOOKBACK_VENDOR_ECHARTS__ === "string" ? __LOOKBACK_VENDOR_ECHARTS__ : "echarts";
    echarts = load(id) as EchartsLibrary;
  }
  return echarts;
}
