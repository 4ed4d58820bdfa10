// KPI charts with Chart.js. A canvas names the <script type="application/json"> holding its figures:
// data-kpi-source: measurements and target path on a time-proportional axis (dates as milliseconds, labelled
// YYYY-MM-DD, so no date adapter is needed); data-footfall-source: bar chart (one or more series). The tables
// beside every chart hold the same figures. Numbers follow the page language (static/js/numbers.js); a KPI
// canvas may name its unit in data-unit, which the tooltips and the y axis then show.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.Chart === "undefined" || !window.stadtlotseNumbers) return;
  const numbers = window.stadtlotseNumbers;
  const style = getComputedStyle(document.body);
  const text = (style.getPropertyValue("--kern-color-layout-text-default") || "").trim() || "#171a26";
  const blue = (style.getPropertyValue("--kern-color-action-default") || "").trim() || "#1c3e8c";
  const read = (id) => {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  };
  const day = (iso) => Date.parse(`${iso}T00:00:00Z`);
  const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
  const points = (pairs) => pairs.map(([iso, value]) => ({ x: day(iso), y: value }));

  document.querySelectorAll("canvas[data-kpi-source]").forEach((canvas) => {
    const data = read(canvas.dataset.kpiSource);
    if (!data) return;
    canvas.parentElement.style.height = "300px";
    const unit = canvas.dataset.unit || "";
    const measured = points(data.measurement_points);
    const path = points(data.path_points);
    const datasets = [
      { label: data.names.measurements, data: measured, borderColor: blue, backgroundColor: blue, pointRadius: measured.length > 120 ? 0 : 3 },
      { label: data.names.path, data: path, borderColor: "#6b6b6b", backgroundColor: "#6b6b6b", borderDash: [6, 4], pointStyle: "rect" },
    ];
    const xs = [...measured, ...path].map((p) => p.x);
    const ends = xs.length ? [Math.min(...xs), Math.max(...xs)] : [];
    if (data.band) {
      datasets.push({ label: data.names.band_low, data: ends.map((x) => ({ x, y: data.band[0] })), borderColor: "#2e7d32", borderDash: [2, 3], pointRadius: 0 });
      datasets.push({ label: data.names.band_high, data: ends.map((x) => ({ x, y: data.band[1] })), borderColor: "#2e7d32", borderDash: [2, 3], pointRadius: 0 });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets },
      options: {
        locale: numbers.language,
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        plugins: {
          legend: { labels: { color: text, usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? isoDate(items[0].parsed.x) : ""),
              label: (ctx) => `${ctx.dataset.label}: ${numbers.withUnit(ctx.parsed.y, unit)}`,
            },
          },
        },
        scales: {
          x: { type: "linear", min: ends[0], max: ends[1], ticks: { color: text, maxTicksLimit: 8, callback: (value) => isoDate(value) } },
          y: { ticks: { color: text, callback: (value) => numbers.number(value) }, title: { display: Boolean(unit), text: unit, color: text } },
        },
      },
    });
  });

  document.querySelectorAll("canvas[data-footfall-source]").forEach((canvas) => {
    const data = read(canvas.dataset.footfallSource);
    if (!data) return;
    canvas.parentElement.style.height = "240px";
    // One series (values) or several side by side (datasets: [{label, values}], e.g. the two directions).
    const colours = [blue, "#8a4b00"];
    const datasets = data.datasets
      ? data.datasets.map((set, index) => ({ label: set.label, data: set.values, backgroundColor: colours[index % colours.length] }))
      : [{ data: data.values, backgroundColor: blue }];
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets },
      options: {
        locale: numbers.language,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: datasets.length > 1, labels: { color: text } },
          tooltip: {
            callbacks: {
              label: (ctx) => (datasets.length > 1 ? `${ctx.dataset.label}: ` : "") + numbers.number(ctx.parsed.y, 0),
            },
          },
        },
        scales: { x: { ticks: { color: text } }, y: { ticks: { color: text, callback: (value) => numbers.number(value) }, beginAtZero: true } },
      },
    });
  });
});
