// The indicator dashboard's chart: progress against each target, read from
// the page's JSON block (the CSP forbids inline script). Optional: the
// table below the chart says the same without script.
(function () {
  var data = document.getElementById("dashboard-data");
  var box = document.getElementById("progress-chart");
  if (!data || !box || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  // Height set here, not in the shared stylesheet: one bar per indicator.
  box.style.height = (2 + d.labels.length * 1.6) + "em";
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: function (v) { return Math.max(100, Math.ceil(v.max)); },
             axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: d.labels, inverse: true,
             axisLabel: { width: 140, overflow: "truncate" } },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    series: [{ type: "bar", data: d.progress, name: d.series,
               markLine: { silent: true, symbol: "none", data: [{ xAxis: 100 }] } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
