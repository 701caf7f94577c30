// ops-console pages: each reads the console's JSON API (same origin, the browser's HTTP Basic credentials) and draws it.
'use strict';

const api = (path) => fetch(path, {headers: {Accept: 'application/json'}}).then((response) => {
  if (!response.ok) { throw new Error(path + ': HTTP ' + response.status); }
  return response.json();
});

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => {
    if (value !== null && value !== undefined) { node.setAttribute(name, value); }
  });
  children.flat().forEach((child) => node.append(child instanceof Node ? child : String(child ?? '')));
  return node;
}

const num = (value) => value === null || value === undefined ? '' : Number(value).toLocaleString('en-US');
const time = (value) => value ? value.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
const seconds = (millis) => millis === null || millis === undefined ? '' : (millis / 1000).toFixed(1) + ' s';
const windowText = (from, to) => from ? '[' + time(from) + ', ' + time(to) + ')' : '';
const cell = (value, className) => el('td', {class: className}, value);
const badge = (value) => value ? el('span', {class: 'badge ' + value}, value) : '';

function fill(tableId, rows) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren(...rows);
}

function runLink(requestId) {
  return el('a', {href: 'run.html?id=' + encodeURIComponent(requestId)}, requestId);
}

// --- runs -----------------------------------------------------------------------------------------------------------

let runsPage = 0;

function loadRuns() {
  const form = new FormData(document.getElementById('filter'));
  const query = new URLSearchParams({page: runsPage});
  for (const [name, value] of form.entries()) { if (value) { query.set(name, value); } }
  return api('/api/console/runs?' + query).then((page) => {
    fill('runs', page.runs.map((run) => el('tr', {'data-request-id': run.requestId},
      el('td', {}, runLink(run.requestId)), cell(run.kind), cell(run.tables.join(', ')), cell(windowText(run.windowFrom, run.windowTo)),
      cell(run.requestedBy), cell(time(run.requestedAt)), cell(run.stage), el('td', {class: 'outcome'}, badge(run.status)),
      cell(seconds(run.durationMillis), 'num'))));
    const pages = Math.max(1, Math.ceil(page.total / page.size));
    document.getElementById('page-info').textContent = 'page ' + (page.page + 1) + ' of ' + pages + ' (' + page.total + ' runs)';
    document.getElementById('newer').disabled = page.page === 0;
    document.getElementById('older').disabled = page.page + 1 >= pages;
  });
}

function runsPageInit() {
  document.getElementById('filter').addEventListener('submit', (event) => { event.preventDefault(); runsPage = 0; loadRuns(); });
  document.getElementById('newer').addEventListener('click', () => { runsPage = Math.max(0, runsPage - 1); loadRuns(); });
  document.getElementById('older').addEventListener('click', () => { runsPage += 1; loadRuns(); });
  loadRuns();
  // new runs appear while the page is open
  setInterval(loadRuns, 2000);
}

// --- one run --------------------------------------------------------------------------------------------------------

function stageBar(stages) {
  const total = stages.reduce((sum, stage) => sum + (stage.millis || 0), 0);
  return stages.map((stage) => {
    const share = total > 0 && stage.millis ? stage.millis / total : 0;
    const segment = el('div', {class: 'segment ' + stage.state, 'data-stage': stage.stage, 'data-state': stage.state,
      title: stage.stage + ' ' + stage.state + ' ' + seconds(stage.millis)},
    el('strong', {}, stage.stage), el('span', {}, stage.state === 'PENDING' ? 'pending' : stage.state === 'RUNNING' ? 'running' : seconds(stage.millis)));
    segment.style.flex = (0.15 + share) + ' 1 0';
    return segment;
  });
}

function loadRun(requestId) {
  return api('/api/console/runs/' + encodeURIComponent(requestId)).then((run) => {
    document.title = 'Run ' + run.requestId + ' · dmsflow';
    const status = document.getElementById('run-status');
    status.textContent = run.status;
    status.className = 'status ' + run.status;
    const summary = [['Kind', run.kind], ['Tables', run.tables.join(', ')], ['Window', windowText(run.windowFrom, run.windowTo)],
      ['Requested by', run.requestedBy], ['Requested', time(run.requestedAt)], ['Attempt', run.attempt],
      ...(run.repairRound ? [['Repair round', run.repairRound]] : []), ['Stage', run.stage],
      ['Engine', run.engine], ['Duration', seconds(run.durationMillis)]];
    document.getElementById('run-summary').replaceChildren(...summary.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value ?? '')]));
    document.getElementById('stage-bar').replaceChildren(...stageBar(run.stages));
    const failure = document.getElementById('failure');
    failure.hidden = !run.failure;
    if (run.failure) {
      failure.replaceChildren(el('strong', {}, 'Failed in ' + run.failure.stage + ': '), run.failure.reason,
        run.failure.errorType ? ' (' + run.failure.errorType + (run.failure.retryable ? ', retryable' : '') + ')' : '');
    }
    fill('table-counts', run.tableCounts.map((t) => el('tr', {'data-table': t.table}, cell(t.table), cell(num(t.loaded), 'num'),
      cell(num(t.staged), 'num'), cell(num(t.inserted), 'num'), cell(num(t.updated), 'num'), cell(num(t.stale), 'num'),
      cell(num(t.deleted), 'num'), cell(num(t.duplicates), 'num'), el('td', {}, badge(t.validation)))));
    fill('checks', run.checks.map((c) => el('tr', {'data-check': c.table + ' ' + c.check}, cell(c.table), cell(c.check),
      el('td', {}, badge(c.passed ? 'PASSED' : 'FAILED')), cell(c.expected, 'num'), cell(c.actual, 'num'), cell(num(c.inFlight), 'num'),
      cell(c.sampleKeys.join(', ')), cell(c.detail))));
    fill('timeline', run.timeline.map((e) => el('tr', {}, cell(time(e.occurredAt)), cell(e.type), cell(e.attempt), cell(e.producer), cell(e.summary))));
    return run;
  });
}

