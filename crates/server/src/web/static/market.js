// Charts (the market dashboard, and any room's `stacked` bars): each .chart element carries its data in a
// data-chart attribute (JSON; the CSP forbids inline script), drawn with
// the vendored ECharts. The table beside each chart has the same figures.
(function () {
  'use strict';
  function draw(el) {
    if (typeof echarts === 'undefined') { return; }
    var d;
    try { d = JSON.parse(el.getAttribute('data-chart')); } catch (e) { return; }
    var chart = echarts.init(el);
    var option;
    if (d.kind === 'destock') {
      var marks = (d.bands || []).map(function (m) { return { yAxis: m }; });
      option = {
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 40, right: 16, top: 24, bottom: 56 },
        xAxis: { type: 'category', data: d.months },
        yAxis: { type: 'value', name: d.y },
        series: d.series.map(function (s, i) {
          var line = { name: s.name, type: 'line', data: s.data, connectNulls: false };
          if (i === 0) { line.markLine = { symbol: 'none', silent: true, lineStyle: { type: 'dashed' }, data: marks }; }
          return line;
        })
      };
    } else if (d.kind === 'land' || d.kind === 'idle') {
      option = {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 60, right: 16, top: 24, bottom: 56 },
        xAxis: { type: 'category', data: d.kind === 'land' ? d.districts : d.statuses },
        yAxis: { type: 'value', name: d.y, minInterval: d.kind === 'idle' ? 1 : 0 },
        series: d.series.map(function (s) { return { name: s.name, type: 'bar', data: s.data }; })
      };
    } else if (d.kind === 'stacked') {
      // Any room's stacked bars: categories on the x axis, one series per
      // group (the staff dashboard: states by district).
      option = {
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', bottom: 0 },
        grid: { left: 48, right: 16, top: 40, bottom: 72 },
        xAxis: { type: 'category', data: d.categories, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: 'value', name: d.y, minInterval: 1 },
        series: d.series.map(function (s) { return { name: s.name, type: 'bar', stack: 'all', data: s.data }; })
      };
    } else {
      option = {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 60, right: 16, top: 24, bottom: 56 },
        xAxis: { type: 'category', data: d.projects },
        yAxis: { type: 'value', name: d.y },
        series: d.series.map(function (s) { return { name: s.name, type: 'bar', data: s.data }; })
      };
    }
    chart.setOption(option);
    el.setAttribute('data-drawn', 'true');
    // The chart follows its box, not only the window: a box narrowed by the
    // layout (or a phone turned) redraws it instead of leaving a canvas wider
    // than the screen.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    } else {
      window.addEventListener('resize', function () { chart.resize(); });
    }
  }
  function start() {
    var els = document.querySelectorAll('.chart[data-chart]');
    for (var i = 0; i < els.length; i++) { draw(els[i]); }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
