/**
 * The report's only script of its own: it turns the chart specs (JSON in the page)
 * into Chart.js charts. It is a plain string, not a function's source, so bundling
 * or coverage instrumentation cannot change what the browser runs. ES5-style and
 * no template literals, so nothing in it is interpolated here.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('volley-charts').textContent);
  var font = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = font;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = '#475569';
  Chart.defaults.borderColor = '#e2e8f0';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.plugins.legend.labels.boxHeight = 12;

  // Sweep charts: each point carries its stage (e.g. "c=8"); draw it beside the point.
  Chart.register({
    id: 'volleyPointLabels',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      chart.data.datasets.forEach(function (ds, i) {
        var meta = chart.getDatasetMeta(i);
        if (!ds.pointLabels || meta.hidden) return;
        ctx.save();
        ctx.font = '11px ' + font;
        ctx.fillStyle = ds.borderColor;
        meta.data.forEach(function (el, j) {
          var raw = ds.data[j];
          if (raw && raw.label != null && raw.y != null) ctx.fillText(String(raw.label), el.x + 6, el.y - 7);
        });
        ctx.restore();
      });
    }
  });

  // Time charts of a sweep: a dashed line where each stage starts.
  Chart.register({
    id: 'volleyStages',
    afterDraw: function (chart, args, options) {
      var starts = (options && options.starts) || [];
      if (starts.length < 2) return;
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#94a3b8';
      ctx.fillStyle = '#64748b';
      ctx.setLineDash([4, 4]);
      ctx.font = '10px ' + font;
      starts.forEach(function (s) {
        var px = x.getPixelForValue(s.t);
        if (px < area.left || px > area.right) return;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        var label = String(s.name), w = ctx.measureText(label).width;
        ctx.fillStyle = 'rgba(255,255,255,0.85)';
        ctx.fillRect(px + 1, area.top + 1, w + 5, 13);
        ctx.fillStyle = '#64748b';
        ctx.fillText(label, px + 3, area.top + 11);
      });
      ctx.restore();
    }
  });

  window.volleyCharts = specs.map(function (spec) {
    var config = spec.config;
    var plugins = config.options.plugins = config.options.plugins || {};
    plugins.legend = plugins.legend || { position: 'bottom' };
    plugins.tooltip = {
      callbacks: {
        title: function (items) {
          var raw = items.length && items[0].raw;
          if (raw && raw.label != null) return String(raw.label);
          return config.type === 'line' && items.length ? items[0].parsed.x + ' s' : undefined;
        }
      }
    };
    return new Chart(document.getElementById(spec.id), config);
  });
})();
`;
