/* Draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, written by the
   views (companies/views.py, _chart), into a box whose size the page has already laid
   out (site.css). The table beside each chart stays open: folding it once the chart is
   drawn would move everything below it. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var lang = document.documentElement.lang || "en";
  // Colours distinguishable with common colour blindness, each at least 4.5:1 on white.
  var palette = ["#1f5fa8", "#b3470d", "#1d7a3a", "#6b3fa0"];
  // Verdicts keep their colours on every chart: the register agrees, or does not.
  var verdicts = { agrees: "#1d6b34", disagrees: "#a12622" };
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
        // A logarithmic axis keeps the smallest of values that span orders of magnitude
        // visible beside the largest.
        type: axis.log ? "logarithmic" : "linear",
        position: axis.position,
        beginAtZero: !axis.log,
        title: { display: true, text: axis.title },
        grid: { drawOnChartArea: first },
        ticks: {
          precision: 0,
          callback: function (value) {
            // A logarithmic axis is labelled at its powers of ten only.
            var power = Math.log10(value);
            if (axis.log && Math.abs(power - Math.round(power)) > 1e-9) {
              return "";
            }
            return axis.money ? moneyShort.format(value) : counts.format(value);
          }
        }
      };
      first = false;
    });
    if (spec.time) {
      result.x = timeAxis(spec.time);
    }
    return result;
  }

  // Dates to scale: a linear axis of timestamps (ms), ticked at the report dates and
  // labelled as the page writes them, so no date adapter is needed.
  function timeAxis(time) {
    var labels = {};
    time.ticks.forEach(function (tick) {
      labels[tick.value] = tick.label;
    });
    var values = time.ticks.map(function (tick) { return tick.value; });
    var first = Math.min.apply(null, values);
    var last = Math.max.apply(null, values);
    // A margin of 3% of the span (or a month around a single report) keeps end points visible.
    var margin = Math.max((last - first) * 0.03, 30 * 24 * 3600 * 1000);
    return {
      type: "linear",
      position: "bottom",
      min: first - margin,
      max: last + margin,
      title: { display: true, text: time.title },
      afterBuildTicks: function (axis) {
        axis.ticks = values.map(function (value) { return { value: value }; });
      },
      ticks: {
        autoSkip: true,
        maxRotation: 0,
        callback: function (value) { return labels[value]; }
      }
    };
  }

  // A carried value (the report left the figure out) is a hollow point reached by a
  // dashed line; the table marks the same values.
  function carriedStyle(drawn, carried, colour) {
    drawn.pointBackgroundColor = function (context) {
      return carried[context.dataIndex] ? "#fff" : colour;
    };
    drawn.pointRadius = function (context) {
      return carried[context.dataIndex] ? 5 : 3;
    };
    drawn.segment = {
      borderDash: function (context) {
        return carried[context.p1DataIndex] ? [6, 4] : undefined;
      }
    };
  }

  // A long category label, in lines of at most `most` characters, broken between words:
  // on a phone a bar chart's labels would otherwise run off the canvas.
  function wrap(label, most) {
    if (label.length <= most) {
      return label;
    }
    var lines = [];
    var line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > most) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    lines.push(line);
    return lines;
  }

  function timeLabel(time, value) {
    var tick = time.ticks.filter(function (t) { return t.value === value; })[0];
    return tick ? tick.label : "";
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = verdicts[dataset.verdict] || palette[index % palette.length];
      var drawn = {
        label: dataset.label,
        data: dataset.data,
        type: dataset.type || spec.type,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: 2,
        pointRadius: 3,
        isMoney: Boolean(spec.axes[dataset.axis].money),
        carried: dataset.carried
      };
      drawn[spec.horizontal ? "xAxisID" : "yAxisID"] = dataset.axis;
      if (dataset.carried) {
        carriedStyle(drawn, dataset.carried, colour);
      }
      return drawn;
    });
    // A chart of rows is as tall as it has rows (data-rows): site.css reads it where the
    // browser has attr(); elsewhere it is set here (the policy allows no inline style
    // attribute, but a property set from a script is fine).
    var box = canvas.closest(".chart-canvas");
    if (box.dataset.rows) {
      box.style.setProperty("--rows", box.dataset.rows);
    }
    var labels = spec.labels;
    if (spec.horizontal && labels) {
      // The labels may take about two fifths of the width, at some 7 px a character.
      var most = Math.max(12, Math.floor((box.clientWidth * 0.4) / 7));
      labels = labels.map(function (label) { return wrap(label, most); });
    }
    new Chart(canvas, {
      type: spec.type,
      data: spec.time ? { datasets: datasets } : { labels: labels, datasets: datasets },
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
              title: function (items) {
                return spec.time && items.length ? timeLabel(spec.time, items[0].parsed.x) : undefined;
              },
              label: function (context) {
                var value = spec.horizontal ? context.parsed.x : context.parsed.y;
                var shown = context.dataset.isMoney ? money.format(value) : counts.format(value);
                var carried = context.dataset.carried && context.dataset.carried[context.dataIndex];
                return context.dataset.label + ": " + shown + (carried ? " *" : "");
              }
            }
          }
        }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
