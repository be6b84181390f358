// The softphone: be the caller of a live call over the live media WebSocket (docs/live-media.md).
// Out: the bot's audio (PCM 16 kHz frames) played through an AudioWorklet; in: the microphone resampled to 16 kHz;
// keys and hang-up as JSON text frames. Also places an incoming call to a bot (POST …/callvert/calls).
'use strict';

(() => {
  const $ = id => document.getElementById(id);
  const KEEP_FRAMES = 3000; // what the page keeps of the audio it received (60 s), for inspection
  const phone = {
    ws: null, callId: null, audio: null, player: null, capture: null, mic: null, muted: false,
    received: [], peaks: [], receivedFrames: 0, sentFrames: 0, events: [], state: null, closed: null,
  };
  window.callvertPhone = phone; // for the browser tests and the curious

  function log(text, cls) {
    const li = Callvert.el('li', cls ? { class: cls } : {}, new Date().toISOString().slice(11, 23) + '  ' + text);
    $('log').prepend(li);
    while ($('log').children.length > 200) $('log').lastChild.remove();
  }

  function setState(s) {
    phone.state = s;
    $('call-state').textContent = s || '—';
    $('call-state').className = 'state ' + (s || '');
    document.body.setAttribute('data-call-state', s || '');
  }

  async function loadCalls() {
    const page = await Callvert.api('calls?state=live&limit=100');
    const select = $('call-select');
    const keep = select.value;
    select.replaceChildren(Callvert.el('option', { value: '' }, '— live calls (' + page.total + ') —'));
    for (const c of page.items) {
      select.append(Callvert.el('option', { value: c.id }, c.id.slice(0, 8) + '… ' + c.state + ' ' + c.direction
        + (c.callbackHost ? ' → ' + c.callbackHost : '')));
    }
    select.value = keep;
  }

  // ------------------------------------------------------------------ audio

  async function startAudio() {
    if (!phone.audio) {
      phone.audio = new AudioContext();
      await phone.audio.audioWorklet.addModule('pcm-worklet.js');
      phone.player = new AudioWorkletNode(phone.audio, 'callvert-player', { outputChannelCount: [1] });
      phone.player.connect(phone.audio.destination);
    }
    await phone.audio.resume();
    if (!phone.mic && navigator.mediaDevices) {
      try {
        phone.mic = await navigator.mediaDevices.getUserMedia({
          audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
        const source = phone.audio.createMediaStreamSource(phone.mic);
        phone.capture = new AudioWorkletNode(phone.audio, 'callvert-capture', { numberOfOutputs: 1 });
        const sink = phone.audio.createGain();
        sink.gain.value = 0; // the capture node must be pulled by the graph; nothing of it is heard
        source.connect(phone.capture).connect(sink).connect(phone.audio.destination);
        phone.capture.port.onmessage = e => {
          $('in-level').style.width = Math.round(e.data.peak * 100) + '%';
          if (phone.ws && phone.ws.readyState === WebSocket.OPEN && !phone.muted) {
            phone.ws.send(e.data.frame);
            phone.sentFrames++;
          }
        };
        $('mute').disabled = false;
      } catch (e) {
        log('no microphone: ' + e.message, 'error');
      }
    }
  }

  function onAudio(buffer) {
    phone.receivedFrames++;
    const samples = new Int16Array(buffer);
    phone.received.push(samples.slice()); // a copy: the frame itself moves to the player
    if (phone.received.length > KEEP_FRAMES) phone.received.shift();
    let peak = 0;
    for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
    $('out-level').style.width = Math.round(peak / 327.68) + '%';
    phone.peaks.push(peak / 32768);
    if (phone.peaks.length > 150) phone.peaks.shift();
    if (phone.player) phone.player.port.postMessage(buffer, [buffer]);
  }

  /** The audio received so far (at most the last 60 s), as base64 PCM 16-bit LE (tests compare it with /heard). */
  phone.receivedPcm = () => {
    const total = phone.received.reduce((n, f) => n + f.length, 0);
    const all = new Int16Array(total);
    let at = 0;
    for (const f of phone.received) { all.set(f, at); at += f.length; }
    const bytes = new Uint8Array(all.buffer);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };

  /** The last 3 s of the bot's audio, one bar per 20 ms frame. */
  function drawScope() {
    const c = $('scope');
    const g = c.getContext('2d');
    g.fillStyle = '#101828';
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#53b1fd';
    const w = c.width / 150;
    phone.peaks.forEach((p, i) => {
      const h = Math.max(1, p * (c.height - 4));
      g.fillRect(i * w, (c.height - h) / 2, Math.max(1, w - 0.5), h);
    });
  }
  setInterval(drawScope, 100);

  // ------------------------------------------------------------------ the socket

  async function join(callId) {
    callId = callId.trim();
    if (!callId) return;
    leave();
    await startAudio();
    const ticket = await Callvert.api('calls/' + encodeURIComponent(callId) + '/media-ticket', { method: 'POST' });
    // the socket's URL relative to this page: same origin as the page, under any mount prefix
    const url = new URL('../calls/' + encodeURIComponent(callId) + '/media?ticket=' + encodeURIComponent(ticket.ticket),
      location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    phone.ws = ws;
    phone.callId = callId;
    phone.received = [];
    phone.receivedFrames = 0;
    phone.events = [];
    phone.closed = null;
    $('call-id').value = callId;
    ws.onopen = () => {
      $('phone-status').textContent = 'connected to ' + callId;
      document.body.setAttribute('data-connected', 'true');
      $('hangup').disabled = false;
      log('joined ' + callId);
    };
    ws.onmessage = e => {
      if (typeof e.data !== 'string') { onAudio(e.data); return; }
      const m = JSON.parse(e.data);
      phone.events.push(m);
      if (m.type === 'hello' || m.type === 'state') setState(m.state);
      log(describe(m), m.type === 'error' ? 'error' : null);
    };
    ws.onclose = e => {
      phone.closed = { code: e.code, reason: e.reason };
      document.body.setAttribute('data-connected', 'false');
      $('phone-status').textContent = 'closed ' + e.code + (e.reason ? ' (' + e.reason + ')' : '');
      $('hangup').disabled = true;
      log('socket closed ' + e.code + ' ' + e.reason);
      if (phone.ws === ws) phone.ws = null;
    };
  }

  function describe(m) {
    switch (m.type) {
      case 'hello': return 'hello: call ' + m.state + ', ' + m.format.sampleRate + ' Hz';
      case 'state': return 'call ' + m.state;
      case 'prompt': return (m.kind || 'audio') + ' ' + m.event + (m.cut ? ' (cut)' : '');
      case 'operation': return m.kind + ' ' + m.status + (m.outcome && m.outcome !== m.status ? ' (' + m.outcome + ')' : '');
      case 'tone': return 'bot heard key ' + m.tone;
      case 'error': return 'refused: ' + m.code + ' ' + m.message;
      default: return JSON.stringify(m);
    }
  }

  function leave() {
    if (phone.ws) {
      phone.ws.onclose = null;
      phone.ws.close(1000, 'left');
      phone.ws = null;
    }
    setState(null);
  }

  function send(message) {
    if (phone.ws && phone.ws.readyState === WebSocket.OPEN) {
      phone.ws.send(JSON.stringify(message));
      return true;
    }
    log('not connected', 'error');
    return false;
  }

  // ------------------------------------------------------------------ an incoming call

  async function placeIncoming(e) {
    e.preventDefault();
    const body = { callbackUri: $('in-callback').value.trim(),
      source: { identity: { phone: { id: $('in-caller').value.trim() || '+15550123' } } } };
    const target = $('in-target').value.trim();
    if (target) body.targets = [{ identity: { application: { id: target } } }];
    const tenant = $('in-tenant').value.trim();
    if (tenant) body.tenantId = tenant;
    try {
      const call = await Callvert.api('calls', { method: 'POST', body });
      $('in-result').textContent = call.id;
      log('incoming call ' + call.id + ' placed (' + call.state + ')');
      if ($('in-join').checked) await join(call.id);
    } catch (err) {
      $('in-result').textContent = err.message;
      log('incoming call refused: ' + err.message, 'error');
    }
  }

  async function start() {
    const { clock } = await Callvert.init();
    $('clock-warning').hidden = clock !== 'virtual';
    $('join').addEventListener('click', () => join($('call-id').value).catch(err => log('join failed: ' + err.message, 'error')));
    $('call-select').addEventListener('change', () => { $('call-id').value = $('call-select').value; });
    $('refresh').addEventListener('click', () => loadCalls().catch(err => log(err.message, 'error')));
    $('hangup').addEventListener('click', () => send({ type: 'hangup' }));
    $('mute').addEventListener('click', () => {
      phone.muted = !phone.muted;
      $('mute').textContent = phone.muted ? 'Unmute' : 'Mute';
    });
    for (const b of $('keypad').querySelectorAll('button')) {
      b.addEventListener('click', () => { if (send({ type: 'dtmf', key: b.dataset.key })) log('pressed ' + b.dataset.key); });
    }
    document.addEventListener('keydown', e => {
      if (e.target.tagName !== 'INPUT' && /^[0-9*#]$/.test(e.key)) send({ type: 'dtmf', key: e.key });
    });
    $('incoming').addEventListener('submit', placeIncoming);
    const wanted = new URLSearchParams(location.search).get('call');
    if (wanted) $('call-id').value = wanted;
    await loadCalls();
    document.body.setAttribute('data-ready', 'true');
  }

  start().catch(err => log(err.message, 'error'));
})();
