#!/usr/bin/env node
// Bundle the compiled CLI (dist/, from tsc) into lib/: one file for the start-up path and one
// chunk per lazily imported command. Start-up reads a handful of files instead of ~200
// modules (`lookback validate` ~18% faster, `npm run bench` startup figures).
// The heavy or native packages stay external and load only in the commands that need them.
// lib/ sits one level below the package root, like dist/, so paths.ts and version.ts
// (`new URL("..", import.meta.url)`) resolve the same in both.
//
// The chunks are then turned into CommonJS (lib/package.json says so): Node 20 can load
// CommonJS with a V8 code cache (bin/compile-cache.js), which ES modules cannot have before
// Node 22, and a run then skips most of the compiling — the largest cost left in `validate`.
// The packages are bundled as they are published: nothing of theirs is rewritten.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, transform } from "esbuild";

/**
 * The message catalogs as JSON read on first use (lib/i18n/<lang>.json) instead of code: a run
 * needs one language, and compiling both catalogs cost every command a few ms. Replaces
 * dist/i18n/catalogs.js, whose TypeScript source says the same for dist/ and the tests.
 */
const jsonCatalogs = {
  name: "json-catalogs",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]i18n[\\/]catalogs\.js$/ }, () => ({
      contents: [
        'import { createRequire } from "node:module";',
        "const load = createRequire(import.meta.url);",
        "const cache = {};",
        'export function catalogFor(lang) { return (cache[lang] ??= load("./i18n/" + lang + ".json")); }',
      ].join("\n"),
      loader: "js",
    }));
  },
};

/**
 * One ES module chunk as CommonJS: `import.meta.url` from __filename, and the chunks' own
 * dynamic imports as require(). The packages' stay imports (@inquirer is ES modules only),
 * made by bin/lookback.js's `__lookbackImport`: V8 cannot keep a vm.Script's import()
 * callback in a code cache, so code compiled by bin/compile-cache.js must not call import().
 */
async function toCommonJs(esm, file) {
  const out = await transform(esm, {
    format: "cjs",
    platform: "node",
    target: "node20",
    minifySyntax: true,
    minifyWhitespace: true,
    define: { "import.meta.url": "__lookbackUrl" },
    banner: "const __lookbackUrl=require('node:url').pathToFileURL(__filename).href;",
    logLevel: "warning",
    sourcefile: file,
  });
  const code = out.code
    .replace(/\bimport\("(\.\/[\w-]+\.js)"\)/g, 'Promise.resolve().then(()=>require("$1"))')
    .replace(/\bimport\(("[@\w/.-]+")\)/g, "(globalThis.__lookbackImport??(s=>import(s)))($1)");
  if (/\bimport\s*\(/.test(code.replaceAll("s=>import(s)", ""))) {
    throw new Error(`${file}: an import() in a form this script does not rewrite`);
  }
  return code;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "lib");
rmSync(outdir, { recursive: true, force: true });
const esm = await build({
  entryPoints: [path.join(root, "dist", "cli.js")],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  external: [
    "better-sqlite3",
    "exceljs",
    "@inquirer/confirm",
    "@inquirer/input",
    "@inquirer/select",
    "cli-progress",
  ],
  // src/yaml/lib.ts loads the `yaml` library only when a file needs it, synchronously, with
  // require(): point it at the one-file copy built below (~13 ms to load, ~40 ms from node_modules).
  define: {
    __LOOKBACK_VENDOR_YAML__: JSON.stringify("./vendor/yaml.cjs"),
    __LOOKBACK_VENDOR_ECHARTS__: JSON.stringify("./vendor/echarts.cjs"),
  },
  plugins: [jsonCatalogs],
  write: false,
  logLevel: "warning",
});
mkdirSync(outdir, { recursive: true });
for (const file of esm.outputFiles) {
  writeFileSync(file.path, await toCommonJs(file.text, path.relative(root, file.path)));
}
// The catalogs json-catalogs reads, from the compiled modules (the one source of the texts).
mkdirSync(path.join(outdir, "i18n"), { recursive: true });
const { catalogFor } = await import(pathToFileURL(path.join(root, "dist", "i18n", "catalogs.js")).href);
for (const lang of ["en", "zh-CN"]) {
  writeFileSync(path.join(outdir, "i18n", `${lang}.json`), JSON.stringify(catalogFor(lang)));
}

await build({
  entryPoints: ["yaml"],
  outfile: path.join(outdir, "vendor", "yaml.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "warning",
});

// ECharts for the briefing's web page (src/report/libs.ts): a development dependency, cut here
// to the charts and components the page draws and the SVG renderer (~0.55 MB instead of the
// 60 MB package), with its licence and notice (Apache-2.0; ZRender, BSD-3-Clause) beside it.
await build({
  stdin: {
    contents: [
      'import * as echarts from "echarts/core";',
      'import { BarChart, PieChart } from "echarts/charts";',
      'import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";',
      'import { SVGRenderer } from "echarts/renderers";',
      "echarts.use([BarChart, PieChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);",
      "export const init = echarts.init;",
    ].join("\n"),
    resolveDir: root,
    loader: "js",
  },
  outfile: path.join(outdir, "vendor", "echarts.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
const licence = (pkg, files) =>
  files.map((f) => readFileSync(path.join(root, "node_modules", pkg, f), "utf8")).join("\n");
writeFileSync(
  path.join(outdir, "vendor", "echarts.LICENSE.txt"),
  [licence("echarts", ["LICENSE", "NOTICE"]), "ZRender:", licence("zrender", ["LICENSE"])].join("\n"),
);

// lib/ is CommonJS whatever the package's own "type"; buildId names this build's code cache.
const digest = createHash("sha256");
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
for (const f of files(outdir).sort()) digest.update(path.relative(outdir, f)).update(readFileSync(f));
writeFileSync(
  path.join(outdir, "package.json"),
  `${JSON.stringify({ type: "commonjs", buildId: digest.digest("hex").slice(0, 16) })}\n`,
);
