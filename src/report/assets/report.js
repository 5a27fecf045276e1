/*
 * otelsim report: draws the page from the JSON in #otelsim-data (written by
 * src/report/emit.c). Plain DOM and SVG, no library, nothing fetched: the
 * page works offline and under its Content-Security-Policy. Text from the
 * data is only ever set as textContent or an attribute, never as HTML.
 *
 * Hooks for tests and for people who script the page: every count has a
 * data-count/data-value, table rows data-trace/data-log, waterfall rows
 * data-span, ground-truth windows rect.gt-window, and <html data-ready>
 * once the first view is drawn.
 */
(function () {
  'use strict';

  var D = JSON.parse(document.getElementById('otelsim-data').textContent);
  var S = D.strings;
  var T0 = BigInt(D.t0_ns);
  var T0MS = Number(T0 / 1000000n);
  var T0SUB = Number(T0 % 1000000n);
  var SVGNS = 'http://www.w3.org/2000/svg';
  var KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  var SEV = ['UNSET', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  var PALETTE = ['#2f6fde', '#1a9e77', '#d9822b', '#7b5fd6', '#c2417a', '#2a9fb6', '#8a9a1f',
    '#b35c3a', '#5468a8', '#3b8f4e', '#a1479f', '#6f7d8c', '#cf5f5f', '#4d9ad6', '#b08f2a'];
  var INJ = D.injections || [];

  /* ---- small helpers ---- */

  function h(tag, props) {
    var el = document.createElement(tag);
    if (props) {
      for (var k in props) {
        var v = props[k];
        if (v === undefined || v === null) continue;
        if (k === 'text') el.textContent = v;
        else if (k === 'class') el.className = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v);
      }
    }
    for (var i = 2; i < arguments.length; i++) add(el, arguments[i]);
    return el;
  }
  function add(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { add(el, x); }); return; }
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  function sv(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) {
      if (k === 'text') el.textContent = attrs[k];
      else el.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) el.appendChild(arguments[i]);
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function fmtNum(n) {
    if (typeof n !== 'number' || !isFinite(n)) return String(n);
    var neg = n < 0, s = String(Math.abs(Math.round(n)));
    var out = '';
    while (s.length > 3) { out = ',' + s.slice(-3) + out; s = s.slice(0, -3); }
    return (neg ? '-' : '') + s + out;
  }
  /* axis labels: short, with k/M/G/T suffixes */
  function fmtAxis(v) {
    var a = Math.abs(v), u = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
    for (var i = 0; i < u.length; i++) if (a >= u[i][0]) return String(Math.round(v / u[i][0] * 100) / 100) + u[i][1];
    return a && a < 1e-3 ? v.toExponential(1) : String(Math.round(v * 1000) / 1000);
  }
  function fmtFloat(v) {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'number') return String(v);
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e9 || a < 1e-3)) return v.toExponential(3);
    if (Number.isInteger(v)) return fmtNum(v);
    return String(Math.round(v * 1000) / 1000);
  }
  function fmtDur(ns) {
    if (ns < 1000) return Math.round(ns) + ' ns';
    if (ns < 1e6) return (ns / 1e3).toFixed(ns < 1e4 ? 2 : 1) + ' \u00b5s';
    if (ns < 1e9) return (ns / 1e6).toFixed(ns < 1e7 ? 2 : 1) + ' ms';
    if (ns < 6e10) return (ns / 1e9).toFixed(2) + ' s';
    if (ns < 3.6e12) return (ns / 6e10).toFixed(1) + ' min';
    return (ns / 3.6e12).toFixed(1) + ' h';
  }
  function pct(a, b) { return b ? (100 * a / b).toFixed(a && a * 1000 < b ? 2 : 1) + '%' : '-'; }
  function absMs(rel) { return T0MS + (T0SUB + rel) / 1e6; }
  function pad(n, w) { var s = String(n); while (s.length < w) s = '0' + s; return s; }
  function fmtTime(rel, full) {
    var ms = absMs(rel), d = new Date(Math.floor(ms));
    var t = pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2) +
      '.' + pad(d.getUTCMilliseconds(), 3);
    if (full || D.range > 864e11) t = d.toISOString().slice(0, 10) + ' ' + t;
    return t;
  }
  function svcColor(i) {
    var k = serviceOrder[i];
    return PALETTE[(k === undefined ? i : k) % PALETTE.length];
  }
  function chip(svc) {
    var c = h('span', { class: 'chip', text: S[svc] });
    c.style.background = svcColor(svc);
    return c;
  }
  function fmtVal(v) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return '[' + v.map(fmtVal).join(', ') + ']';
    if (v.b64 !== undefined) return 'base64:' + v.b64 + (v.len ? ' (' + v.len + ' bytes)' : '');
    if (v.kv) return '{' + v.kv.map(function (p) { return p[0] + '=' + fmtVal(p[1]); }).join(', ') + '}';
    return JSON.stringify(v);
  }
  function kvTable(attrs, cls) {
    if (!attrs || !attrs.length) return h('div', { class: 'muted', text: 'none' });
    return h('table', { class: cls || '' }, h('tbody', null, attrs.map(function (p) {
      return h('tr', null, h('td', { class: 'mono', text: p[0] }), h('td', { class: 'kv mono', text: fmtVal(p[1]) }));
    })));
  }
  function note(text, bad) { return h('div', { class: 'note' + (bad ? ' bad' : ''), text: text }); }
  function card(key, label, v, bad) {
    return h('div', { class: 'card' + (bad ? ' bad' : ''), 'data-count': key, 'data-value': String(v) },
      h('div', { class: 'v', text: fmtNum(v) }), h('div', { class: 'k', text: label }));
  }
  function sevName(n, text) {
    if (text) return text;
    if (!n) return '-';
    var b = SEV[Math.floor((n - 1) / 4) + 1], k = (n - 1) % 4;
    return k ? b + (k + 1) : b;
  }
  function sevClass(n) { return n >= 17 ? 'err' : n >= 13 ? 'warn' : ''; }

  var tip = h('div', { class: 'tip' });
  document.body.appendChild(tip);
  function showTip(e, text) {
    tip.textContent = text;
    tip.style.display = 'block';
    tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 260) + 'px';
    tip.style.top = (e.clientY + 12) + 'px';
  }
  function hideTip() { tip.style.display = 'none'; }

  /* services in the order of the data, for stable colours */
  var serviceOrder = {};
  D.services.forEach(function (s, i) { serviceOrder[s[0]] = i; });

  /* ---- charts ---- */

  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) return [lo];
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
    var err = (hi - lo) / n / step;
    step *= err >= 7.5 ? 10 : err >= 3.5 ? 5 : err >= 1.5 ? 2 : 1;
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
    return out;
  }

  /*
   * A time chart: x is nanoseconds since t0 over [x0, x1], series are
   * {name, color, pts: [[x, y]], bars: width}. Ground-truth windows are
   * shaded behind. Returns a DOM element (svg and legend).
   */
  function timeChart(o) {
    var W = o.width || 860, H = o.height || 180, L = 64, R = 12, T = 10, B = 24;
    var x0 = o.x0 === undefined ? 0 : o.x0, x1 = o.x1 === undefined ? Math.max(D.range, 1) : o.x1;
    if (x1 <= x0) x1 = x0 + 1;
    var ymax = 0, ymin = 0;
    o.series.forEach(function (s) {
      s.pts.forEach(function (p) {
        if (p[1] === null || !isFinite(p[1])) return;
        if (p[1] > ymax) ymax = p[1];
        if (p[1] < ymin) ymin = p[1];
      });
    });
    if (ymax === ymin) ymax = ymin + 1;
    var X = function (x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
    var Y = function (y) { return T + (1 - (y - ymin) / (ymax - ymin)) * (H - T - B); };
    var svg = sv('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, class: 'chart' });
    var grid = sv('g', { class: 'grid' }), axis = sv('g', { class: 'axis' });
    niceTicks(ymin, ymax, 4).forEach(function (v) {
      grid.appendChild(sv('line', { x1: L, x2: W - R, y1: Y(v), y2: Y(v) }));
      axis.appendChild(sv('text', { x: L - 6, y: Y(v) + 4, 'text-anchor': 'end', text: o.yfmt ? o.yfmt(v) : fmtAxis(v) }));
    });
    var span = x1 - x0;
    niceTicks(x0, x1, Math.max(2, Math.floor((W - L - R) / 130))).forEach(function (v) {
      axis.appendChild(sv('line', { x1: X(v), x2: X(v), y1: H - B, y2: H - B + 4 }));
      axis.appendChild(sv('text', { x: X(v), y: H - 6, 'text-anchor': 'middle',
        text: o.relAxis ? fmtDur(v - x0) : fmtTime(v).slice(span > 6e10 ? 0 : 3, span > 6e10 ? 8 : 12) }));
    });
    axis.appendChild(sv('line', { x1: L, x2: W - R, y1: H - B, y2: H - B }));
    svg.appendChild(grid);
    if (o.windows !== false) drawWindows(svg, X, x0, x1, T, H - B);
    svg.appendChild(axis);
    o.series.forEach(function (s) {
      if (s.bars) {
        var g = sv('g', { fill: s.color });
        s.pts.forEach(function (p) {
          if (!p[1]) return;
          var xa = X(p[0]), xb = X(Math.min(p[0] + s.bars, x1));
          g.appendChild(sv('rect', { x: xa, y: Y(p[1]), width: Math.max(xb - xa - 0.5, 1), height: Math.max(Y(ymin) - Y(p[1]), 0.5) }));
        });
        svg.appendChild(g);
        return;
      }
      var d = '', pen = false;
      s.pts.forEach(function (p) {
        if (p[1] === null || !isFinite(p[1])) { pen = false; return; }
        d += (pen ? 'L' : 'M') + X(p[0]).toFixed(1) + ' ' + Y(p[1]).toFixed(1);
        pen = true;
      });
      svg.appendChild(sv('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': 1.6 }));
      if (s.pts.length <= 60) {
        var g2 = sv('g', { fill: s.color });
        s.pts.forEach(function (p) { if (p[1] !== null && isFinite(p[1])) g2.appendChild(sv('circle', { cx: X(p[0]), cy: Y(p[1]), r: 2 })); });
        svg.appendChild(g2);
      }
    });
    svg.addEventListener('mousemove', function (e) {
      var r = svg.getBoundingClientRect(), x = x0 + (e.clientX - r.left - L) / (W - L - R) * (x1 - x0);
      var lines = [(o.relAxis ? fmtDur(x - x0) : fmtTime(x, true))];
      o.series.forEach(function (s) {
        var best = null, bd = Infinity;
        s.pts.forEach(function (p) {
          var dd = s.bars ? (x >= p[0] && x < p[0] + s.bars ? 0 : Infinity) : Math.abs(p[0] - x);
          if (dd < bd) { bd = dd; best = p; }
        });
        if (best && best[1] !== null) lines.push(s.name + ': ' + (o.yfmt ? o.yfmt(best[1]) : fmtFloat(best[1])));
      });
      inWindows(x).forEach(function (w) { lines.push('ground truth: ' + (w.id || w.kind) + ' (' + w.kind + ')'); });
      showTip(e, lines.join('\n'));
    });
    svg.addEventListener('mouseleave', hideTip);
    var box = h('div', { class: 'chart-box' }, svg);
    if (o.series.length > 1 || o.legend) {
      box.appendChild(h('div', { class: 'legend' }, o.series.map(function (s) {
        var i = h('i'); i.style.background = s.color;
        return h('span', null, i, s.name);
      }), INJ.length && o.windows !== false ? h('span', null, (function () { var i = h('i'); i.style.background = 'rgba(211,49,47,.25)'; return i; })(), 'ground-truth window') : null));
    }
    return box;
  }
  function inWindows(x) { return INJ.filter(function (w) { return x >= w.start && x <= w.end; }); }
  function drawWindows(svg, X, x0, x1, top, bottom) {
    var g = sv('g', { class: 'gt' });
    INJ.forEach(function (w, i) {
      if (w.end < x0 || w.start > x1) return;
      var a = X(Math.max(w.start, x0)), b = X(Math.min(w.end, x1));
      g.appendChild(sv('rect', { class: 'gt-window', 'data-injection': w.id || String(i), x: a, y: top, width: Math.max(b - a, 2), height: bottom - top }));
      g.appendChild(sv('text', { class: 'gt-label', x: a + 2, y: top + 10, text: (w.id || w.kind) + (w.service ? ' @ ' + w.service : '') }));
    });
    svg.appendChild(g);
  }

  /* ---- summary ---- */

  var C = D.counts;
  function renderSummary(sec) {
    sec.appendChild(h('div', { class: 'cards', id: 'counts' },
      card('traces', 'traces', C.traces),
      card('spans', 'spans', C.spans),
      card('error_traces', 'error traces', C.error_traces, C.error_traces > 0),
      card('error_spans', 'error spans', C.error_spans, C.error_spans > 0),
      card('services', 'services', C.services),
      card('metric_streams', 'metric streams', C.metric_streams),
      card('data_points', 'data points', C.data_points),
      card('log_records', 'log records', C.log_records),
      card('events', 'events', C.events),
      card('injections', 'ground-truth injections', C.injections)));
    sec.appendChild(h('p', { class: 'muted' }, 'From ', h('b', { text: fmtTime(0, true) }), ' to ',
      h('b', { text: fmtTime(D.range, true) }), ' UTC (' + fmtDur(D.range) + ').'));
    if (C.sampled_traces < C.traces)
      sec.appendChild(note('The trace table holds a sample of ' + fmtNum(C.sampled_traces) + ' of ' + fmtNum(C.traces) +
        ' traces (--sample-traces ' + C.sample_limit + ', error traces first); every other view counts all of them.'));
    D.manifests.forEach(function (m) {
      m.problems.forEach(function (p) { sec.appendChild(note(m.dir + '/' + p, true)); });
    });
    var tl = D.timeline, pts = function (a) { return a.map(function (v, i) { return [i * tl.step, v]; }); };
    if (C.traces) {
      sec.appendChild(h('h2', { text: 'Traces over time' }));
      sec.appendChild(timeChart({ id: 'timeline', legend: true, series: [
        { name: 'traces started', color: '#8fb0ea', pts: pts(tl.traces), bars: tl.step },
        { name: 'error traces', color: '#d3312f', pts: pts(tl.error_traces), bars: tl.step }] }));
    } else if (C.log_records || INJ.length) {
      sec.appendChild(h('h2', { text: 'Log records over time' }));
      sec.appendChild(timeChart({ legend: true, series: [
        { name: 'log records', color: '#8fb0ea', pts: pts(tl.logs), bars: tl.step },
        { name: 'WARN and above', color: '#d3312f', pts: pts(tl.warn_logs), bars: tl.step }] }));
    }
    D.manifests.forEach(function (m) { sec.appendChild(renderManifest(m)); });
    sec.appendChild(h('h2', { text: 'Files read' }));
    sec.appendChild(h('table', { id: 'files' }, h('thead', null, h('tr', null,
      ['file', 'signals', 'encoding', 'records', 'spans', 'points', 'log records', 'size', 'SHA-256'].map(function (t, i) {
        return h('th', { class: i >= 3 && i <= 7 ? 'num' : '', text: t });
      }))), h('tbody', null, D.files.map(function (f) {
      return h('tr', null, h('td', { class: 'mono', text: f.path }), h('td', { text: f.signals.join(', ') }),
        h('td', { text: f.framing + (f.compression !== 'none' ? ', ' + f.compression : '') }),
        h('td', { class: 'num', text: fmtNum(f.records) }), h('td', { class: 'num', text: fmtNum(f.spans) }),
        h('td', { class: 'num', text: fmtNum(f.points) }), h('td', { class: 'num', text: fmtNum(f.logs) }),
        h('td', { class: 'num', text: fmtNum(f.size) }), h('td', { class: 'mono', text: f.sha256 }));
    }))));
    sec.appendChild(h('p', { class: 'muted', text: 'Written by ' + D.tool + '.' }));
  }

  function scalarRows(obj, skip) {
    var rows = [];
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (skip.indexOf(k) >= 0) return;
      if (v !== null && typeof v === 'object') {
        if (Array.isArray(v)) { if (v.every(function (x) { return typeof x !== 'object'; })) rows.push([k, v.join(', ')]); return; }
        Object.keys(v).forEach(function (k2) { if (typeof v[k2] !== 'object') rows.push([k + '.' + k2, v[k2]]); });
        return;
      }
      rows.push([k, v]);
    });
    return rows;
  }
  function renderManifest(m) {
    var man = m.manifest, box = h('div', { class: 'manifest' });
    box.appendChild(h('h2', null, 'Dataset ', h('span', { class: 'mono', text: man.dataset || m.dir })));
    var scen = (man.scenarios || []).map(function (s) { return s.name + (s.file ? ' (' + s.file + ')' : ''); }).join(', ');
    var rows = [];
    if (scen) rows.push(['scenarios', scen]);
    rows = rows.concat(scalarRows(man, ['scenarios', 'files', 'counts']));
    box.appendChild(kvTable(rows, 'manifest-fields'));
    if (man.counts && typeof man.counts === 'object') {
      box.appendChild(h('h3', { text: 'Counts (manifest)' }));
      box.appendChild(h('div', { class: 'cards' }, Object.keys(man.counts).map(function (k) {
        var v = man.counts[k];
        return typeof v === 'object' ? null : h('div', { class: 'card', 'data-manifest-count': k }, h('div', { class: 'v', text: typeof v === 'number' ? fmtNum(v) : String(v) }), h('div', { class: 'k', text: k.replace(/_/g, ' ') }));
      })));
    }
    var files = man.files || [];
    if (files.length) {
      var cols = [];
      files.forEach(function (f) { Object.keys(f).forEach(function (k) { if (typeof f[k] !== 'object' && cols.indexOf(k) < 0) cols.push(k); }); });
      box.appendChild(h('h3', { text: 'Files (manifest)' }));
      box.appendChild(h('table', { class: 'manifest-files' }, h('thead', null, h('tr', null, cols.map(function (c) { return h('th', { text: c }); }))),
        h('tbody', null, files.map(function (f) {
          return h('tr', null, cols.map(function (c) {
            var v = f[c];
            return h('td', { class: c === 'sha256' || c === 'name' ? 'mono' : typeof v === 'number' ? 'num' : '', text: v === undefined ? '' : typeof v === 'number' ? fmtNum(v) : String(v) });
          }));
        }))));
    }
    return box;
  }

  /* ---- services ---- */

  function renderServices(sec) {
    sec.appendChild(h('h2', { text: 'Service graph' }));
    sec.appendChild(h('p', { class: 'muted', text: 'A call is a span whose parent is in another service; each edge shows calls, error share and the callee span\'s p50/p99 latency.' }));
    if (!D.edges.length && !C.spans) sec.appendChild(note('No spans in these files.'));
    else sec.appendChild(h('div', { class: 'graph-wrap' }, serviceGraph()));
    sec.appendChild(h('h2', { text: 'Services' }));
    sec.appendChild(h('table', { id: 'services' }, h('thead', null, h('tr', null,
      ['service', 'spans', 'error spans', 'error rate', 'log records', 'data points'].map(function (t, i) { return h('th', { class: i ? 'num' : '', text: t }); }))),
    h('tbody', null, D.services.map(function (s) {
      return h('tr', { 'data-service': S[s[0]] }, h('td', null, chip(s[0])), h('td', { class: 'num', text: fmtNum(s[1]) }),
        h('td', { class: 'num' + (s[2] ? ' err' : ''), text: fmtNum(s[2]) }), h('td', { class: 'num', text: pct(s[2], s[1]) }),
        h('td', { class: 'num', text: fmtNum(s[3]) }), h('td', { class: 'num', text: fmtNum(s[4]) }));
    }))));
    if (D.edges.length) {
      sec.appendChild(h('h2', { text: 'Calls' }));
      sec.appendChild(h('table', { id: 'calls' }, h('thead', null, h('tr', null,
        ['from', 'to', 'calls', 'errors', 'error share', 'p50', 'p99', 'max'].map(function (t, i) { return h('th', { class: i > 1 ? 'num' : '', text: t }); }))),
      h('tbody', null, D.edges.map(function (e) {
        return h('tr', null, h('td', null, chip(e[0])), h('td', null, chip(e[1])), h('td', { class: 'num', text: fmtNum(e[2]) }),
          h('td', { class: 'num' + (e[3] ? ' err' : ''), text: fmtNum(e[3]) }), h('td', { class: 'num', text: pct(e[3], e[2]) }),
          h('td', { class: 'num', 'data-value': e[4], text: fmtDur(e[4]) }), h('td', { class: 'num', 'data-value': e[6], text: fmtDur(e[6]) }),
          h('td', { class: 'num', text: fmtDur(e[7]) }));
      }))));
    }
  }

  /* layered layout: a service's column is its longest call path from a caller-less service */
  function serviceGraph() {
    var nodes = D.services.filter(function (s) { return s[1] > 0; }).map(function (s) { return s[0]; });
    var out = {}, inc = {}, depth = {};
    nodes.forEach(function (n) { out[n] = []; inc[n] = 0; depth[n] = 0; });
    D.edges.forEach(function (e) { if (e[0] !== e[1] && out[e[0]] && out[e[1]] !== undefined) { out[e[0]].push(e[1]); inc[e[1]]++; } });
    for (var it = 0; it < nodes.length; it++) {
      var moved = false;
      D.edges.forEach(function (e) {
        if (e[0] === e[1] || depth[e[0]] === undefined || depth[e[1]] === undefined) return;
        if (depth[e[1]] < depth[e[0]] + 1 && depth[e[0]] + 1 < nodes.length) { depth[e[1]] = depth[e[0]] + 1; moved = true; }
      });
      if (!moved) break;
    }
    var cols = [];
    nodes.forEach(function (n) { (cols[depth[n]] = cols[depth[n]] || []).push(n); });
    var NW = 170, NH = 46, CG = 230, RG = 40, pos = {};
    var maxRows = 0;
    cols.forEach(function (c, ci) {
      (c || []).forEach(function (n, ri) { pos[n] = { x: 20 + ci * (NW + CG), y: 20 + ri * (NH + RG) }; });
      maxRows = Math.max(maxRows, (c || []).length);
    });
    var W = 40 + cols.length * (NW + CG) - CG, H = 60 + maxRows * (NH + RG);
    var svg = sv('svg', { id: 'graph', width: Math.max(W, 300), height: H + 40 });
    svg.appendChild(sv('defs', null, sv('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      sv('path', { d: 'M0 0L10 5L0 10z', fill: '#8c96a8' }))));
    var svcStat = {};
    D.services.forEach(function (s) { svcStat[s[0]] = s; });
    D.edges.forEach(function (e) {
      var a = pos[e[0]], b = pos[e[1]];
      if (!a || !b) return;
      var g = sv('g', { class: 'edge' + (e[3] ? ' err' : ''), 'data-from': S[e[0]], 'data-to': S[e[1]], 'data-calls': e[2] });
      var d, lx, ly;
      if (e[0] === e[1]) {
        d = 'M' + (a.x + NW - 30) + ' ' + (a.y + NH) + ' c 20 40, 50 10, 30 -' + (NH / 2);
        lx = a.x + NW; ly = a.y + NH + 22;
      } else if (b.x > a.x) {
        var x1 = a.x + NW, y1 = a.y + NH / 2, x2 = b.x, y2 = b.y + NH / 2;
        d = 'M' + x1 + ' ' + y1 + ' C' + (x1 + CG / 2) + ' ' + y1 + ',' + (x2 - CG / 2) + ' ' + y2 + ',' + x2 + ' ' + y2;
        lx = (x1 + x2) / 2; ly = (y1 + y2) / 2 - 4;
      } else {
        var xa = a.x + NW / 2, ya = a.y + NH, xb = b.x + NW / 2, yb = b.y + NH;
        d = 'M' + xa + ' ' + ya + ' C' + xa + ' ' + (ya + 60) + ',' + xb + ' ' + (yb + 60) + ',' + xb + ' ' + yb;
        lx = (xa + xb) / 2; ly = Math.max(ya, yb) + 50;
      }
      g.appendChild(sv('path', { d: d, 'marker-end': 'url(#arrow)' }));
      g.appendChild(sv('text', { x: lx, y: ly, 'text-anchor': 'middle', text: fmtNum(e[2]) + ' calls \u00b7 ' + pct(e[3], e[2]) + ' err' }));
      g.appendChild(sv('text', { x: lx, y: ly + 12, 'text-anchor': 'middle', text: 'p50 ' + fmtDur(e[4]) + ' \u00b7 p99 ' + fmtDur(e[6]) }));
      g.addEventListener('mousemove', function (ev) { showTip(ev, S[e[0]] + ' \u2192 ' + S[e[1]] + '\n' + fmtNum(e[2]) + ' calls, ' + fmtNum(e[3]) + ' errors (' + pct(e[3], e[2]) + ')\np50 ' + fmtDur(e[4]) + ', p90 ' + fmtDur(e[5]) + ', p99 ' + fmtDur(e[6]) + ', max ' + fmtDur(e[7])); });
      g.addEventListener('mouseleave', hideTip);
      svg.appendChild(g);
    });
    nodes.forEach(function (n) {
      var p = pos[n], st = svcStat[n];
      var g = sv('g', { class: 'node' + (st[2] ? ' err' : ''), 'data-service': S[n], transform: 'translate(' + p.x + ',' + p.y + ')' });
      g.appendChild(sv('rect', { class: 'box', width: NW, height: NH, rx: 6 }));
      g.appendChild(sv('rect', { width: 6, height: NH, rx: 2, fill: svcColor(n), stroke: 'none' }));
      g.appendChild(sv('text', { x: 14, y: 18, 'font-weight': 600, text: S[n].length > 24 ? S[n].slice(0, 23) + '\u2026' : S[n] }));
      g.appendChild(sv('text', { x: 14, y: 35, fill: '#6b7385', text: fmtNum(st[1]) + ' spans' + (st[2] ? ' \u00b7 ' + pct(st[2], st[1]) + ' err' : '') }));
      svg.appendChild(g);
    });
    return svg;
  }

  /* ---- traces ---- */

  var rows = D.rows.map(function (r, i) {
    var spans = r[7], svcs = [], names = [], seen = {}, seenN = {};
    spans.forEach(function (s) {
      if (!seen[s[3]]) { seen[s[3]] = 1; svcs.push(s[3]); }
      if (!seenN[s[2]]) { seenN[s[2]] = 1; names.push(s[2]); }
    });
    var root = r[5] >= 0 ? S[r[5]] : null, rootSvc = r[6];
    if (root === null) {
      var first = spans.filter(function (s) { return !s[1]; })[0] || spans[0];
      root = first ? first[2] : '';
      rootSvc = first ? first[3] : -1;
    }
    return { i: i, id: r[0], start: r[1], dur: r[2], nspans: r[3], errors: r[4], root: root, rootSvc: rootSvc,
      spans: spans, svcs: svcs, names: names, text: null, injected: null };
  });
  var rowById = {};
  rows.forEach(function (r) { rowById[r.id] = r; });
  INJ.forEach(function (w) {
    w.trace_ids.forEach(function (id) { var r = rowById[id]; if (r) (r.injected = r.injected || []).push(w.id || w.kind); });
  });
  function searchText(r) {
    if (r.text === null) r.text = (r.id + ' ' + r.root + ' ' + r.names.join(' ') + ' ' + r.svcs.map(function (s) { return S[s]; }).join(' ')).toLowerCase();
    return r.text;
  }

  var tstate = { sort: 'start', dir: 1, selected: null };
  var tableBody, countLine, wfBox;
  function renderTraces(sec) {
    if (!C.traces) { sec.appendChild(note('No traces in these files.')); return; }
    var sampled = C.sampled_traces < C.traces;
    sec.appendChild(note(sampled
      ? 'A deterministic sample: ' + fmtNum(C.sampled_traces) + ' of ' + fmtNum(C.traces) + ' traces (--sample-traces ' + C.sample_limit + '), every error trace first (' + fmtNum(C.error_traces) + ' in all). The graph, latency and error rates count every trace.'
      : 'All ' + fmtNum(C.traces) + ' traces.'));
    var svcSel = h('select', { id: 'f-service' }, h('option', { value: '', text: 'any service' }));
    D.services.forEach(function (s) { if (s[1]) svcSel.appendChild(h('option', { value: String(s[0]), text: S[s[0]] })); });
    var nameSel = h('select', { id: 'f-span' }, h('option', { value: '', text: 'any span name' }));
    var names = {};
    D.ops.forEach(function (o) { names[S[o[1]]] = 1; });
    Object.keys(names).sort().forEach(function (n) { nameSel.appendChild(h('option', { value: n, text: n })); });
    var errSel = h('select', { id: 'f-error' }, h('option', { value: '', text: 'errors or not' }),
      h('option', { value: 'error', text: 'with errors' }), h('option', { value: 'ok', text: 'without errors' }));
    var injSel = INJ.length ? h('select', { id: 'f-injected' }, h('option', { value: '', text: 'injected or not' }),
      h('option', { value: 'yes', text: 'in an injection' }), h('option', { value: 'no', text: 'in none' })) : null;
    var search = h('input', { id: 'f-search', type: 'search', placeholder: 'search id, name, service', size: 28 });
    var dmin = h('input', { id: 'f-min', type: 'number', min: 0, step: 'any', placeholder: 'min ms' });
    var dmax = h('input', { id: 'f-max', type: 'number', min: 0, step: 'any', placeholder: 'max ms' });
    [svcSel, nameSel, errSel, injSel, search, dmin, dmax].forEach(function (el) { if (el) el.addEventListener('input', fillTable); });
    sec.appendChild(h('div', { class: 'filters' }, search, h('label', null, 'service', svcSel), h('label', null, 'span', nameSel),
      errSel, injSel, h('label', null, 'duration', dmin, '\u2013', dmax, 'ms')));
    countLine = h('div', { id: 'trace-count', class: 'muted' });
    sec.appendChild(countLine);
    var cols = [['start', 'start (UTC)', ''], ['root', 'root span', ''], ['svcs', 'services', ''], ['nspans', 'spans', 'num'],
      ['dur', 'duration', 'num'], ['errors', 'errors', 'num'], ['id', 'trace id', '']];
    var head = h('tr', null, cols.map(function (c) {
      return h('th', { class: 'sortable ' + c[2], 'data-sort': c[0], text: c[1], onclick: function () {
        tstate.dir = tstate.sort === c[0] ? -tstate.dir : 1; tstate.sort = c[0]; fillTable();
      } });
    }));
    tableBody = h('tbody');
    sec.appendChild(h('div', { class: 'scroll' }, h('table', { id: 'traces' }, h('thead', null, head), tableBody)));
    wfBox = h('div', { id: 'waterfall-box' }, h('div', { class: 'muted', text: 'Click a trace to see its waterfall.' }));
    sec.appendChild(wfBox);
    fillTable();
  }
  function filterRows() {
    var q = document.getElementById('f-search').value.trim().toLowerCase();
    var svc = document.getElementById('f-service').value, name = document.getElementById('f-span').value;
    var err = document.getElementById('f-error').value;
    var inj = document.getElementById('f-injected') ? document.getElementById('f-injected').value : '';
    var mn = parseFloat(document.getElementById('f-min').value), mx = parseFloat(document.getElementById('f-max').value);
    return rows.filter(function (r) {
      if (q && searchText(r).indexOf(q) < 0) return false;
      if (svc && r.svcs.indexOf(+svc) < 0) return false;
      if (name && r.names.indexOf(name) < 0) return false;
      if (err === 'error' && !r.errors) return false;
      if (err === 'ok' && r.errors) return false;
      if (inj === 'yes' && !r.injected) return false;
      if (inj === 'no' && r.injected) return false;
      if (isFinite(mn) && r.dur < mn * 1e6) return false;
      if (isFinite(mx) && r.dur > mx * 1e6) return false;
      return true;
    });
  }
  function fillTable() {
    var list = filterRows(), k = tstate.sort, dir = tstate.dir;
    list.sort(function (a, b) {
      var x = k === 'svcs' ? a.svcs.length : a[k], y = k === 'svcs' ? b.svcs.length : b[k];
      return (x < y ? -1 : x > y ? 1 : a.i - b.i) * dir;
    });
    clear(tableBody);
    var frag = document.createDocumentFragment();
    list.forEach(function (r) {
      var tr = h('tr', { class: 'clickable' + (tstate.selected === r.id ? ' selected' : ''), 'data-trace': r.id, onclick: function () { openTrace(r.id); } },
        h('td', { class: 'mono', text: fmtTime(r.start) }),
        h('td', null, r.rootSvc >= 0 ? chip(r.rootSvc) : null, r.root),
        h('td', null, r.svcs.slice(0, 6).map(chip), r.svcs.length > 6 ? '+' + (r.svcs.length - 6) : null),
        h('td', { class: 'num', text: fmtNum(r.nspans) }),
        h('td', { class: 'num', 'data-value': r.dur, text: fmtDur(r.dur) }),
        h('td', { class: 'num' + (r.errors ? ' err' : ''), text: r.errors ? fmtNum(r.errors) : '' }),
        h('td', { class: 'mono' }, r.id, r.injected ? h('span', { class: 'badge bad', text: 'injected: ' + r.injected.join(', ') }) : null));
      frag.appendChild(tr);
    });
    tableBody.appendChild(frag);
    countLine.textContent = list.length === rows.length ? fmtNum(rows.length) + ' traces in the table' : fmtNum(list.length) + ' of ' + fmtNum(rows.length) + ' traces match';
    countLine.setAttribute('data-rows', String(list.length));
  }

  /* the spans of a trace in tree order: [span, depth] */
  function treeOrder(spans) {
    var byId = {}, kids = {}, roots = [];
    spans.forEach(function (s) { byId[s[0]] = s; });
    spans.forEach(function (s) {
      if (s[1] && byId[s[1]] && s[1] !== s[0]) (kids[s[1]] = kids[s[1]] || []).push(s);
      else roots.push(s);
    });
    var byStart = function (a, b) { return a[5] - b[5]; };
    roots.sort(byStart);
    var out = [], seen = {}, stack = [];
    for (var i = roots.length - 1; i >= 0; i--) stack.push([roots[i], 0]);
    while (stack.length) {
      var top = stack.pop(), s = top[0];
      if (seen[s[0]]) continue;
      seen[s[0]] = 1;
      out.push(top);
      var k = (kids[s[0]] || []).slice().sort(byStart);
      for (var j = k.length - 1; j >= 0; j--) stack.push([k[j], top[1] + 1]);
    }
    spans.forEach(function (s) { if (!seen[s[0]]) { seen[s[0]] = 1; out.push([s, 0]); } }); /* a parent cycle */
    return out;
  }

  var logsBySpan = null;
  function spanLogs(traceId, spanId) {
    if (!logsBySpan) {
      logsBySpan = {};
      D.logs.forEach(function (l) { if (l[7]) (logsBySpan[l[6] + l[7]] = logsBySpan[l[6] + l[7]] || []).push(l); });
    }
    return logsBySpan[traceId + spanId] || [];
  }

  function openTrace(id, spanId) {
    var r = rowById[id];
    showTab('traces');
    if (!r) return;
    tstate.selected = id;
    Array.prototype.forEach.call(tableBody.querySelectorAll('tr.selected'), function (tr) { tr.classList.remove('selected'); });
    var tr = tableBody.querySelector('tr[data-trace="' + id + '"]');
    if (tr) tr.classList.add('selected');
    clear(wfBox);
    var total = Math.max(r.dur, 1);
    var startAbs = r.start;
    wfBox.appendChild(h('div', { class: 'wf-head' },
      h('div', null, h('b', { text: r.root }), ' ', h('span', { class: 'mono muted', text: id })),
      h('div', { class: 'muted', text: fmtTime(r.start, true) + ' UTC \u00b7 ' + fmtDur(r.dur) + ' \u00b7 ' + fmtNum(r.nspans) + ' spans' + (r.errors ? ' \u00b7 ' + r.errors + ' with errors' : '') })));
    if (r.spans.length < r.nspans) wfBox.appendChild(note('The waterfall shows the first ' + fmtNum(r.spans.length) + ' of its ' + fmtNum(r.nspans) + ' spans.'));
    var legend = h('div', { class: 'legend' }, r.svcs.map(function (s) { var i = h('i'); i.style.background = svcColor(s); return h('span', null, i, S[s]); }));
    wfBox.appendChild(legend);
    var ticks = h('div', { class: 'ticks' });
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      var t = h('span', { text: fmtDur(total * f) });
      t.style.left = (f * 100) + '%';
      t.style.transform = 'translateX(' + (f === 0 ? '0' : f === 1 ? '-100%' : '-50%') + ')';
      ticks.appendChild(t);
    });
    wfBox.appendChild(h('div', { class: 'wf-axis' }, h('div'), ticks));
    /* ground-truth windows over this trace, shaded on every row's time axis */
    var wins = INJ.filter(function (w) { return w.end >= r.start && w.start <= r.start + r.dur; }).map(function (w) {
      var a = Math.max(w.start - r.start, 0) / total * 100, b = Math.min(w.end - r.start, total) / total * 100;
      return [a, Math.max(b - a, 0.3), w];
    });
    if (wins.length) wfBox.appendChild(h('div', { class: 'note' }, 'Ground truth over this trace: ' + wins.map(function (x) { return (x[2].id || x[2].kind) + ' (' + x[2].kind + (x[2].service ? ', ' + x[2].service : '') + ')'; }).join(', ')));
    var list = h('div', { id: 'waterfall', 'data-trace': id });
    var detail = h('div', { class: 'detail', id: 'span-detail' });
    var selectRow = null;
    treeOrder(r.spans).forEach(function (e) {
      var s = e[0], depth = e[1];
      var name = h('div', { class: 'wf-name' });
      name.style.paddingLeft = (4 + depth * 14) + 'px';
      if (s[7] === 2) name.appendChild(h('span', { class: 'err', text: '! ' }));
      name.appendChild(h('span', { text: s[2] }));
      name.appendChild(h('span', { class: 'muted', text: ' ' + S[s[3]] }));
      var track = h('div', { class: 'wf-track' });
      wins.forEach(function (x) {
        var g = h('div', { class: 'wf-gt', title: 'ground truth: ' + (x[2].id || x[2].kind) });
        g.style.left = x[0] + '%';
        g.style.width = x[1] + '%';
        track.appendChild(g);
      });
      var bar = h('div', { class: 'wf-bar' + (s[7] === 2 ? ' error' : '') });
      var left = s[5] / total * 100, width = Math.max(s[6] / total * 100, 0.15);
      bar.style.left = Math.min(left, 99.8) + '%';
      bar.style.width = Math.min(width, 100 - Math.min(left, 99.8)) + '%';
      bar.style.background = svcColor(s[3]);
      track.appendChild(bar);
      s[10].forEach(function (ev) {
        var t = h('div', { class: 'wf-tick', title: ev[1] });
        t.style.left = Math.min((s[5] + ev[0]) / total * 100, 99.8) + '%';
        track.appendChild(t);
      });
      spanLogs(id, s[0]).forEach(function (l) {
        var t = h('div', { class: 'wf-tick log', title: sevName(l[1], l[2]) + ' ' + fmtVal(l[5]) });
        t.style.left = Math.min(Math.max((l[0] - startAbs) / total * 100, 0), 99.8) + '%';
        track.appendChild(t);
      });
      var lab = h('div', { class: 'wf-label', text: fmtDur(s[6]) + (s[11].length ? '  \u2197' + s[11].length + ' link' + (s[11].length > 1 ? 's' : '') : '') });
      if (left + width <= 82) lab.style.left = (left + width + 0.5) + '%';
      else if (left >= 18) lab.style.right = (100.5 - left) + '%';
      else { lab.style.left = (left + 0.5) + '%'; lab.style.color = '#fff'; }
      track.appendChild(lab);
      var row = h('div', { class: 'wf-row', 'data-span': s[0], 'data-service': S[s[3]], 'data-error': s[7] === 2 ? '1' : '0' }, name, track);
      row.addEventListener('click', function () {
        Array.prototype.forEach.call(list.querySelectorAll('.wf-row.selected'), function (x) { x.classList.remove('selected'); });
        row.classList.add('selected');
        showSpan(detail, r, s);
      });
      if (spanId && s[0] === spanId) selectRow = row;
      list.appendChild(row);
    });
    wfBox.appendChild(list);
    wfBox.appendChild(detail);
    (selectRow || list.firstChild).click();
    if (selectRow) selectRow.scrollIntoView({ block: 'nearest' });
    else wfBox.scrollIntoView({ block: 'nearest' });
  }

  function showSpan(box, r, s) {
    clear(box);
    var res = D.resources[s[12]] || [[], ''];
    box.appendChild(h('h3', null, s[7] === 2 ? h('span', { class: 'err', text: 'ERROR ' }) : null, s[2]));
    box.appendChild(kvTable([
      ['service', S[s[3]]], ['kind', KINDS[s[4]] || String(s[4])], ['span id', s[0]], ['parent span id', s[1] || '(root)'],
      ['start', fmtTime(r.start + s[5], true) + ' UTC (+' + fmtDur(s[5]) + ')'], ['duration', fmtDur(s[6])],
      ['status', ['UNSET', 'OK', 'ERROR'][s[7]] + (s[8] ? ': ' + s[8] : '')], ['flags', '0x' + s[13].toString(16)]]));
    box.appendChild(h('h3', { text: 'Attributes (' + s[9].length + ')' }));
    box.appendChild(kvTable(s[9]));
    box.appendChild(h('h3', { text: 'Events (' + s[10].length + ')' }));
    if (!s[10].length) box.appendChild(h('div', { class: 'muted', text: 'none' }));
    s[10].forEach(function (ev) {
      box.appendChild(h('div', null, h('b', { text: ev[1] }), h('span', { class: 'muted', text: ' +' + fmtDur(ev[0]) })));
      if (ev[2].length) box.appendChild(kvTable(ev[2]));
    });
    box.appendChild(h('h3', { text: 'Links (' + s[11].length + ')' }));
    if (!s[11].length) box.appendChild(h('div', { class: 'muted', text: 'none' }));
    s[11].forEach(function (l) {
      var target = rowById[l[0]];
      box.appendChild(h('div', { class: 'mono' }, 'trace ', target ? h('a', { text: l[0], onclick: function () { openTrace(l[0], l[1]); } }) : l[0],
        ' span ' + l[1], target ? null : h('span', { class: 'muted', text: ' (not in the table)' })));
      if (l[2].length) box.appendChild(kvTable(l[2]));
    });
    var logs = spanLogs(r.id, s[0]);
    box.appendChild(h('h3', { text: 'Log records of this span (' + logs.length + ')' }));
    logs.forEach(function (l) {
      box.appendChild(h('div', null, h('span', { class: sevClass(l[1]), text: sevName(l[1], l[2]) + ' ' }), l[4] ? h('b', { text: l[4] + ' ' }) : null, fmtVal(l[5])));
    });
    box.appendChild(h('h3', { text: 'Resource' + (res[1] ? ' (scope ' + res[1] + ')' : '') }));
    box.appendChild(kvTable(res[0]));
  }

  /* ---- latency ---- */

  function binLow(b) { if (b < 4) return b; var e = Math.floor(b / 4), sub = b % 4; return (4 + sub) * Math.pow(2, e - 2); }
  function histogram(bins, w, hgt) {
    var svg = sv('svg', { class: 'hist', width: w, height: hgt });
    if (!bins.length) return svg;
    var lo = bins[0][0], hi = bins[bins.length - 1][0], n = hi - lo + 1, max = 0;
    bins.forEach(function (b) { if (b[1] > max) max = b[1]; });
    var bw = w / n;
    bins.forEach(function (b) {
      var hh = Math.max(b[1] / max * (hgt - 2), 1);
      var r = sv('rect', { x: (b[0] - lo) * bw, y: hgt - hh, width: Math.max(bw - 0.5, 0.8), height: hh, fill: '#5b8de6' });
      r.appendChild(sv('title', { text: fmtDur(binLow(b[0])) + ' \u2013 ' + fmtDur(binLow(b[0] + 1)) + ': ' + fmtNum(b[1]) }));
      svg.appendChild(r);
    });
    return svg;
  }
  var lstate = { sort: 2, dir: -1 };
  function renderLatency(sec) {
    if (!D.ops.length) { sec.appendChild(note('No spans in these files.')); return; }
    sec.appendChild(h('h2', { text: 'Latency per span name' }));
    sec.appendChild(h('p', { class: 'muted', text: 'Exact percentiles (nearest rank) over every span; histograms have four bins per doubling of the duration.' }));
    var body = h('tbody');
    var cols = [[0, 'service', ''], [1, 'span name', ''], [2, 'count', 'num'], [3, 'errors', 'num'], [-1, 'error rate', 'num'],
      [4, 'p50', 'num'], [5, 'p90', 'num'], [6, 'p99', 'num'], [7, 'max', 'num'], [null, 'histogram (min \u2013 max)', '']];
    var fill = function () {
      var k = lstate.sort, list = D.ops.slice();
      list.sort(function (a, b) {
        var x = k === -1 ? a[3] / a[2] : k <= 1 ? S[a[k]] : a[k], y = k === -1 ? b[3] / b[2] : k <= 1 ? S[b[k]] : b[k];
        return (x < y ? -1 : x > y ? 1 : 0) * lstate.dir;
      });
      clear(body);
      list.forEach(function (o) {
        body.appendChild(h('tr', { 'data-op': S[o[0]] + '\u0000' + S[o[1]] }, h('td', null, chip(o[0])), h('td', { text: S[o[1]] }),
          h('td', { class: 'num', text: fmtNum(o[2]) }), h('td', { class: 'num' + (o[3] ? ' err' : ''), text: fmtNum(o[3]) }),
          h('td', { class: 'num', text: pct(o[3], o[2]) }),
          [4, 5, 6, 7].map(function (i) { return h('td', { class: 'num', 'data-value': o[i], text: fmtDur(o[i]) }); }),
          h('td', null, histogram(o[9], 220, 26), h('div', { class: 'muted', text: fmtDur(o[8]) + ' \u2013 ' + fmtDur(o[7]) }))));
      });
    };
    sec.appendChild(h('table', { id: 'latency' }, h('thead', null, h('tr', null, cols.map(function (c) {
      return h('th', { class: (c[0] !== null ? 'sortable ' : '') + c[2], text: c[1], onclick: c[0] === null ? null : function () {
        lstate.dir = lstate.sort === c[0] ? -lstate.dir : (c[0] <= 1 && c[0] >= 0 ? 1 : -1); lstate.sort = c[0]; fill();
      } });
    }))), body));
    fill();
    sec.appendChild(h('h2', { text: 'Error rate per service' }));
    sec.appendChild(h('table', { id: 'errors-by-service' }, h('thead', null, h('tr', null, ['service', 'spans', 'error spans', 'error rate'].map(function (t, i) { return h('th', { class: i ? 'num' : '', text: t }); }))),
      h('tbody', null, D.services.filter(function (s) { return s[1]; }).map(function (s) {
        return h('tr', null, h('td', null, chip(s[0])), h('td', { class: 'num', text: fmtNum(s[1]) }), h('td', { class: 'num' + (s[2] ? ' err' : ''), text: fmtNum(s[2]) }), h('td', { class: 'num', text: pct(s[2], s[1]) }));
      }))));
  }

  /* ---- metrics ---- */

  var MTYPES = ['gauge', 'sum', 'histogram', 'exponential histogram', 'summary'];
  function unitFmt(unit) {
    if (unit === 's') return function (v) { return fmtDur(v * 1e9); };
    if (unit === 'ms') return function (v) { return fmtDur(v * 1e6); };
    if (unit === 'us') return function (v) { return fmtDur(v * 1e3); };
    if (unit === 'ns') return fmtDur;
    if (unit === 'By') return function (v) { var a = Math.abs(v); return a >= 1073741824 ? (v / 1073741824).toFixed(2) + ' GiB' : a >= 1048576 ? (v / 1048576).toFixed(2) + ' MiB' : a >= 1024 ? (v / 1024).toFixed(1) + ' KiB' : fmtFloat(v) + ' B'; };
    if (unit === '1') return function (v) { return Math.abs(v) <= 1 ? (v * 100).toFixed(1) + '%' : fmtFloat(v); };
    return fmtFloat;
  }
  /* a cumulative series as per-interval deltas (a drop is a reset: the new value counts) */
  function deltas(pts, get, cumulative) {
    var out = [], prev = null;
    pts.forEach(function (p) {
      var v = get(p);
      if (!cumulative) { out.push(v); return; }
      if (prev === null) out.push(v);
      else if (Array.isArray(v)) out.push(v.map(function (x, i) { var d = x - (prev[i] || 0); return d < 0 ? x : d; }));
      else out.push(v - prev < 0 ? v : v - prev);
      prev = v;
    });
    return out;
  }
  function bucketQuantile(counts, bounds, q, min, max) {
    var total = 0;
    counts.forEach(function (c) { total += c; });
    if (!total) return null;
    var want = q * total, acc = 0;
    for (var i = 0; i < counts.length; i++) {
      if (acc + counts[i] >= want && counts[i] > 0) {
        var lo = i === 0 ? (min !== null && min !== undefined ? Math.min(min, bounds[0]) : Math.min(0, bounds[0] || 0)) : bounds[i - 1];
        var hi = i < bounds.length ? bounds[i] : (max !== null && max !== undefined ? Math.max(max, lo) : lo);
        return lo + (hi - lo) * (want - acc) / counts[i];
      }
      acc += counts[i];
    }
    return bounds[bounds.length - 1];
  }
  /*
   * Exponential histogram points (p[5]: scale, zero count, positive offset,
   * n, n counts, negative offset, m, m counts) on one explicit grid: every
   * point downscaled to the stream's smallest scale, then the bounds of the
   * union of their buckets: negative buckets (highest index first), the
   * zero bucket (upper bound 0), an empty (0, base^lo], the positive ones.
   */
  function expExplicit(pts) {
    var dec = pts.map(function (p) {
      var a = p[5];
      if (!a || a.length < 4) return null;
      var i = 0, d = { s: a[i++], z: a[i++], po: a[i++] }, n = a[i++];
      d.pos = a.slice(i, i + n); i += n;
      d.no = a[i++]; n = a[i++] || 0;
      d.neg = a.slice(i, i + n);
      return d;
    });
    var ms = Infinity;
    dec.forEach(function (d) { if (d && d.s < ms) ms = d.s; });
    if (ms === Infinity) return null;
    var P = [], N = [], plo = Infinity, phi = -Infinity, nlo = Infinity, nhi = -Infinity;
    dec.forEach(function (d) {
      var pm = {}, nm = {};
      if (d) {
        var f = Math.pow(2, d.s - ms);
        d.pos.forEach(function (c, j) { if (!c) return; var x = Math.floor((d.po + j) / f); pm[x] = (pm[x] || 0) + c; plo = Math.min(plo, x); phi = Math.max(phi, x); });
        d.neg.forEach(function (c, j) { if (!c) return; var x = Math.floor((d.no + j) / f); nm[x] = (nm[x] || 0) + c; nlo = Math.min(nlo, x); nhi = Math.max(nhi, x); });
      }
      P.push(pm); N.push(nm);
    });
    var base = Math.pow(2, Math.pow(2, -ms)), bounds = [], k;
    for (k = nhi; k >= nlo; k--) bounds.push(-Math.pow(base, k));
    bounds.push(0);
    if (plo !== Infinity) for (k = plo; k <= phi; k++) bounds.push(Math.pow(base, k));
    var counts = dec.map(function (d, i) {
      var c = [], j;
      for (j = nhi; j >= nlo; j--) c.push(N[i][j] || 0);
      c.push(d ? d.z : 0);
      if (plo !== Infinity) { c.push(0); for (j = plo; j <= phi; j++) c.push(P[i][j] || 0); }
      return c;
    });
    return { bounds: bounds, counts: counts };
  }
  function heatMap(st, dcounts) {
    var n = dcounts.length, nb = st.bounds.length + 1, W = 420, H = Math.min(Math.max(nb * 8, 60), 160);
    var cv = h('canvas', { class: 'heat', width: W, height: H });
    var ctx = cv.getContext('2d'), max = 0;
    dcounts.forEach(function (c) { (c || []).forEach(function (v) { if (v > max) max = v; }); });
    var cw = W / Math.max(n, 1), ch = H / nb;
    dcounts.forEach(function (c, i) {
      (c || []).forEach(function (v, b) {
        if (!v) return;
        var a = Math.sqrt(v / max);
        ctx.fillStyle = 'rgba(47,111,222,' + (0.08 + 0.92 * a).toFixed(3) + ')';
        ctx.fillRect(i * cw, H - (b + 1) * ch, Math.ceil(cw), Math.ceil(ch));
      });
    });
    cv.addEventListener('mousemove', function (e) {
      var r = cv.getBoundingClientRect(), i = Math.floor((e.clientX - r.left) / cw), b = Math.floor((H - (e.clientY - r.top)) / ch);
      if (i < 0 || i >= n || b < 0 || b >= nb) return hideTip();
      var lo = b ? st.bounds[b - 1] : '-inf', hi = b < st.bounds.length ? st.bounds[b] : '+inf';
      showTip(e, fmtTime(st.points[i][0]) + '\n(' + lo + ', ' + hi + ']: ' + fmtNum((dcounts[i] || [])[b] || 0));
    });
    cv.addEventListener('mouseleave', hideTip);
    return h('div', null, h('div', { class: 'muted', text: 'buckets per interval (heat map, ' + nb + ' buckets, bottom = lowest)' }), cv);
  }
  function streamPlots(st) {
    var unit = S[st.unit], yf = unitFmt(unit), pts = st.points, cum = st.temporality === 2, out = [];
    var W = 420, Hh = 150;
    if (st.type === 0 || st.type === 1) {
      out.push(timeChart({ width: W, height: Hh, yfmt: yf, series: [{ name: S[st.name], color: '#2f6fde', pts: pts.map(function (p) { return [p[0], p[1]]; }) }] }));
      if (st.type === 1 && cum && pts.length > 1) {
        var d = deltas(pts, function (p) { return p[1]; }, true);
        out.push(timeChart({ width: W, height: Hh, yfmt: yf, legend: true, series: [{ name: 'increase per interval', color: '#1a9e77', pts: pts.map(function (p, i) { return [p[0], d[i]]; }) }] }));
      }
    } else if (st.type === 2) {
      var dc = deltas(pts, function (p) { return p[1]; }, cum);
      var db = deltas(pts, function (p) { return p[5] || []; }, cum);
      out.push(timeChart({ width: W, height: Hh, legend: true, series: [{ name: 'count per interval', color: '#2f6fde', pts: pts.map(function (p, i) { return [p[0], dc[i]]; }) }] }));
      var qs = [[0.5, 'p50', '#1a9e77'], [0.9, 'p90', '#d9822b'], [0.99, 'p99', '#d3312f']];
      out.push(timeChart({ width: W, height: Hh, yfmt: yf, series: qs.map(function (q) {
        return { name: q[1] + ' (from buckets)', color: q[2], pts: pts.map(function (p, i) { return [p[0], bucketQuantile(db[i], st.bounds, q[0], p[3], p[4])]; }) };
      }) }));
      out.push(heatMap(st, db));
    } else if (st.type === 3) {
      var ec = deltas(pts, function (p) { return p[1]; }, cum), es = deltas(pts, function (p) { return p[2] || 0; }, cum);
      out.push(timeChart({ width: W, height: Hh, legend: true, series: [{ name: 'count per interval', color: '#2f6fde', pts: pts.map(function (p, i) { return [p[0], ec[i]]; }) }] }));
      out.push(timeChart({ width: W, height: Hh, yfmt: yf, legend: true, series: [{ name: 'mean (sum / count)', color: '#1a9e77', pts: pts.map(function (p, i) { return [p[0], ec[i] ? es[i] / ec[i] : null]; }) }] }));
      var ex = expExplicit(pts);
      if (ex) {
        var eb = deltas(ex.counts.map(function (c) { return [c]; }), function (p) { return p[0]; }, cum);
        var eqs = [[0.5, 'p50', '#1a9e77'], [0.9, 'p90', '#d9822b'], [0.99, 'p99', '#d3312f']];
        out.push(timeChart({ width: W, height: Hh, yfmt: yf, series: eqs.map(function (q) {
          return { name: q[1] + ' (from buckets)', color: q[2], pts: pts.map(function (p, i) { return [p[0], bucketQuantile(eb[i], ex.bounds, q[0], p[3], p[4])]; }) };
        }) }));
        out.push(heatMap({ bounds: ex.bounds, points: pts }, eb));
      }
    } else if (st.type === 4) {
      var qn = {};
      pts.forEach(function (p) { var q = p[5] || []; for (var i = 0; i < q.length; i += 2) qn[q[i]] = 1; });
      var cols = ['#1a9e77', '#d9822b', '#d3312f', '#7b5fd6', '#2a9fb6', '#8a9a1f'];
      out.push(timeChart({ width: W, height: Hh, yfmt: yf, series: Object.keys(qn).sort(function (a, b) { return a - b; }).map(function (q, k) {
        return { name: 'q' + q, color: cols[k % cols.length], pts: pts.map(function (p) { var a = p[5] || []; for (var i = 0; i < a.length; i += 2) if (String(a[i]) === q) return [p[0], a[i + 1]]; return [p[0], null]; }) };
      }) }));
      out.push(timeChart({ width: W, height: Hh, legend: true, series: [{ name: 'count', color: '#2f6fde', pts: pts.map(function (p) { return [p[0], p[1]]; }) }] }));
    }
    return out;
  }
  function renderMetrics(sec) {
    if (!D.streams.length) { sec.appendChild(note('No metrics in these files.')); return; }
    var q = h('input', { id: 'm-search', type: 'search', placeholder: 'filter metric names', size: 30 });
    sec.appendChild(h('div', { class: 'filters' }, q, h('span', { class: 'muted', text: fmtNum(D.streams.length) + ' streams, ' + fmtNum(C.data_points) + ' data points' })));
    var groups = {}, order = [];
    D.streams.forEach(function (st, i) {
      var k = S[st.name];
      if (!groups[k]) { groups[k] = []; order.push(k); }
      groups[k].push([st, i]);
    });
    order.sort();
    var pending = [];
    var io = 'IntersectionObserver' in window ? new IntersectionObserver(function (ents) {
      ents.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); e.target._draw(); } });
    }, { rootMargin: '400px' }) : null;
    var box = h('div', { id: 'metrics' });
    order.forEach(function (name) {
      var first = groups[name][0][0];
      var g = h('div', { class: 'metric-group', 'data-metric': name },
        h('h2', null, h('span', { class: 'mono', text: name }), ' ', h('span', { class: 'badge', text: MTYPES[first.type] + (first.type === 1 ? (first.monotonic ? ', monotonic' : ', non-monotonic') : '') + (first.temporality ? (first.temporality === 2 ? ', cumulative' : ', delta') : '') }),
          S[first.unit] ? h('span', { class: 'badge', text: 'unit: ' + S[first.unit] }) : null),
        S[first.desc] ? h('div', { class: 'muted', text: S[first.desc] }) : null);
      groups[name].forEach(function (e) {
        var st = e[0];
        var plots = h('div', { class: 'plots' });
        plots.style.minHeight = '170px';
        plots._draw = function () { add(plots, streamPlots(st)); plots.style.minHeight = ''; };
        g.appendChild(h('div', { class: 'stream', 'data-stream': String(e[1]) },
          h('div', { class: 'stream-head' }, chip(st.service), st.attrs.length ? h('span', { class: 'mono', text: st.attrs.map(function (a) { return a[0] + '=' + fmtVal(a[1]); }).join(' ') }) : h('span', { class: 'muted', text: 'no attributes' }),
            h('span', { class: 'muted', text: fmtNum(st.count) + ' points' + (st.points.length < st.count ? ' (' + st.points.length + ' drawn: consecutive points grouped)' : '') })), plots));
        if (io && D.streams.length > 40) io.observe(plots); else pending.push(plots);
      });
      box.appendChild(g);
    });
    sec.appendChild(box);
    pending.forEach(function (p) { p._draw(); });
    q.addEventListener('input', function () {
      var v = q.value.toLowerCase();
      Array.prototype.forEach.call(box.children, function (g) { g.style.display = g.getAttribute('data-metric').toLowerCase().indexOf(v) >= 0 ? '' : 'none'; });
    });
  }

  /* ---- logs ---- */

  var logBody, logCount;
  function renderLogs(sec) {
    if (!C.log_records) { sec.appendChild(note('No log records or events in these files.')); return; }
    var sv7 = C.severities;
    sec.appendChild(h('div', { class: 'cards' }, card('log_records', 'log records', C.log_records), card('events', 'events (event_name set)', C.events),
      SEV.map(function (n, i) { return sv7[i] ? card('severity-' + n, n === 'UNSET' ? 'no severity' : n, sv7[i], i >= 5) : null; })));
    if (D.event_names.length) {
      sec.appendChild(h('h3', { text: 'Events by name' }));
      sec.appendChild(h('div', null, D.event_names.map(function (e) { return h('span', { class: 'badge', 'data-event': S[e[0]], text: S[e[0]] + ': ' + fmtNum(e[1]) }); })));
    }
    var tl = D.timeline, pts = function (a) { return a.map(function (v, i) { return [i * tl.step, v]; }); };
    sec.appendChild(h('h2', { text: 'Log records over time' }));
    sec.appendChild(timeChart({ legend: true, series: [{ name: 'log records', color: '#8fb0ea', pts: pts(tl.logs), bars: tl.step },
      { name: 'WARN and above', color: '#d3312f', pts: pts(tl.warn_logs), bars: tl.step }] }));
    if (C.sampled_logs < C.log_records)
      sec.appendChild(note('The table holds ' + fmtNum(C.sampled_logs) + ' of ' + fmtNum(C.log_records) + ' records (--sample-logs ' + C.log_sample_limit + '): those of the traces in the trace table first, then events, then WARN and above, then a deterministic share of the rest. The counts above cover all of them.'));
    var sevSel = h('select', { id: 'l-severity' }, h('option', { value: '0', text: 'any severity' }));
    [[1, 'TRACE'], [5, 'DEBUG'], [9, 'INFO'], [13, 'WARN'], [17, 'ERROR'], [21, 'FATAL']].forEach(function (s) { sevSel.appendChild(h('option', { value: String(s[0]), text: s[1] + ' and above' })); });
    var kindSel = h('select', { id: 'l-kind' }, h('option', { value: '', text: 'logs and events' }), h('option', { value: 'log', text: 'logs only' }), h('option', { value: 'event', text: 'events only' }));
    var svcSel = h('select', { id: 'l-service' }, h('option', { value: '', text: 'any service' }));
    D.services.forEach(function (s) { if (s[3]) svcSel.appendChild(h('option', { value: String(s[0]), text: S[s[0]] })); });
    var search = h('input', { id: 'l-search', type: 'search', placeholder: 'search body, event, attributes', size: 30 });
    [sevSel, kindSel, svcSel, search].forEach(function (el) { el.addEventListener('input', fillLogs); });
    sec.appendChild(h('div', { class: 'filters' }, search, sevSel, kindSel, svcSel));
    logCount = h('div', { id: 'log-count', class: 'muted' });
    sec.appendChild(logCount);
    logBody = h('tbody');
    sec.appendChild(h('div', { class: 'scroll' }, h('table', { id: 'logs' }, h('thead', null, h('tr', null,
      ['time (UTC)', 'severity', 'service', 'event', 'body', 'span', 'attributes'].map(function (t) { return h('th', { text: t }); }))), logBody)));
    fillLogs();
  }
  var logText = [];
  function fillLogs() {
    var sev = +document.getElementById('l-severity').value, kind = document.getElementById('l-kind').value;
    var svc = document.getElementById('l-service').value, q = document.getElementById('l-search').value.trim().toLowerCase();
    clear(logBody);
    var frag = document.createDocumentFragment(), n = 0;
    D.logs.forEach(function (l, i) {
      if (sev && l[1] < sev) return;
      if (kind === 'event' && !l[4]) return;
      if (kind === 'log' && l[4]) return;
      if (svc && l[3] !== +svc) return;
      if (q) {
        if (logText[i] === undefined) logText[i] = (l[4] + ' ' + fmtVal(l[5]) + ' ' + l[8].map(function (a) { return a[0] + '=' + fmtVal(a[1]); }).join(' ')).toLowerCase();
        if (logText[i].indexOf(q) < 0) return;
      }
      n++;
      var link = null;
      if (l[6]) {
        link = rowById[l[6]] ? h('a', { class: 'mono trace-link', 'data-trace': l[6], text: l[6].slice(0, 8) + '\u2026' + (l[7] ? ' / ' + l[7].slice(0, 8) : ''), onclick: function () { openTrace(l[6], l[7]); } })
          : h('span', { class: 'mono muted', title: 'this trace is not in the trace table', text: l[6].slice(0, 8) + '\u2026' });
      }
      frag.appendChild(h('tr', { 'data-log': String(i), 'data-severity': String(l[1]) },
        h('td', { class: 'mono', text: fmtTime(l[0]) }), h('td', { class: sevClass(l[1]), text: sevName(l[1], l[2]) }),
        h('td', null, chip(l[3])), h('td', { text: l[4] }), h('td', { class: 'kv', text: l[5] === null ? '' : fmtVal(l[5]) }),
        h('td', null, link), h('td', { class: 'mono kv', text: l[8].map(function (a) { return a[0] + '=' + fmtVal(a[1]); }).join('\n') })));
    });
    logBody.appendChild(frag);
    logCount.textContent = n === D.logs.length ? fmtNum(n) + ' records in the table' : fmtNum(n) + ' of ' + fmtNum(D.logs.length) + ' records match';
    logCount.setAttribute('data-rows', String(n));
  }

  /* ---- ground truth ---- */

  function renderTruth(sec) {
    if (!INJ.length && !D.ground_truth_files.length) {
      sec.appendChild(note('No ground_truth.json with these files: nothing was injected, or the dataset predates ground truth.'));
      return;
    }
    sec.appendChild(h('p', { class: 'muted' }, 'From ', D.ground_truth_files.join(', '), '. Each window is shaded on every time axis of this page.'));
    var tl = D.timeline, pts = function (a) { return a.map(function (v, i) { return [i * tl.step, v]; }); };
    sec.appendChild(timeChart({ legend: true, series: C.traces ? [{ name: 'traces started', color: '#8fb0ea', pts: pts(tl.traces), bars: tl.step },
      { name: 'error traces', color: '#d3312f', pts: pts(tl.error_traces), bars: tl.step }]
      : [{ name: 'log records', color: '#8fb0ea', pts: pts(tl.logs), bars: tl.step }] }));
    sec.appendChild(h('table', { id: 'injections' }, h('thead', null, h('tr', null,
      ['id', 'kind', 'scenario', 'service', 'span type', 'start (UTC)', 'end', 'length', 'spans', 'traces', 'trace ids'].map(function (t, i) { return h('th', { class: i >= 7 && i <= 9 ? 'num' : '', text: t }); }))),
    h('tbody', null, INJ.map(function (w) {
      var inTable = w.trace_ids.filter(function (id) { return rowById[id]; });
      return h('tr', { 'data-injection': w.id || '' }, h('td', { class: 'mono', text: w.id || '' }), h('td', { text: w.kind }), h('td', { text: w.scenario || '' }),
        h('td', { text: w.service || '' }), h('td', { text: w.span_type || '' }), h('td', { class: 'mono', text: w.start_text }), h('td', { class: 'mono', text: w.end_text }),
        h('td', { class: 'num', text: fmtDur(w.end - w.start) }), h('td', { class: 'num', text: w.spans < 0 ? '' : fmtNum(w.spans) }),
        h('td', { class: 'num', text: w.traces < 0 ? '' : fmtNum(w.traces) }),
        h('td', null, w.trace_ids_file ? [h('span', { class: 'mono', text: w.trace_ids_file }), ': '] : null, fmtNum(w.trace_ids.length) + ' listed',
          w.note ? h('div', { class: 'warn', text: w.note }) : null,
          inTable.length ? [' \u00b7 ', h('a', { text: inTable.length + ' in the trace table', onclick: function () { openTrace(inTable[0]); var s = document.getElementById('f-injected'); if (s) { s.value = 'yes'; fillTable(); } } })] : null));
    }))));
  }

  /* ---- tabs ---- */

  var renderers = { summary: renderSummary, services: renderServices, traces: renderTraces, latency: renderLatency,
    metrics: renderMetrics, logs: renderLogs, truth: renderTruth };
  var drawn = {};
  function showTab(name) {
    Array.prototype.forEach.call(document.querySelectorAll('#tabs button'), function (b) { b.classList.toggle('active', b.getAttribute('data-tab') === name); });
    Array.prototype.forEach.call(document.querySelectorAll('main > section'), function (s) { s.classList.toggle('active', s.id === 'sec-' + name); });
    if (!drawn[name]) { drawn[name] = true; renderers[name](document.getElementById('sec-' + name)); }
    if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  }
  Array.prototype.forEach.call(document.querySelectorAll('#tabs button'), function (b) {
    var n = b.getAttribute('data-tab');
    var count = { traces: C.traces, metrics: C.metric_streams, logs: C.log_records, truth: C.injections, services: C.services }[n];
    if (count !== undefined) b.appendChild(h('span', { class: 'badge', text: fmtNum(count) }));
    b.addEventListener('click', function () { showTab(n); });
  });
  document.getElementById('title').textContent = D.title;
  document.title = D.title + ' - otelsim report';
  document.getElementById('subtitle').textContent = fmtNum(C.traces) + ' traces \u00b7 ' + fmtNum(C.spans) + ' spans \u00b7 ' +
    fmtNum(C.services) + ' services \u00b7 ' + fmtNum(C.metric_streams) + ' metric streams \u00b7 ' + fmtNum(C.log_records) + ' log records \u00b7 ' + fmtDur(D.range);
  var start = (location.hash || '').slice(1);
  showTab(renderers[start] ? start : 'summary');
  document.documentElement.setAttribute('data-ready', '1');
  /* readyMs: since navigation started, the first view drawn (make bench reads it) */
  window.otelsimReport = { data: D, showTab: showTab, openTrace: openTrace, readyMs: performance.now() };
})();
