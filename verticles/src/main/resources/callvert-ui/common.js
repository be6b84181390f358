// Shared by the dashboard and the softphone: the token, API calls and the event stream.
// Every URL is relative to this page (…/callvert/ui/), so the pages work under any mount prefix.
'use strict';

const Callvert = (() => {
  const API = '../';             // …/callvert/
  const GRAPH = '../../v1.0/';   // …/v1.0/
  let token = sessionStorage.getItem('callvert.token');
  let clock = 'system';

  /** Finds a token: one pasted before, else the development token (loopback only), else asks. */
  async function init() {
    const s = await fetch('session', { cache: 'no-store' }).then(r => r.json()).catch(() => ({}));
    clock = s.clock || clock;
    if (!token && s.token) {
      token = s.token;
    }
    const form = document.getElementById('token-form');
    if (!token) {
      form.hidden = false;
      document.getElementById('token-reason').textContent = s.reason || 'A token is needed.';
      await new Promise(resolve => form.addEventListener('submit', e => {
        e.preventDefault();
        token = document.getElementById('token-input').value.trim();
        sessionStorage.setItem('callvert.token', token);
        form.hidden = true;
        resolve();
      }));
    }
    return { clock };
  }

  async function api(path, options = {}) {
    const headers = Object.assign({ Authorization: 'Bearer ' + token }, options.headers || {});
    let body = options.body;
    if (body !== undefined && typeof body !== 'string') {
      body = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch((options.graph ? GRAPH : API) + path, { method: options.method || 'GET', headers, body });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { raw: text }; }
    if (r.status === 401) {
      sessionStorage.removeItem('callvert.token');
    }
    if (!r.ok) {
      const msg = json && json.error ? json.error.code + ': ' + json.error.message : r.status + ' ' + r.statusText;
      const err = new Error(msg);
      err.status = r.status;
      throw err;
    }
    return json;
  }

  /**
   * Reads the server-sent events of …/callvert/events with fetch (an EventSource cannot send the token).
   * onEvent(name, data) for each event; reconnects after a second when the stream ends. Returns a stop function.
   */
  function events(query, onEvent, onOpen) {
    let stopped = false;
    let controller = null;
    async function run() {
      while (!stopped) {
        controller = new AbortController();
        try {
          const r = await fetch(API + 'events' + query, {
            headers: { Authorization: 'Bearer ' + token }, signal: controller.signal, cache: 'no-store' });
          if (!r.ok) {
            throw new Error('events: ' + r.status);
          }
          if (onOpen) onOpen();
          const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              let name = 'message';
              const data = [];
              for (const line of block.split('\n')) {
                if (line.startsWith('event: ')) name = line.slice(7);
                else if (line.startsWith('data: ')) data.push(line.slice(6));
              }
              if (data.length) onEvent(name, JSON.parse(data.join('\n')));
            }
          }
        } catch (e) {
          if (stopped) return;
        }
        if (!stopped) await new Promise(res => setTimeout(res, 1000));
      }
    }
    run();
    return () => { stopped = true; if (controller) controller.abort(); };
  }

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('data-')) e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return e;
  }

  function age(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  return { init, api, events, el, age };
})();