function runPageInit() {
  const requestId = new URLSearchParams(location.search).get('id');
  document.getElementById('run-id').textContent = requestId;
  const refresh = () => loadRun(requestId).then((run) => {
    // a running run is drawn again until it ends
    if (run.status === 'RUNNING') { setTimeout(refresh, 1000); }
  }, () => setTimeout(refresh, 1000));
  refresh();
}

// --- alerts ---------------------------------------------------------------------------------------------------------

function alertRow(alert) {
  return el('tr', {'data-event-id': alert.eventId}, cell(time(alert.occurredAt)), el('td', {}, runLink(alert.requestId)), cell(alert.type),
    cell(alert.stage), cell(alert.tables.join(', ')), cell(alertReason(alert)));
}

function alertReason(alert) {
  if (alert.failedChecks.length === 0) { return alert.reason; }
  return alert.failedChecks.map((c) => c.table + ' ' + c.check + ' expected ' + c.expected + ' actual ' + c.actual
    + (c.sampleKeys.length ? ' keys [' + c.sampleKeys.join(', ') + ']' : '')).join('; ');
}

function deadLetterRow(record) {
  return el('tr', {}, cell(time(record.deadLetteredAt)), cell(record.originalTopic), cell(record.originalPartition, 'num'),
    cell(record.originalOffset, 'num'), cell(record.key), cell(record.reason), cell(record.exception));
}

function alertsPageInit() {
  api('/api/console/alerts').then((alerts) => {
    fill('alerts', alerts.alerts.map(alertRow));
    fill('dead-letters', alerts.deadLetters.map(deadLetterRow));
  });
  const feed = document.getElementById('live-feed');
  const status = document.getElementById('feed-status');
  const source = new EventSource('/api/console/alerts/stream');
  source.addEventListener('connected', () => { status.textContent = 'live'; status.className = 'feed-status connected'; });
  source.addEventListener('alert', (event) => {
    const alert = JSON.parse(event.data);
    feed.prepend(el('li', {class: 'alert', 'data-request-id': alert.requestId}, el('strong', {}, alert.type + ' '), runLink(alert.requestId),
      ' ' + alert.stage + ': ' + alertReason(alert) + ' (' + time(alert.occurredAt) + ')'));
    document.querySelector('#alerts tbody').prepend(alertRow(alert));
  });
  source.addEventListener('dead-letter', (event) => {
    const record = JSON.parse(event.data);
    feed.prepend(el('li', {class: 'dead-letter'}, el('strong', {}, 'dead letter '), record.originalTopic + ' key ' + record.key + ': ' + record.reason));
    document.querySelector('#dead-letters tbody').prepend(deadLetterRow(record));
  });
  source.onerror = () => { status.textContent = 'reconnecting'; status.className = 'feed-status'; };
}

// --- tables ---------------------------------------------------------------------------------------------------------

function tablesPageInit() {
  api('/api/console/tables').then((tables) => fill('tables', tables.map((t) => el('tr', {'data-table': t.table},
    cell(t.table + (t.inCatalog ? '' : ' (not in the catalog)')),
    el('td', {}, t.lastSuccessfulWindow ? [windowText(t.lastSuccessfulWindow.from, t.lastSuccessfulWindow.to) || 'whole table', ' ',
      runLink(t.lastSuccessfulWindow.requestId)] : 'none'),
    el('td', {}, t.leases.length === 0 ? 'none' : t.leases.map((lease) => el('div', {}, runLink(lease.requestId), ' ' + lease.stage + ' since ' + time(lease.since)))),
    el('td', {}, t.mergedPerDay.map((d) => el('div', {}, d.day + ': ' + num(d.inserted + d.updated) + ' (+' + num(d.inserted) + ' ~' + num(d.updated) + ')')))))));
}

({runs: runsPageInit, run: runPageInit, alerts: alertsPageInit, tables: tablesPageInit})[document.body.dataset.page]();
