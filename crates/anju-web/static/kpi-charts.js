// KPI charts: draws every <div class="chart" data-chart='{...}'> with the
// vendored ECharts (load /static/vendor/echarts/echarts.min.js first). A file
// of its own, not inline, because the content security policy allows scripts
// from this site only; the data travels in the data-chart attribute.
//
// Kinds, by the JSON's "kind":
//   line (the default): {"title", "years": [..], "values": [number|null],
//     "targets": [number|null], "unit": "%"} — the actual values as a solid
//     line, the target path dashed; null leaves a gap.
//   bar: {"kind": "bar", "title", "labels": [..], "values": [..],
//     "band": [lo, hi], "unit"} — bars, the band shaded, bars outside it red.
//   gauge: {"kind": "gauge", "title", "value", "min", "max", "band": [lo, hi],
//     "unit"} — one needle, the band green on the dial.
//
// Sets window.__chartsReady = true once the charts on the page are drawn
// (window.__chartsDrawn counts them), so browser tests can wait for it.
// Charts in content htmx swaps in are drawn too.
(function () {
  'use strict';

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var BLUE = '#1f5fa8';
  var GREY = '#8a8f98';
  var RED = '#c0392b';
  var GREEN = '#2e8b57';
  var charts = [];

  function isNumber(v) {
    return typeof v === 'number' && isFinite(v);
  }

  function formatter(unit) {
    return function (v) {
      return isNumber(v) ? String(Math.round(v * 100) / 100) + (unit || '') : '无数据';
    };
  }

  function base(spec) {
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      title: { text: spec.title || '', left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
      grid: { left: 48, right: 24, top: 56, bottom: 32, containLabel: true }
    };
  }

  function lineOption(spec) {
    var unit = spec.unit || '';
    var option = base(spec);
    option.tooltip = { trigger: 'axis', valueFormatter: formatter(unit) };
    option.legend = { top: 26, data: ['实际', '目标'] };
    option.xAxis = { type: 'category', data: (spec.years || []).map(String), boundaryGap: false };
    option.yAxis = { type: 'value', scale: true, axisLabel: { formatter: '{value}' + unit } };
    option.series = [
      {
        name: '实际',
        type: 'line',
        data: (spec.values || []).map(function (v) { return isNumber(v) ? v : null; }),
        connectNulls: false,
        symbolSize: 6,
        itemStyle: { color: BLUE },
        lineStyle: { color: BLUE, width: 2 }
      },
      {
        name: '目标',
        type: 'line',
        data: (spec.targets || []).map(function (v) { return isNumber(v) ? v : null; }),
        connectNulls: true,
        symbol: 'none',
        itemStyle: { color: GREY },
        lineStyle: { color: GREY, width: 1.5, type: 'dashed' }
      }
    ];
    return option;
  }

  function inBand(v, band) {
    return !band || band.length !== 2 || (v >= band[0] && v <= band[1]);
  }

  function barOption(spec) {
    var unit = spec.unit || '';
    var band = Array.isArray(spec.band) && spec.band.length === 2 ? spec.band : null;
    var option = base(spec);
    option.tooltip = { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: formatter(unit) };
    option.xAxis = { type: 'category', data: (spec.labels || []).map(String), axisLabel: { interval: 0 } };
    option.yAxis = { type: 'value', axisLabel: { formatter: '{value}' + unit } };
    var series = {
      name: spec.title || '',
      type: 'bar',
      barMaxWidth: 40,
      data: (spec.values || []).map(function (v) {
        if (!isNumber(v)) return null;
        return { value: v, itemStyle: { color: inBand(v, band) ? BLUE : RED } };
      }),
      label: { show: true, position: 'top', formatter: function (p) { return formatter(unit)(p.value); } }
    };
    if (band) {
      option.grid.right = 48; // room for the band's labels
      series.markArea = {
        silent: true,
        itemStyle: { color: 'rgba(46, 139, 87, 0.12)' },
        data: [[{ yAxis: band[0] }, { yAxis: band[1] }]]
      };
      series.markLine = {
        silent: true,
        symbol: 'none',
        lineStyle: { color: GREEN, type: 'dashed' },
        label: { formatter: function (p) { return formatter(unit)(p.value); } },
        data: [{ yAxis: band[0] }, { yAxis: band[1] }]
      };
    }
    option.series = [series];
    return option;
  }

  function gaugeOption(spec) {
    var unit = spec.unit || '';
    var min = isNumber(spec.min) ? spec.min : 0;
    var max = isNumber(spec.max) ? spec.max : 100;
    var span = max - min || 1;
    var colors = [[1, BLUE]];
    if (Array.isArray(spec.band) && spec.band.length === 2) {
      var lo = Math.min(Math.max((spec.band[0] - min) / span, 0), 1);
      var hi = Math.min(Math.max((spec.band[1] - min) / span, 0), 1);
      colors = [[lo, RED], [hi, GREEN], [1, RED]];
    }
    var option = base(spec);
    option.series = [
      {
        type: 'gauge',
        min: min,
        max: max,
        center: ['50%', '60%'],
        axisLine: { lineStyle: { width: 12, color: colors } },
        detail: { formatter: function (v) { return formatter(unit)(v); }, fontSize: 18, offsetCenter: [0, '40%'] },
        data: [{ value: isNumber(spec.value) ? spec.value : 0, name: isNumber(spec.value) ? '' : '无数据' }]
      }
    ];
    return option;
  }

  function option(spec) {
    if (spec.kind === 'bar') return barOption(spec);
    if (spec.kind === 'gauge') return gaugeOption(spec);
    return lineOption(spec);
  }

  // A chart in a closed <details> has no size yet: it is drawn when opened.
  function folded(el) {
    var details = el.closest('details');
    return details !== null && !details.open;
  }

  function draw(el) {
    if (el.getAttribute('data-chart-drawn') || folded(el)) return false;
    el.setAttribute('data-chart-drawn', '1');
    var spec;
    try {
      spec = JSON.parse(el.getAttribute('data-chart') || '{}');
    } catch (e) {
      el.textContent = '图表数据有误';
      return false;
    }
    if (!el.clientHeight) el.style.height = '280px';
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option(spec));
    charts.push(chart);
    return true;
  }

  function drawAll(root) {
    var drawn = 0;
    if (!window.echarts) {
      window.__chartsError = 'echarts not loaded';
    } else {
      // Charts htmx swapped out: let go of them.
      charts = charts.filter(function (chart) {
        if (chart.getDom().isConnected) return true;
        chart.dispose();
        return false;
      });
      root = root || document;
      var els = Array.prototype.slice.call(root.querySelectorAll('div.chart[data-chart]'));
      if (root.matches && root.matches('div.chart[data-chart]')) els.unshift(root);
      for (var i = 0; i < els.length; i++) {
        if (draw(els[i])) drawn += 1;
      }
    }
    window.__chartsDrawn = (window.__chartsDrawn || 0) + drawn;
    window.__chartsReady = true;
  }

  // `toggle` does not bubble: listen in the capture phase.
  document.addEventListener('toggle', function (event) {
    if (event.target.open) drawAll(event.target);
  }, true);

  // A link to a folded section (the page's contents) opens it, also when
  // the address already names it (the section was closed by hand since).
  function openSection(hash) {
    var target = hash && document.getElementById(hash.slice(1));
    if (target && target.tagName === 'DETAILS') target.open = true;
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link) openSection(link.getAttribute('href'));
  });
  window.addEventListener('hashchange', function () { openSection(location.hash); });
  openSection(location.hash);

  window.addEventListener('resize', function () {
    for (var i = 0; i < charts.length; i++) charts[i].resize();
  });
  document.addEventListener('htmx:afterSettle', function (event) {
    drawAll(event.target);
  });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { drawAll(document); });
  } else {
    drawAll(document);
  }
})();
