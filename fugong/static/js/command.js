/* The command page's charts (ECharts) and the definitions' popovers. Data comes from #fg-chart-data. */
(function () {
  "use strict";
  var source = document.getElementById("fg-chart-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var percent = function (v) { return v === null || v === undefined ? "—" : v + "%"; };
  var charts = [];

  function trend(el) {
    var chart = echarts.init(el);
    chart.setOption({
      color: ["#b71c1c", "#1565c0"],
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 0 },
      grid: { left: 44, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.dates, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: data.labels.resumption, type: "line", data: data.resumption, connectNulls: false, symbolSize: 6 },
        { name: data.labels.on_duty, type: "line", data: data.on_duty, connectNulls: false, symbolSize: 6 }
      ]
    });
    return chart;
  }

  function rank(el) {
    var chart = echarts.init(el);
    var names = data.children.slice().reverse();
    var values = data.children_rates.slice().reverse();
    el.style.height = Math.max(240, names.length * 28 + 60) + "px";
    chart.resize();
    chart.setOption({
      color: ["#b71c1c"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: percent },
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names },
      series: [{ name: data.labels.rate, type: "bar", data: values, barMaxWidth: 18,
                 label: { show: true, position: "right", formatter: function (p) { return percent(p.value); } } }]
    });
    return chart;
  }

  if (window.echarts) {
    var t = document.getElementById("fg-trend");
    var r = document.getElementById("fg-rank");
    if (t) { charts.push(trend(t)); }
    if (r) { charts.push(rank(r)); }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (window.bootstrap) {
    document.querySelectorAll('[data-bs-toggle="popover"]').forEach(function (el) {
      new bootstrap.Popover(el);
    });
  }
})();
