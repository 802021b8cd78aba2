// Draw the trends page's line charts; a detected rise is marked (shaded from its start, a pin at
// the alarm). The numbers of every chart are in the table beside it.
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("trend-data").textContent);
  var text = JSON.parse(document.getElementById("trend-text").textContent);
  var palette = ["#7a1f1f", "#0b5cad", "#17603a", "#8a4b00", "#5b3c88", "#2a7f8f", "#9c2f6b", "#4f5761"];

  function option(c) {
    var lines = c.lines.slice(0, text.top);
    return {
      color: palette, animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: c.periods },
      yAxis: { type: "value", minInterval: 1 },
      series: lines.map(function (l) {
        var s = { type: "line", name: l.name, data: l.counts, symbolSize: 4 };
        if (l.alert) {
          s.lineStyle = { width: 3 };
          s.markArea = { silent: true, itemStyle: { color: "rgba(122,31,31,0.10)" }, data: [[{ xAxis: l.alert.since, name: text.rise }, { xAxis: c.periods[c.periods.length - 1] }]] };
          s.markPoint = { symbol: "pin", symbolSize: 36, data: [{ coord: [l.alert.period, l.counts[c.periods.indexOf(l.alert.period)]], value: "↑" }] };
        }
        return s;
      })
    };
  }

  document.fonts.ready.then(function () {
    document.querySelectorAll("[data-trend]").forEach(function (el) {
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(charts[Number(el.dataset.trend)]));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
