/* The kommunalsjef's dashboard: draws each <canvas data-chart="ID"> from the JSON in the
 * <script type="application/json" id="ID"> beside it (written by Django's json_script), so the
 * page needs no inline code under the Content Security Policy.
 *
 * A count hidden by small-count suppression arrives as null: it is drawn as a gap and the
 * tooltip says "<5". Every number is also in the table next to the chart. */
(function () {
  "use strict";

  if (typeof window.Chart === "undefined") {
    return; // the tables carry the numbers without the charts
  }

  var HIDDEN = "<5";
  var reduceMotion = window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang || "nb");

  function dataset(spec, d) {
    var line = d.type === "line";
    return {
      type: d.type || spec.type,
      label: d.label,
      data: d.data,
      backgroundColor: line ? "#ffffff" : d.color,
      borderColor: d.color,
      borderWidth: line ? 3 : 0,
      pointRadius: line ? 3 : 0,
      pointStyle: line ? "rectRot" : "circle",
      spanGaps: false,
      order: line ? 0 : 1
    };
  }

  function options(spec) {
    var horizontal = !!spec.horizontal;
    var valueAxis = {
      beginAtZero: true,
      stacked: !!spec.stacked,
      ticks: { precision: 0, color: "#212529" },
      grid: { color: "#dee2e6" }
    };
    var categoryAxis = {
      stacked: !!spec.stacked,
      ticks: { color: "#212529", autoSkip: !horizontal },
      grid: { display: false }
    };
    return {
      indexAxis: horizontal ? "y" : "x",
      animation: reduceMotion ? false : { duration: 300 },
      maintainAspectRatio: true,
      aspectRatio: horizontal ? Math.max(0.8, Math.min(2, 12 / Math.max(spec.labels.length, 1))) : 1.8,
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { position: "bottom", labels: { color: "#212529", usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var raw = ctx.raw;
              var shown = raw === null || raw === undefined ? HIDDEN : numberFormat.format(raw);
              return ctx.dataset.label + ": " + shown;
            }
          }
        }
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) { return dataset(spec, d); })
      },
      options: options(spec)
    });
  }

  function init() {
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
