/**
 * The page's script, run in the browser: it follows the live stream
 * (GET /api/events), draws the tables, feeds the report's charts and sends the
 * controls to the JSON API. A plain string like the report's client script, so
 * no bundling can change what the browser runs; no template literals in it.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var state = { state: 'ready', model: 'closed', form: {} };
  var charts = {};
  var sortKey = 'requests', sortDir = -1;
  var last = null;
  var formFilled = false;

  function esc(v) {
    return String(v).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  var formats = {};
  function num(v, digits) {
    if (v === null || v === undefined || isNaN(v)) return '–';
    var d = digits === undefined ? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2) : digits;
    // One formatter per precision: toLocaleString with options builds a new one per call, the most of a 200-row table's cost.
    var f = formats[d] || (formats[d] = new Intl.NumberFormat('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 }));
    return f.format(v);
  }
  function ms(v) { return v === null || v === undefined || v === 0 ? '–' : num(v); }
  function say(text, bad) {
    var m = $('message');
    m.textContent = text || '';
    m.className = bad ? 'message bad' : 'message';
  }

  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
          say('');
          if (j.state) showState(j);
          return j;
        });
      })
      .catch(function (e) { say(e.message, true); });
  }

  function fieldValue(id) { var v = $(id).value.trim(); return v === '' ? undefined : v; }
  function numberField(id) { var v = fieldValue(id); return v === undefined ? undefined : Number(v); }

  function startBody() {
    var body = {};
    var users = numberField('f-users'), spawn = numberField('f-spawn'), rate = fieldValue('f-rate');
    var host = fieldValue('f-host'), duration = fieldValue('f-duration');
    if (state.model === 'open' || (rate !== undefined && users === undefined)) { if (rate !== undefined) body.rate = /^\d+(\.\d+)?$/.test(rate) ? Number(rate) : rate; }
    else if (users !== undefined) body.users = users;
    if (spawn !== undefined) body.spawnRate = spawn;
    if (host !== undefined) body.host = host;
    if (duration !== undefined) body.duration = duration;
    return body;
  }

  $('controls').addEventListener('submit', function (e) { e.preventDefault(); });
  $('b-start').addEventListener('click', function () { post('/api/start', startBody()); });
  $('b-apply').addEventListener('click', function () {
    if (state.model === 'open') {
      var rate = fieldValue('f-rate');
      post('/api/rate', { rate: rate !== undefined && /^\d+(\.\d+)?$/.test(rate) ? Number(rate) : rate });
    } else {
      var body = { users: numberField('f-users') };
      var spawn = numberField('f-spawn');
      if (spawn !== undefined) body.spawnRate = spawn;
      post('/api/users', body);
    }
  });
  $('b-stop').addEventListener('click', function () { post('/api/stop', {}); });
  $('b-reset').addEventListener('click', function () { post('/api/reset', {}); });

  function showState(s) {
    state = s;
    var st = s.state;
    $('state').textContent = st;
    $('state').className = 'badge state-' + st;
    if (!formFilled) {
      var f = s.form || {};
      $('f-users').value = f.users !== undefined ? f.users : '';
      $('f-spawn').value = f.spawnRate !== undefined ? f.spawnRate : '';
      $('f-rate').value = f.rate !== undefined ? f.rate : '';
      $('f-host').value = f.host !== undefined ? f.host : '';
      $('f-duration').value = f.duration !== undefined ? f.duration : '';
      formFilled = true;
    }
    var live = st === 'running' || st === 'starting';
    $('b-start').disabled = st !== 'ready' && st !== 'failed';
    $('b-apply').disabled = st !== 'running';
    $('b-stop').disabled = !live;
    $('b-reset').disabled = st !== 'running';
    $('f-host').disabled = $('f-duration').disabled = st !== 'ready';
    $('f-users').disabled = s.model === 'open' && st !== 'ready';
    $('f-rate').disabled = s.model === 'closed' && st !== 'ready';
    if (s.error) say(s.error, true);
    var dl = $('downloads');
    if (s.files && s.files.length) {
      dl.hidden = false;
      dl.querySelector('ul').innerHTML = s.files.map(function (f) {
        var name = f.split('/').pop();
        return '<li><a href="' + esc(f) + '" download="' + esc(name) + '">' + esc(name) + '</a></li>';
      }).join('');
      $('exit').textContent = 'exit code ' + s.exitCode + (s.stopReason ? ' · ' + s.stopReason : '');
    } else dl.hidden = true;
  }

  // Charts: the report's specs; the first spec of an id makes the chart, later ones add points.
  function addCharts(specs) {
    specs.forEach(function (spec) {
      var chart = charts[spec.id];
      if (!chart) {
        var card = document.createElement('div');
        card.className = 'chart';
        card.innerHTML = '<h3>' + esc(spec.title) + '</h3><div class="canvas"><canvas role="img" aria-label="' + esc(spec.title + ' chart') + '"></canvas></div>';
        $('charts').appendChild(card);
        var plugins = spec.config.options.plugins = spec.config.options.plugins || {};
        plugins.legend = { position: 'bottom' };
        spec.config.options.scales.x.max = undefined;
        charts[spec.id] = new Chart(card.querySelector('canvas'), spec.config);
        return;
      }
      spec.config.data.datasets.forEach(function (ds, i) {
        var target = chart.data.datasets[i];
        if (target) Array.prototype.push.apply(target.data, ds.data);
      });
      chart.update('none');
    });
  }
  function clearCharts() {
    Object.keys(charts).forEach(function (id) { charts[id].destroy(); });
    charts = {};
    $('charts').innerHTML = '';
  }

  var COLUMNS = [
    ['method', 'Type', true], ['name', 'Name', true], ['requests', 'Requests'], ['failures', 'Fails'], ['current', 'Current req/s'],
    ['p50', 'Median ms'], ['p95', 'p95 ms'], ['p99', 'p99 ms'], ['max', 'Max ms'], ['rps', 'Avg req/s']
  ];
  function cell(e, key, current) {
    switch (key) {
      case 'current': return current === undefined ? (e.method === '' ? null : 0) : current;
      case 'p50': case 'p95': case 'p99': case 'max': return e.latencyMs[key];
      default: return e[key];
    }
  }
  function renderTable(s) {
    var rows = s.endpoints.slice();
    var cur = s.currentRps || {};
    rows.sort(function (a, b) {
      var x = cell(a, sortKey, cur[a.method + ' ' + a.name]), y = cell(b, sortKey, cur[b.method + ' ' + b.name]);
      if (typeof x === 'string') return sortDir * x.localeCompare(y);
      return sortDir * ((x || 0) - (y || 0));
    });
    var totalCurrent = s.interval ? s.interval.rps : undefined;
    var data = rows.map(function (e) { return rowCells(e, cur[e.method + ' ' + e.name]); });
    data.push(rowCells(s.total, totalCurrent));
    patchRows($('endpoints').querySelector('tbody'), data);
    $('endpoint-count').textContent = rows.length + (rows.length === 1 ? ' endpoint' : ' endpoints');
  }
  function rowCells(e, current) {
    return COLUMNS.map(function (c) {
      var v = cell(e, c[0], current);
      if (c[2]) return [c[0] === 'name' && e.method === '' ? 'Aggregated' : String(v), 'text'];
      var text = c[0] === 'requests' || c[0] === 'failures' ? num(v, 0) : c[0] === 'current' || c[0] === 'rps' ? num(v, 1) : ms(v);
      return [text, c[0] === 'failures' && v > 0 ? 'bad' : ''];
    });
  }
  // The table is patched in place, cell by cell, and only where a text changed: with 200
  // endpoints, rebuilding it each second (innerHTML) cost the browser most of its update.
  function patchRows(tbody, data) {
    while (tbody.rows.length > data.length) tbody.deleteRow(-1);
    while (tbody.rows.length < data.length) {
      var tr = tbody.insertRow(-1);
      for (var i = 0; i < COLUMNS.length; i++) tr.insertCell(-1);
    }
    for (var r = 0; r < data.length; r++) {
      var row = tbody.rows[r];
      var cls = r === data.length - 1 ? 'total' : '';
      if (row.className !== cls) row.className = cls;
      for (var c = 0; c < data[r].length; c++) {
        var td = row.cells[c], d = data[r][c];
        if (td.textContent !== d[0]) td.textContent = d[0];
        if (td.className !== d[1]) td.className = d[1];
      }
    }
  }
  function renderHead() {
    $('endpoints').querySelector('thead').innerHTML = '<tr>' + COLUMNS.map(function (c) {
      var sorted = c[0] === sortKey;
      return '<th class="' + (c[2] ? 'text' : '') + '" aria-sort="' + (sorted ? (sortDir > 0 ? 'ascending' : 'descending') : 'none') + '"><button type="button" class="sort" data-key="' + c[0] + '">' + esc(c[1]) + (sorted ? (sortDir > 0 ? ' ▲' : ' ▼') : '') + '</button></th>';
    }).join('') + '</tr>';
  }
  $('endpoints').querySelector('thead').addEventListener('click', function (e) {
    var b = e.target.closest('button.sort');
    if (!b) return;
    var key = b.getAttribute('data-key');
    if (key === sortKey) sortDir = -sortDir; else { sortKey = key; sortDir = key === 'name' || key === 'method' ? 1 : -1; }
    renderHead();
    if (last) renderTable(last);
  });

  function cards(s) {
    var w = s.window || {};
    var items = [
      ['Users', num(s.users, 0) + (s.targetUsers !== undefined && s.targetUsers !== s.users ? ' / ' + num(s.targetUsers, 0) : '')],
      ['Requests', num(s.total.requests, 0)],
      ['Failures', num(s.total.failures, 0)],
      ['Req/s', num(w.rps !== undefined ? w.rps : s.interval && s.interval.rps, 1)],
      ['Failures/s', num(w.failuresPerSec !== undefined ? w.failuresPerSec : s.interval && s.interval.failuresPerSec, 1)],
      ['p50 ms', ms(w.p50Ms !== undefined ? w.p50Ms : s.total.latencyMs.p50)],
      ['p95 ms', ms(w.p95Ms !== undefined ? w.p95Ms : s.total.latencyMs.p95)],
      ['p99 ms', ms(w.p99Ms !== undefined ? w.p99Ms : s.total.latencyMs.p99)]
    ];
    // Open models: the arrivals started per second against the rate asked for, and those dropped (no free user).
    var a = s.arrivals;
    if (a) items.splice(1, 0, ['Arrivals/s', num(a.achievedPerSec, 1) + (a.targetPerSec !== undefined && a.targetPerSec !== null ? ' / ' + num(a.targetPerSec, 1) : '')],
      ['Dropped', a.dropped > 0 ? '<span class="pill fail">' + num(a.dropped, 0) + '</span>' : '0']);
    else if (state.model === 'open' && state.form && state.form.rate !== undefined) items.splice(1, 0, ['Arrival rate', esc(String(state.form.rate)) + (/\//.test(String(state.form.rate)) ? '' : '/s')]);
    if (s.elapsedMs !== undefined) items.push(['Elapsed', num(s.elapsedMs / 1000, 0) + ' s' + (s.durationMs ? ' / ' + num(s.durationMs / 1000, 0) + ' s' : '')]);
    if (s.stage) items.push(['Stage', esc(s.stage)]);
    $('cards').innerHTML = items.map(function (i) { return '<div class="card"><div class="label">' + i[0] + '</div><div class="value">' + i[1] + '</div></div>'; }).join('');
  }

  // The first column, and any column of words (an error message), reads from the left.
  var TEXT_COLUMNS = { Error: true };
  function table(id, head, rows, empty) {
    var el = $(id);
    el.hidden = rows.length === 0 && !empty;
    el.querySelector('.body').innerHTML = rows.length === 0 ? '<p class="muted">' + (empty || '') + '</p>' :
      '<div class="table-wrap"><table><thead><tr>' + head.map(function (h, i) { return '<th' + (i === 0 || TEXT_COLUMNS[h] ? ' class="text"' : '') + '>' + h + '</th>'; }).join('') + '</tr></thead><tbody>' +
      rows.map(function (r) { return '<tr>' + r.map(function (c, i) { return '<td' + (i === 0 || TEXT_COLUMNS[head[i]] ? ' class="text wrap"' : '') + '>' + c + '</td>'; }).join('') + '</tr>'; }).join('') + '</tbody></table></div>';
  }

  function renderLlm(s) {
    var l = s.llm;
    if (!l || !l.requests) { $('llm').hidden = true; $('llm-names').hidden = true; return; }
    var dist = [['TTFT', l.ttftMs], ['TPOT', l.tpotMs], ['ITL', l.itlMs], ['E2E', l.e2eMs]];
    table('llm', ['Metric', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms'], dist.map(function (d) {
      var x = d[1] || {};
      return [d[0], ms(x.p50), ms(x.p90), ms(x.p95), ms(x.p99), ms(x.max)];
    }));
    $('llm-rates').textContent = 'output ' + num(l.outputTokensPerSec, 1) + ' tokens/s · input ' + num(l.inputTokensPerSec, 1) + ' tokens/s · ' +
      num(l.requestsPerSec, 2) + ' requests/s' + (l.goodputPerSec !== null && l.goodputPerSec !== undefined ? ' · goodput ' + num(l.goodputPerSec, 2) + '/s' : '');
    // Per request name (report/llm-groups.ts): when several, or one whose figures are not the totals' (embeddings only).
    var names = Object.keys(l.byName || {});
    if (names.length === 1 && l.byName[names[0]].e2eMs.count === l.e2eMs.count) names = [];
    names.sort(function (a, b) { return l.byName[b].requests - l.byName[a].requests || (a < b ? -1 : 1); });
    table('llm-names', ['Name', 'Requests', 'Failed', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms', 'E2E p50 ms', 'E2E p99 ms', 'Output tok/s'], names.slice(0, 50).map(function (n) {
      var g = l.byName[n];
      var m = function (x, v) { return x && x.count ? ms(v) : '–'; };
      return [esc(n), num(g.requests, 0), num(g.failures, 0), m(g.ttftMs, g.ttftMs.p50), m(g.ttftMs, g.ttftMs.p99), m(g.tpotMs, g.tpotMs.p50), m(g.e2eMs, g.e2eMs.p50), m(g.e2eMs, g.e2eMs.p99), num(g.outputTokensPerSec, 1)];
    }));
  }

  // A sweep: one row per finished stage, then the current one (marked "running").
  function renderStages(s) {
    var rows = s.stages || [];
    var llm = rows.some(function (r) { return r.ttftP50Ms !== undefined; });
    var head = ['Stage', 'Concurrency', 'Req/s'].concat(llm ? ['Output tok/s', 'TTFT p50 ms', 'TTFT p99 ms', 'TPOT p50 ms'] : []).concat(['Errors']);
    table('stages', head, rows.map(function (r) {
      return [esc(r.name) + (r.current ? ' <span class="pill">running</span>' : ''), r.concurrency === undefined ? '–' : num(r.concurrency, 0), num(r.rps, 2)]
        .concat(llm ? [num(r.outputTokensPerSec, 1), ms(r.ttftP50Ms), ms(r.ttftP99Ms), ms(r.tpotP50Ms)] : [])
        .concat([r.failures > 0 ? '<span class="pill fail">' + num(r.failures, 0) + '</span>' : '0']);
    }));
  }

  function render(s) {
    last = s;
    cards(s);
    renderTable(s);
    renderStages(s);
    renderLlm(s);
    table('failures', ['Request', 'Error', 'Count'], (s.errors || []).slice(0, 100).map(function (e) {
      return [esc((e.method ? e.method + ' ' : '') + e.name), esc(e.message) + (e.location ? ' <span class="muted">(' + esc(e.location) + ')</span>' : ''), num(e.count, 0)];
    }), 'No failures.');
    table('checks', ['Check', 'Passes', 'Fails'], (s.checks || []).map(function (c) {
      return [esc(c.name), num(c.passes, 0), c.fails > 0 ? '<span class="pill fail">' + num(c.fails, 0) + '</span>' : '0'];
    }));
    table('thresholds', ['Threshold', 'Value', 'Verdict'], (s.thresholds || []).map(function (t) {
      return [esc(t.expression), t.value === null ? (t.note ? esc(t.note) : '–') : num(t.value) + (t.unit ? ' ' + esc(t.unit) : ''), t.ok ? '<span class="pill pass">pass</span>' : '<span class="pill fail">fail</span>'];
    }));
    var health = s.health || [];
    table('health', ['Worker', 'CPU', 'Event-loop delay p99', 'Users'], health.map(function (h) {
      return ['worker ' + h.index + (h.blockedMs ? ' <span class="pill fail">blocked ' + num(h.blockedMs / 1000, 1) + ' s</span>' : ''), num(h.cpu * 100, 0) + ' %', num(h.eventLoopDelayMs, 1) + ' ms', num(h.users, 0)];
    }));
    var over = health.filter(function (h) { return h.cpu > 0.9 || h.eventLoopDelayMs > 50 || h.blockedMs; });
    var warn = $('warning');
    warn.hidden = over.length === 0 && !(s.names && s.names.warning);
    warn.textContent = over.length ? 'The load generator is the bottleneck: figures may be wrong; add --workers or machines (worker ' + over[0].index + ': CPU ' + num(over[0].cpu * 100, 0) + ' %, event-loop delay ' + num(over[0].eventLoopDelayMs, 1) + ' ms).' : (s.names && s.names.warning && s.names.warning.message) || '';
  }

  renderHead();
  var events = new EventSource('/api/events');
  events.addEventListener('state', function (e) { showState(JSON.parse(e.data)); });
  events.addEventListener('history', function (e) { clearCharts(); addCharts(JSON.parse(e.data).charts); });
  events.addEventListener('snapshot', function (e) {
    var d = JSON.parse(e.data);
    render(d.snapshot);
    addCharts(d.charts);
  });
  events.addEventListener('reset', function () { clearCharts(); });
  events.addEventListener('final', function (e) {
    var f = JSON.parse(e.data).summary;
    if (!last) return;
    var arrivals = last.arrivals && Object.assign({}, last.arrivals, { dropped: f.counters ? f.counters.dropped_iterations : last.arrivals.dropped });
    render(Object.assign({}, last, { endpoints: f.endpoints, total: f.total, errors: f.errors, checks: f.checks, thresholds: f.thresholds, llm: f.llm, stages: f.stages || last.stages, arrivals: arrivals, interval: undefined, window: undefined, currentRps: {} }));
  });
  // After the run the server stays up; a closed stream just retries. Nothing to report then.
  events.onerror = function () {};
})();
`;
