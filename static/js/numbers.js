// Numbers in the language of the page (<html lang>), not of the browser. Chart.js formats with the browser's
// language unless it is told otherwise, so a German page in an English browser showed "12.5 %" where the
// table beside the chart said "12,5 %". The chart scripts format every tick, tooltip and label through this.
window.stadtlotseNumbers = (() => {
  const language = document.documentElement.lang || "de";
  const formatters = new Map();
  const missing = (value) => value === null || value === undefined || value === "" || Number.isNaN(Number(value));
  const format = (value, options) => {
    if (missing(value)) return "–";
    const key = JSON.stringify(options);
    if (!formatters.has(key)) formatters.set(key, new Intl.NumberFormat(language, options));
    return formatters.get(key).format(Number(value));
  };
  return {
    // For Chart.js's `locale` option: its own ticks and tooltips then follow the page as well.
    language,
    number: (value, digits = 2) => format(value, { maximumFractionDigits: digits }),
    // `value` is already in percent (12.5 means 12.5 %); Intl writes the sign as the language does.
    percent: (value, digits = 1) =>
      missing(value) ? "–" : format(Number(value) / 100, { style: "percent", maximumFractionDigits: digits }),
    euro: (value, digits = 0) =>
      format(value, { style: "currency", currency: "EUR", minimumFractionDigits: digits, maximumFractionDigits: digits }),
    // A figure with the unit its KPI defines ("Personen/Tag", "%"), joined by a no-break space.
    withUnit: (value, unit, digits = 2) => {
      const text = format(value, { maximumFractionDigits: digits });
      return unit && !missing(value) ? `${text}\u00a0${unit}` : text;
    },
  };
})();
