// A chart of the briefing as an SVG string for the web page, drawn by ECharts on the server
// side (no DOM, no script in the page). ECharts escapes every text it writes into the SVG.
import { type ChartSpec, chartHeight } from "./content.js";
import { echartsLib } from "./libs.js";

/** Width of a chart in the page, in CSS pixels (the A4 text width at 96 dpi, about 170 mm). */
export const CHART_WIDTH = 640;

const hex = (c: string) => `#${c}`;

function option(spec: ChartSpec, fontFamily: string, fontSize: number): object {
  const textStyle = { fontFamily, fontSize, color: "#222" };
  const title = {
    text: spec.title,
    left: "center",
    top: 4,
    textStyle: { ...textStyle, fontSize: fontSize + 3 },
  };
  if (spec.kind === "pie") {
    const s = spec.series[0];
    return {
      animation: false,
      textStyle,
      title,
      series: [
        {
          type: "pie",
          radius: ["0%", "62%"],
          center: ["50%", "56%"],
          label: { formatter: "{b}：{c}", fontFamily, fontSize },
          data: spec.categories.map((name, i) => ({ name, value: s?.values[i] ?? 0 })),
        },
      ],
    };
  }
  const horizontal = spec.kind === "bar";
  const categoryAxis = {
    type: "category",
    data: spec.categories,
    inverse: horizontal,
    axisLabel: {
      fontFamily,
      fontSize,
      interval: 0,
      ...(horizontal ? {} : { rotate: spec.categories.length > 6 ? 30 : 0 }),
    },
  };
  const valueAxis = {
    type: "value",
    name: spec.unit,
    nameLocation: "middle",
    nameGap: horizontal ? 26 : 40,
    nameTextStyle: { fontFamily, fontSize },
    minInterval: 1,
    axisLabel: { fontFamily, fontSize },
  };
  return {
    animation: false,
    textStyle,
    title,
    legend: spec.series.length > 1 ? { bottom: 0, textStyle } : { show: false },
    grid: {
      left: horizontal ? 12 : 36,
      right: 36,
      top: 44,
      bottom: spec.series.length > 1 ? 56 : 30,
      // Room for the axis labels inside the chart (what ECharts 5 called containLabel).
      outerBoundsMode: "same",
      outerBoundsContain: "axisLabel",
    },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s) => ({
      type: "bar",
      name: s.name,
      data: s.values,
      itemStyle: { color: hex(s.color) },
      barMaxWidth: 36,
      ...(spec.stacked ? { stack: "total" } : {}),
      label: {
        show: true,
        position: spec.stacked ? "inside" : horizontal ? "right" : "top",
        fontFamily,
        fontSize: fontSize - 1,
        // A zero inside a stacked bar is noise.
        formatter: (p: { value: number }) => (p.value === 0 ? "" : String(p.value)),
      },
    })),
  };
}

/** The chart as a standalone <svg> element. */
export function chartSvg(spec: ChartSpec, fontFamily: string, fontSize = 12): string {
  const chart = echartsLib().init(null, null, {
    renderer: "svg",
    ssr: true,
    width: CHART_WIDTH,
    height: chartHeight(spec),
  });
  try {
    chart.setOption(option(spec, fontFamily, fontSize));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
