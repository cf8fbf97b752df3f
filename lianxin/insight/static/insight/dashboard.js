/* Draws the dashboard's charts with ECharts from the page's JSON; a click on a bar opens its demands. */
(function () {
  "use strict";
  var source = document.getElementById("insight-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var script = document.currentScript;
  var dark = script && script.getAttribute("data-theme") === "dark";
  var theme = dark ? "dark" : null;
  var charts = [];

  function make(id, option, urls) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, theme, { renderer: "svg" });
    if (dark) option.backgroundColor = "transparent";
    option.title = { text: el.getAttribute("aria-label") || "", left: 8, top: 4, textStyle: { fontSize: 13 } };
    if (option.grid) option.grid.top = 44;
    if (option.legend) option.legend.top = 22;
    option.animation = false;
    chart.setOption(option);
    if (urls) chart.on("click", function (p) { if (urls[p.dataIndex]) window.location.href = urls[p.dataIndex]; });
    charts.push(chart);
  }

  function bar(id, rows) {
    make(id, {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }),
               axisLabel: { width: 90, overflow: "truncate" } },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#c8161d" } }],
    }, rows.map(function (r) { return r.url; }));
  }

  make("chart-months", {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.received, data.labels.completed] },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: data.labels.received, type: "bar", data: data.received, itemStyle: { color: "#c8161d" } },
      { name: data.labels.completed, type: "line", data: data.completed, itemStyle: { color: "#1a7f37" } },
    ],
  }, data.month_urls);
  bar("chart-category", data.category);
  bar("chart-cell", data.cell);
  make("chart-channel", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], label: { overflow: "truncate", width: 90 },
               data: data.channel.map(function (r) { return { name: r.label, value: r.value }; }) }],
  }, data.channel.map(function (r) { return r.url; }));

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
