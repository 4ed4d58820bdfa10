// Draws the cumulative discounted cash flow per scenario with Chart.js. The canvas reads its figures from the
// <script type="application/json"> named in data-cashflow-source; the tables beside it hold the same figures.
// Amounts are euros in the page language (static/js/numbers.js): whole euros on the axis, cents in tooltips.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.Chart === "undefined" || !window.stadtlotseNumbers) return;
  const numbers = window.stadtlotseNumbers;
  const style = getComputedStyle(document.body);
  const text = (style.getPropertyValue("--kern-color-layout-text-default") || "").trim() || "#171a26";
  const colours = ["#a30000", "#1c3e8c", "#2e7d32"];
  const dashes = [[6, 4], [], [2, 3]];
  document.querySelectorAll("canvas[data-cashflow-source]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.cashflowSource);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((series, index) => ({
          label: series.label,
          data: series.values,
          borderColor: colours[index % colours.length],
          borderDash: dashes[index % dashes.length],
          pointStyle: ["triangle", "circle", "rect"][index % 3],
          fill: false,
        })),
      },
      options: {
        locale: numbers.language,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { labels: { color: text, usePointStyle: true } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${numbers.euro(ctx.parsed.y, 2)}` } },
        },
        scales: { x: { ticks: { color: text } }, y: { ticks: { color: text, callback: (value) => numbers.euro(value) } } },
      },
    });
  });
});
