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
      const datasets = (data.datasets || [{ label: data.label, values: data.values }]).map((set) =>
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
    if (data.kind === "grouped") {
      // Split results: one bar per segment and answer. The legend names the segments; the colours are
      // told apart by the legend and tooltip, and the table below the chart holds the same figures.
      const palette = [bar, "#c75b12", "#2e7d32", "#7b1fa2", "#00838f", "#ad1457", "#5d4037", "#455a64"];
      const datasets = data.datasets.map((set, index) => ({
        label: set.label,
        data: set.values,
        counts: set.counts,
        backgroundColor: palette[index % palette.length],
      }));
      const rows = data.labels.length * Math.max(1, datasets.length);
      canvas.parentElement.style.height = `${data.horizontal ? Math.max(200, rows * 18 + 60) : 280}px`;
      const valueAxis = data.horizontal ? "x" : "y";
      const categoryAxis = data.horizontal ? "y" : "x";
      new window.Chart(canvas, {
        type: "bar",
        data: { labels: data.labels, datasets },
        options: {
          locale: numbers.language,
          indexAxis: categoryAxis,
          maintainAspectRatio: false,
          animation: false,
          plugins: {
            legend: { display: true, position: "bottom", labels: { color: text } },
            tooltip: {
              callbacks: {
                label: (ctx) =>
                  `${ctx.dataset.label}: ${numbers.percent(ctx.parsed[valueAxis])} (n = ${numbers.number(ctx.dataset.counts[ctx.dataIndex], 0)})`,
              },
            },
          },
          scales: {
            [valueAxis]: { ticks: { color: text, callback: (value) => numbers.percent(value) }, beginAtZero: true },
            [categoryAxis]: { ticks: { color: text } },
          },
        },
      });
      return;
    }
    const height = data.horizontal ? Math.max(160, data.labels.length * 34) : 220;
    canvas.parentElement.style.height = `${height}px`;
    // The shares run along x when the bars lie horizontally (long answer labels), else along y.
    const valueAxis = data.horizontal ? "x" : "y";
    const categoryAxis = data.horizontal ? "y" : "x";
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.label, data: data.shares, backgroundColor: bar }] },
      options: {
        locale: numbers.language,
        indexAxis: categoryAxis,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (ctx) => `${numbers.percent(ctx.parsed[valueAxis])} (n = ${numbers.number(data.counts[ctx.dataIndex], 0)})`,
            },
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
