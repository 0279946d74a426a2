/* Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, written by the
   views (companies/views.py, _chart). The table beside each chart stays the readable
   fallback: it is open without JavaScript and folded once the chart is drawn. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var lang = document.documentElement.lang || "en";
  // Colours distinguishable with common colour blindness, each at least 4.5:1 on white.
  var palette = ["#1f5fa8", "#b3470d", "#1d7a3a", "#6b3fa0"];
  var counts = new Intl.NumberFormat(lang);
  var money = new Intl.NumberFormat(lang, { style: "currency", currency: "USD", maximumFractionDigits: 0 });
  var moneyShort = new Intl.NumberFormat(lang, {
    style: "currency", currency: "USD", notation: "compact", maximumFractionDigits: 1
  });

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#2b3036";

  function scales(spec) {
    var result = {};
    var first = true;
    Object.keys(spec.axes).forEach(function (id) {
      var axis = spec.axes[id];
      result[id] = {
        type: "linear",
        position: axis.position,
        beginAtZero: true,
        title: { display: true, text: axis.title },
        grid: { drawOnChartArea: first },
        ticks: {
          precision: 0,
          callback: function (value) {
            return axis.money ? moneyShort.format(value) : counts.format(value);
          }
        }
      };
      first = false;
    });
    return result;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      var drawn = {
        label: dataset.label,
        data: dataset.data,
        type: dataset.type || spec.type,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: 2,
        pointRadius: 3,
        isMoney: Boolean(spec.axes[dataset.axis].money)
      };
      drawn[spec.horizontal ? "xAxisID" : "yAxisID"] = dataset.axis;
      return drawn;
    });
    // The box stays hidden without JavaScript; it must be shown before Chart.js sizes it.
    // A chart of rows is as tall as it has rows (data-rows: the policy allows no inline
    // style attribute, but a property set from a script is fine).
    var box = canvas.closest(".chart-canvas");
    if (box.dataset.rows) {
      box.style.setProperty("--rows", box.dataset.rows);
    }
    box.hidden = false;
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: lang,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: scales(spec),
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = spec.horizontal ? context.parsed.x : context.parsed.y;
                var shown = context.dataset.isMoney ? money.format(value) : counts.format(value);
                return context.dataset.label + ": " + shown;
              }
            }
          }
        }
      }
    });
    var figure = canvas.closest("figure");
    var table = figure && figure.querySelector("details.chart-data");
    if (table) {
      table.open = false;
    }
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
