// Draws the result charts with Chart.js. Each <canvas data-chart-source="ID"> reads its figures from the
// <script type="application/json" id="ID"> beside it; the table next to the chart holds the same figures.
// Numbers follow the page language (static/js/numbers.js), as the table does.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.Chart === "undefined" || !window.stadtlotseNumbers) return;
  const numbers = window.stadtlotseNumbers;
  const style = getComputedStyle(document.body);
  const colour = (name, fallback) => (style.getPropertyValue(name) || "").trim() || fallback;
  const bar = colour("--kern-color-action-default", "#1c3e8c");
  const text = colour("--kern-color-layout-text-default", "#171a26");
  document.querySelectorAll("canvas[data-chart-source]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chartSource);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    if (data.kind === "radar") {
      // One dataset per check: the latest (solid, filled) and an earlier one (dashed, other colour and point
      // shape, so the two differ without relying on colour alone). The legend names each check by its date.
      const earlierColour = colour("--kern-color-layout-text-muted", "#5a5f6e");
      const datasets = data.datasets.map((set) =>
        set.earlier
          ? { label: set.label, data: set.values, borderColor: earlierColour, backgroundColor: "rgba(90, 95, 110, 0.08)", borderDash: [6, 4], pointStyle: "rectRot", pointRadius: 4 }
          : { label: set.label, data: set.values, borderColor: bar, backgroundColor: "rgba(28, 62, 140, 0.2)", pointStyle: "circle", pointRadius: 3 },
      );
      canvas.parentElement.style.height = "360px";
      new window.Chart(canvas, {
        type: "radar",
        data: { labels: data.labels, datasets },
        options: {
          locale: numbers.language,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: datasets.length > 1, position: "bottom", labels: { color: text, usePointStyle: true } } },
          scales: { r: { min: 0, max: 4, ticks: { stepSize: 1, color: text, callback: (value) => numbers.number(value) }, pointLabels: { color: text } } },
        },
      });
      return;
    }
    // Bars of shares with the counts in the tooltip: one set for a question's results, or (kind "grouped",
    // split results) one set per segment, named in the legend; the table beside holds the same figures.
    const grouped = data.kind === "grouped";
    const palette = [bar, "#c75b12", "#2e7d32", "#7b1fa2", "#00838f", "#ad1457", "#5d4037", "#455a64"];
    const sets = grouped ? data.datasets : [{ label: data.label, values: data.shares, counts: data.counts }];
    const datasets = sets.map((set, index) => ({
      label: set.label,
      data: set.values,
      counts: set.counts,
      backgroundColor: palette[index % palette.length],
    }));
    const rows = data.labels.length * Math.max(1, datasets.length);
    const height = grouped
      ? (data.horizontal ? Math.max(200, rows * 18 + 60) : 280)
      : (data.horizontal ? Math.max(160, data.labels.length * 34) : 220);
    canvas.parentElement.style.height = `${height}px`;
    // The shares run along x when the bars lie horizontally (long answer labels), else along y.
    const valueAxis = data.horizontal ? "x" : "y";
    const categoryAxis = data.horizontal ? "y" : "x";
    const figures = (ctx) =>
      `${numbers.percent(ctx.parsed[valueAxis])} (n = ${numbers.number(ctx.dataset.counts[ctx.dataIndex], 0)})`;
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets },
      options: {
        locale: numbers.language,
        indexAxis: categoryAxis,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: grouped, position: "bottom", labels: { color: text } },
          tooltip: {
            callbacks: { label: (ctx) => (grouped ? `${ctx.dataset.label}: ${figures(ctx)}` : figures(ctx)) },
          },
        },
        scales: {
          [valueAxis]: { ticks: { color: text, callback: (value) => numbers.percent(value) }, beginAtZero: true },
          [categoryAxis]: { ticks: { color: text }, beginAtZero: true },
        },
      },
    });
  });
});
