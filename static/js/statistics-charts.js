/* Charts of the statistics page and the director's home (issue 17), drawn with the vendored ECharts.
   The data comes from the page's json_script tag "statistics-data"; no inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("statistics-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function series(keys, values, type) {
    return keys.map(function (key) {
      return { name: data.labels[key], type: type, data: values[key], emphasis: { focus: "series" } };
    });
  }

  function option(kind, group) {
    var keys = data[group] || [];
    var trend = kind === "trend";
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 56, right: 16, top: 40, bottom: 32, containLabel: true },
      xAxis: { type: "category", data: trend ? data.months : data.units, axisLabel: { interval: 0, rotate: trend ? 0 : 30 } },
      yAxis: { type: "value", minInterval: group === "money" ? 0 : 1 },
      series: series(keys, trend ? data.trend : data.by_unit, trend && group === "counts" ? "line" : "bar")
    };
  }

  document.querySelectorAll(".stat-chart").forEach(function (element) {
    var chart = window.echarts.init(element, null, { renderer: "canvas", devicePixelRatio: 2 });
    chart.setOption(option(element.dataset.chart, element.dataset.keys));
    charts.push(chart);
  });

  function resize() {
    charts.forEach(function (chart) { chart.resize(); });
  }
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
