// The live dashboard: the call list (paged and filtered by the server, pushed by …/callvert/events),
// and the selected call's timeline and waveform.
'use strict';

(() => {
  const PAGE = 50;
  const $ = id => document.getElementById(id);
  const state = { offset: 0, total: 0, rows: new Map(), selected: null, first: null, stop: null, entries: new Set() };
  let refetchTimer = null;
  let waveTimer = null;

  function query() {
    const p = new URLSearchParams({ state: $('state-filter').value, offset: state.offset, limit: PAGE });
    const q = $('text-filter').value.trim();
    if (q) p.set('q', q);
    return p.toString();
  }

  async function loadList() {
    const page = await Callvert.api('calls?' + query());
    state.total = page.total;
    const tbody = document.querySelector('#calls tbody');
    tbody.replaceChildren();
    state.rows.clear();
    for (const c of page.items) {
      const tr = row(c);
      tbody.append(tr);
      state.rows.set(c.id, tr);
    }
    const last = Math.min(state.offset + page.items.length, page.total);
    $('count').textContent = page.total === 0 ? 'no calls' : (state.offset + 1) + '–' + last + ' of ' + page.total;
    $('prev').disabled = state.offset === 0;
    $('next').disabled = last >= page.total;
  }

  function row(c) {
    const tr = Callvert.el('tr', { 'data-id': c.id, 'data-created': c.createdAt, 'data-ended': c.endedAt || '' },
      Callvert.el('td', { class: 'mono', title: c.id }, c.id.slice(0, 13) + '…'),
      Callvert.el('td', {}, Callvert.el('span', { class: 'state ' + c.state }, c.state)),
      Callvert.el('td', {}, c.direction),
      Callvert.el('td', {}, c.app || '—'),
      Callvert.el('td', { class: 'mono' }, c.callbackHost || '—'),
      Callvert.el('td', { class: 'age' }, Callvert.age((c.endedAt || Date.now()) - c.createdAt)),
      Callvert.el('td', {}, c.running + ' / ' + c.queued),
      Callvert.el('td', { class: 'mono' }, c.node));
    tr.addEventListener('click', () => select(c.id));
    if (c.id === state.selected) tr.classList.add('selected');
    return tr;
  }

  function scheduleRefetch() {
    if (refetchTimer) return;
    refetchTimer = setTimeout(() => { refetchTimer = null; loadList().catch(showError); }, 150);
  }

  function onCalls(push) {
    if (push.many) { scheduleRefetch(); return; }
    for (const c of push.changed || []) {
      const tr = state.rows.get(c.id);
      if (tr) {
        const fresh = row(c);
        tr.replaceWith(fresh);
        state.rows.set(c.id, fresh);
      } else {
        scheduleRefetch(); // a call this page does not show yet (new, or now matching)
      }
      if (c.id === state.selected) { scheduleWaveform(); scheduleTimeline(); }
    }
    for (const id of push.removed || []) {
      if (state.rows.has(id)) scheduleRefetch();
    }
  }

  // ------------------------------------------------------------------ one call

  async function select(id) {
    state.selected = id;
    for (const [rid, tr] of state.rows) tr.classList.toggle('selected', rid === id);
    $('detail-id').textContent = id;
    $('detail-hint').hidden = true;
    openStream();
    await loadTimeline();
    await loadWaveform();
  }

  async function loadTimeline() {
    const id = state.selected;
    const t = await Callvert.api('calls/' + id + '/timeline');
    if (id !== state.selected) return;
    const ul = $('timeline');
    if (state.timelineOf !== id) { // another call: start over; the same call: add what is new (rows stay put)
      ul.replaceChildren(Callvert.el('li', { class: 'muted', id: 'dropped', hidden: true }));
      state.entries.clear();
      state.first = t.entries.length ? t.entries[0].at : null;
      state.timelineOf = id;
    }
    $('dropped').hidden = !t.dropped && t.kept;
    $('dropped').textContent = t.kept ? t.dropped + ' older entries dropped (ui.timelineLimit ' + t.limit + ')'
      : 'No timeline kept for this call (yet, or newer calls took its place: ui.timelineCalls).';
    t.entries.forEach(addEntry);
  }

  function addEntry(e) {
    if (state.entries.has(e.seq)) return;
    state.entries.add(e.seq);
    if (state.first === null) state.first = e.at;
    const li = Callvert.el('li', { class: 'entry ' + e.kind, 'data-kind': e.kind, 'data-seq': e.seq },
      Callvert.el('span', { class: 't' }, '+' + (e.at - state.first) + ' ms'),
      Callvert.el('span', { class: 'kind ' + e.kind }, label(e)),
      Callvert.el('span', { class: 'what mono' }, describe(e)));
    if (e.sequence) li.setAttribute('data-sequence', e.sequence);
    if (e.kind === 'attempt') {
      li.setAttribute('data-result', e.result);
      li.setAttribute('data-status', e.status);
      if (e.result === 'retry' || e.result === 'moved') li.classList.add('failed');
      if (e.result === 'deadLettered') li.classList.add('dead');
    }
    const later = [...$('timeline').querySelectorAll('li.entry')].find(x => Number(x.dataset.seq) > e.seq);
    $('timeline').insertBefore(li, later || null); // in seq order, also when a push and a read overlap
    if (e.kind === 'notification' && (e.status || e.resource === 'call')) scheduleWaveform();
  }

  function label(e) {
    if (e.kind === 'request') return e.who === 'caller' ? 'caller' : 'bot request';
    if (e.kind === 'notification') {
      if (e.tone) return 'tone';
      if (e.status) return 'operation';
      return 'notification';
    }
    if (e.kind === 'media') return 'media socket';
    return 'delivery';
  }

  function describe(e) {
    switch (e.kind) {
      case 'request':
        return e.method + ' ' + e.path.replace(/\/calls\/[0-9a-f-]{36}/i, '/calls/{id}') + ' → ' + e.status
          + ' (' + e.latencyMs + ' ms)' + (e.operationId ? ' op ' + e.operationId.slice(0, 8) + '…' : '');
      case 'notification':
        return '#' + e.sequence + ' ' + e.changeType + ' ' + e.resource
          + (e.status ? ' ' + e.status : '') + (e.state ? ' ' + e.state : '')
          + (e.tone ? ' toneInfo ' + e.tone : '') + (e.resultInfo ? ' resultInfo ' + e.resultInfo : '');
      case 'attempt':
        return '#' + e.sequence + ' attempt ' + e.attempt + ' → ' + (e.status || 'no answer') + ' (' + e.latencyMs + ' ms) '
          + e.result + (e.error ? ' — ' + e.error : '');
      case 'media':
        return e.event === 'opened' ? 'opened' : 'closed ' + e.code + (e.reason ? ' ' + e.reason : '') + ' (by the ' + e.by + ')';
      default:
        return JSON.stringify(e);
    }
  }

  /** Another node's call pushes no entries here: its timeline is read again when the call changes. */
  let timelineTimer = null;
  function scheduleTimeline() {
    if (timelineTimer) return;
    timelineTimer = setTimeout(() => { timelineTimer = null; loadTimeline().catch(() => {}); }, 300);
  }

  function scheduleWaveform() {
    if (waveTimer) return;
    waveTimer = setTimeout(() => { waveTimer = null; loadWaveform().catch(() => {}); }, 300);
  }

  async function loadWaveform() {
    const id = state.selected;
    if (!id) return;
    const canvas = $('waveform');
    const w = await Callvert.api('calls/' + id + '/waveform?buckets=' + canvas.width);
    if (id !== state.selected) return;
    canvas.hidden = false;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, canvas.width, canvas.height);
    const mid = canvas.height / 2;
    g.fillStyle = '#53b1fd';
    const n = w.peaks.length;
    for (let i = 0; i < n; i++) {
      const x = Math.floor(i * canvas.width / n);
      const h = Math.max(1, w.peaks[i] * (canvas.height - 6));
      g.fillRect(x, mid - h / 2, Math.max(1, Math.ceil(canvas.width / n)), h);
    }
    g.strokeStyle = '#f04438';
    g.lineWidth = 2;
    for (const ms of w.cuts) {
      const x = w.durationMs ? Math.round(ms / w.durationMs * canvas.width) : 0;
      g.beginPath(); g.moveTo(x, 0); g.lineTo(x, canvas.height); g.stroke();
    }
    canvas.setAttribute('data-duration', w.durationMs);
    canvas.setAttribute('data-cuts', w.cuts.join(','));
    $('waveform-caption').textContent = 'What the caller heard: ' + (w.durationMs / 1000).toFixed(2) + ' s'
      + (w.cuts.length ? ', cut at ' + w.cuts.map(c => (c / 1000).toFixed(2) + ' s').join(', ') + ' (red)' : '');
  }

  // ------------------------------------------------------------------ the stream

  function openStream() {
    if (state.stop) state.stop();
    const q = state.selected ? '?call=' + encodeURIComponent(state.selected) : '';
    state.stop = Callvert.events(q, (name, data) => {
      if (name === 'calls') onCalls(data);
      else if (name === 'timeline' && state.selected) addEntry(data);
    }, () => {
      $('stream-status').textContent = 'live';
      document.body.setAttribute('data-stream', 'open');
      scheduleRefetch(); // whatever changed while (re)connecting
      if (state.selected) loadTimeline().catch(showError);
    });
  }

  function showError(e) {
    $('stream-status').textContent = e.message;
  }

  setInterval(() => {
    for (const tr of state.rows.values()) {
      const created = Number(tr.getAttribute('data-created'));
      const ended = Number(tr.getAttribute('data-ended')) || Date.now();
      tr.querySelector('.age').textContent = Callvert.age(ended - created);
    }
  }, 1000);

  async function start() {
    await Callvert.init();
    $('state-filter').addEventListener('change', () => { state.offset = 0; loadList().catch(showError); });
    $('text-filter').addEventListener('input', () => { state.offset = 0; scheduleRefetch(); });
    $('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); loadList().catch(showError); });
    $('next').addEventListener('click', () => { state.offset += PAGE; loadList().catch(showError); });
    const wanted = new URLSearchParams(location.search).get('call');
    await loadList();
    if (wanted) await select(wanted); else openStream();
  }

  start().catch(showError);
})();
