/* Khuyến công số: the dashboard's charts and map (Apache ECharts), drawn from the page's JSON data island
   (<script type="application/json" id="dashboard-data">), so the page needs no inline script (CSP).
   Every figure drawn here is also in a table on the page: the charts add nothing the tables do not say. */
(function () {
  "use strict";

  var island = document.getElementById("dashboard-data");
  if (!island || typeof echarts === "undefined") { return; }
  var data = JSON.parse(island.textContent);
  var numberFormat = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
  var palette = ["#b4232a", "#0b7285", "#f0b429", "#2b8a3e", "#5f3dc4", "#868e96", "#d9480f", "#1864ab"];
  var charts = [];

  function format(value) {
    return value === null || value === undefined ? "—" : numberFormat.format(value);
  }

  function make(name) {
    var element = document.querySelector('[data-chart="' + name + '"]');
    if (!element) { return null; }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function empty(chart, text) {
    chart.setOption({ title: { text: text, left: "center", top: "middle", textStyle: { fontSize: 14, fontWeight: "normal", color: "#6c757d" } } });
  }

  // Target vs actual: percentage achieved per indicator that has a target.
  var progress = make("progress");
  if (progress) {
    var p = data.progress;
    var against = p.basis === "target" ? "mục tiêu" : "kế hoạch";
    if (!p.labels.length) {
      empty(progress, "Chưa có mục tiêu hay kế hoạch để so sánh.");
    } else {
      progress.setOption({
        color: palette,
        title: { text: "Tỷ lệ đạt so với " + against, left: "center", top: 0, textStyle: { fontSize: 13, fontWeight: "normal" } },
        grid: { left: 8, right: 48, top: 28, bottom: 24, containLabel: true },
        tooltip: {
          trigger: "axis", axisPointer: { type: "shadow" },
          formatter: function (items) {
            var i = items[0].dataIndex;
            return p.labels[i] + "<br>Đạt " + format(p.actual[i]) + " / " + against + " " + format(p.reference[i]) + " " +
              p.units[i] + " (" + format(p.percent[i]) + "%)";
          }
        },
        xAxis: { type: "value", axisLabel: { formatter: "{value}%" }, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
        yAxis: { type: "category", inverse: true, data: p.labels, axisLabel: { width: 260, overflow: "truncate" } },
        series: [{
          type: "bar", name: "Tỷ lệ đạt so với " + against, data: p.percent, barMaxWidth: 18,
          label: { show: true, position: "right", formatter: function (d) { return format(d.value) + "%"; } },
          markLine: { symbol: "none", silent: true, data: [{ xAxis: 100 }], lineStyle: { color: "#2b8a3e", type: "dashed" }, label: { show: false } }
        }]
      });
    }
  }

  // Funds per plan year (triệu đồng).
  var funds = make("funds");
  if (funds) {
    if (!data.funds.years.length) {
      empty(funds, "Chưa có kinh phí trong phạm vi này.");
    } else {
      funds.setOption({
        color: palette,
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return format(v) + " triệu đồng"; } },
        xAxis: { type: "category", data: data.funds.years },
        yAxis: { type: "value", name: "triệu đồng", axisLabel: { formatter: function (v) { return numberFormat.format(v); } } },
        series: data.funds.series.map(function (s) { return { type: "bar", name: s.name, data: s.data }; })
      });
    }
  }

  function pie(name, rows, text) {
    var chart = make(name);
    if (!chart) { return; }
    if (!rows.length) { empty(chart, text); return; }
    chart.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: function (d) { return d.name + ": " + format(d.value) + " đề án (" + d.percent + "%)"; } },
      series: [{ type: "pie", radius: ["35%", "65%"], data: rows, label: { formatter: "{b}: {c}" } }]
    });
  }
  pie("statuses", data.statuses, "Chưa có đề án.");

  var contents = make("contents");
  if (contents) {
    if (!data.contents.length) {
      empty(contents, "Chưa có đề án.");
    } else {
      var top = data.contents.slice(0, 12);
      contents.setOption({
        color: ["#0b7285"],
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return format(v) + " đề án"; } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: top.map(function (r) { return r.name; }), axisLabel: { width: 240, overflow: "truncate" } },
        series: [{ type: "bar", data: top.map(function (r) { return r.value; }), barMaxWidth: 16, label: { show: true, position: "right" } }]
      });
    }
  }

  // The map: the country outline (with Hoàng Sa and Trường Sa) as background, one symbol per area at its centre.
  var map = make("map");
  var metricSelect = document.querySelector("[data-map-metric]");

  function bbox(feature) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    (feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates).forEach(function (polygon) {
      polygon[0].forEach(function (point) {
        box[0] = Math.min(box[0], point[0]); box[1] = Math.min(box[1], point[1]);
        box[2] = Math.max(box[2], point[0]); box[3] = Math.max(box[3], point[1]);
      });
    });
    return box;
  }

  function drawMap(outline) {
    var areas = data.map.areas;
    var archipelagos = outline.features.filter(function (f) { return f.properties.name.indexOf("Quần đảo") === 0; }).map(function (f) {
      var box = bbox(f);
      return { name: f.properties.name, value: [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2] };
    });
    var geo = { map: "vn-outline", roam: true, itemStyle: { areaColor: "#f1f3f5", borderColor: "#adb5bd" }, emphasis: { disabled: true }, label: { show: false } };
    if (data.map.level !== "province" && data.map.level !== "legacy" && areas.length) {
      // A province's communes: frame them, with a margin.
      var lons = areas.map(function (a) { return a.lon; }), lats = areas.map(function (a) { return a.lat; });
      var pad = 0.15;
      geo.boundingCoords = [[Math.min.apply(null, lons) - pad, Math.max.apply(null, lats) + pad], [Math.max.apply(null, lons) + pad, Math.min.apply(null, lats) - pad]];
    } else {
      geo.boundingCoords = [[102.0, 23.5], [116.2, 8.3]];
    }

    function render() {
      var key = metricSelect ? metricSelect.value : data.map.metrics[0].key;
      var metric = data.map.metrics.filter(function (m) { return m.key === key; })[0] || data.map.metrics[0];
      var values = areas.map(function (a) { var v = a.values[key]; return typeof v === "number" ? v : 0; });
      var max = Math.max.apply(null, values.concat([0]));
      var points = areas.map(function (a, i) {
        return { name: a.name, value: [a.lon, a.lat, values[i]], url: a.url };
      });
      map.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (d) {
            if (d.seriesName === "archipelagos") { return d.name; }
            return d.name + "<br>" + metric.label + ": " + format(d.value[2]) + " " + metric.unit;
          }
        },
        visualMap: {
          type: "continuous", min: 0, max: max || 1, dimension: 2, seriesIndex: 0, calculable: false,
          left: 8, bottom: 8, text: [format(max), "0"], inRange: { color: ["#ffe3e3", "#b4232a"] }, itemHeight: 120
        },
        geo: geo,
        series: [
          {
            type: "scatter", coordinateSystem: "geo", name: "areas", data: points,
            symbolSize: function (value) { return max ? 6 + 34 * Math.sqrt(value[2] / max) : 6; },
            itemStyle: { borderColor: "#fff", borderWidth: 1, opacity: 0.9 },
            emphasis: { label: { show: true, formatter: "{b}", position: "top" } }
          },
          {
            type: "scatter", coordinateSystem: "geo", name: "archipelagos", data: archipelagos, silent: false,
            symbol: "diamond", symbolSize: 7, itemStyle: { color: "#1864ab" },
            label: { show: true, position: "bottom", formatter: "{b}", color: "#1864ab", fontWeight: "bold", fontSize: 11 }
          }
        ]
      }, { replaceMerge: ["series"] });
    }

    echarts.registerMap("vn-outline", outline);
    render();
    if (metricSelect) { metricSelect.addEventListener("change", render); }
    map.on("click", function (event) {
      if (event.seriesName === "areas" && event.data && event.data.url) {
        window.location.href = event.data.url + window.location.search;
      }
    });
    map.getDom().setAttribute("data-map-ready", String(areas.length));
  }

  if (map) {
    fetch(data.map.outline, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("map outline: HTTP " + response.status); }
        return response.json();
      })
      .then(drawMap)
      .catch(function (error) {
        empty(map, "Không tải được nền bản đồ.");
        throw error;
      });
  }

  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
