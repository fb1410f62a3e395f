// Tessera dashboard. Plain JavaScript, no build step, no library: everything it loads comes from the gateway.
//
// - The API key lives in localStorage; '#key=...' in the URL (what 'bin/tessera up' prints) fills it and is then
//   removed from the address bar.
// - Prompts go to POST /v1/generations; each accepted request gets a card whose frames appear as they are decoded.
//   Event streams are read with fetch() and a small Server-Sent Events parser, because EventSource cannot send an
//   Authorization header; a dropped stream reconnects with Last-Event-ID and drops events it has already seen.
// - When a sample is done its audio chunks (WAV) are joined into one WAV that the page can play.
// - Thumbs and preferences go to POST /v1/feedback (published on tessera.feedback by the gateway).
// - Charts are drawn on <canvas> from GET /v1/figures, polled every few seconds.
'use strict';

(() => {
  const KEY_STORAGE = 'tessera.apiKey';
  const FIGURES_EVERY_MS = 3000;
  const LOOKBACK_S = 600;
  const PREVIEW_FPS = 8;
  /** Cards kept on the page; the oldest finished ones go first. */
  const MAX_RUNS = 12;
  /**
   * Event streams open at once. Browsers allow about six HTTP/1.1 connections per origin, and the page still needs
   * one for posting and polling; further requests wait for a free stream.
   */
  const MAX_STREAMS = 4;
  const RECONNECT_MIN_MS = 500;
  const RECONNECT_MAX_MS = 10000;
  /** Which form control a 400's "field" names. */
  const FIELD_INPUTS = {
    prompt: 'prompt', task: 'task', frames: 'frames', samples: 'samples', seed: 'seed',
    'sampling.temperature': 'temperature', 'sampling.guidanceScale': 'guidance',
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    key: '',
    runs: new Map(),          // requestId -> run, in the order they were added
    streamsOpen: 0,
    streamQueue: [],          // runs waiting for a stream slot
    figuresTimer: 0,
    lastFigures: null,
    reducedMotion: window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches,
  };

  // ---------------------------------------------------------------- the API key

  /** The key in a URL fragment such as '#key=abc' (other fragment parameters are ignored), or ''. */
  function keyFromFragment(hash) {
    const m = /(?:^#|&)key=([^&]*)/.exec(hash || '');
    if (!m) {
      return '';
    }
    try {
      return decodeURIComponent(m[1]).trim();
    } catch (_) {
      return '';
    }
  }

  function saveKey(key) {
    state.key = key;
    try {
      if (key) {
        localStorage.setItem(KEY_STORAGE, key);
      } else {
        localStorage.removeItem(KEY_STORAGE);
      }
    } catch (_) {
      // storage disabled: the key still works for this page
    }
  }

  function initKey() {
    const input = $('api-key');
    const fromUrl = keyFromFragment(location.hash);
    if (fromUrl) {
      saveKey(fromUrl);
      // Do not leave the key in the address bar (or in the history entry).
      history.replaceState(null, '', location.pathname + location.search);
    } else {
      try {
        state.key = localStorage.getItem(KEY_STORAGE) || '';
      } catch (_) {
        state.key = '';
      }
    }
    input.value = state.key;
    input.addEventListener('change', () => {
      saveKey(input.value.trim());
      clearMessage();
      pollFigures();
    });
    const toggle = $('key-toggle');
    toggle.addEventListener('click', () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      toggle.textContent = show ? 'Hide' : 'Show';
      toggle.setAttribute('aria-pressed', String(show));
    });
    $('key-form').addEventListener('submit', (e) => e.preventDefault());
  }

  function authHeaders() {
    return state.key ? { Authorization: 'Bearer ' + state.key } : {};
  }

  // ---------------------------------------------------------------- the message line

  function showMessage(text, kind) {
    const m = $('message');
    m.textContent = text;
    m.className = kind === 'info' ? 'message info' : 'message';
    m.hidden = false;
  }

  function clearMessage() {
    const m = $('message');
    m.hidden = true;
    m.textContent = '';
  }

  function retryAfterSeconds(res) {
    const h = res.headers.get('Retry-After');
    if (!h) {
      return null;
    }
    const n = Number(h);
    if (Number.isFinite(n)) {
      return Math.max(0, Math.round(n));
    }
    const when = Date.parse(h);
    return Number.isFinite(when) ? Math.max(0, Math.round((when - Date.now()) / 1000)) : null;
  }

  /** What went wrong with a response, as one line for the message line (the gateway's own reason included). */
  async function apiError(res, what) {
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      body = null;
    }
    const reason = body && typeof body.error === 'string' ? body.error : (res.statusText || 'no reason given');
    const field = body && typeof body.field === 'string' ? body.field : null;
    const retryAfter = retryAfterSeconds(res);
    let text;
    switch (res.status) {
      case 400:
        text = `${what} was rejected${field ? ` (${field})` : ''}: ${reason}`;
        break;
      case 401:
        text = `${what}: the API key is missing or not valid (401): ${reason}. `
          + `Paste the key that 'bin/tessera up' printed.`;
        break;
      case 403:
        text = `${what}: not allowed for this API key (403): ${reason}`;
        break;
      case 413:
        text = `${what}: too large (413): ${reason}`;
        break;
      case 429:
        text = `${what}: too many requests in flight (429); retry in ${retryAfter == null ? 'a few' : retryAfter} s. `
          + reason;
        break;
      case 503:
        text = `${what}: the gateway cannot serve this now (503)`
          + `${retryAfter == null ? '' : `; retry in ${retryAfter} s`}: ${reason}`;
        break;
      default:
        text = `${what} failed (HTTP ${res.status}): ${reason}`;
    }
    return { status: res.status, field, reason, retryAfter, text };
  }

  // ---------------------------------------------------------------- submitting a prompt

  function numberOr(value) {
    const t = String(value).trim();
    if (t === '') {
      return undefined;
    }
    const n = Number(t);
    // Not a number: send it as typed, so the gateway names the field and its limit.
    return Number.isFinite(n) ? n : t;
  }

  /** The request body from the form; empty fields are left out so the gateway's defaults apply. */
  function requestFromForm() {
    const body = {
      prompt: $('prompt').value,
      task: $('task').value,
      frames: numberOr($('frames').value),
      samples: numberOr($('samples').value),
      seed: numberOr($('seed').value),
      sampling: {
        temperature: numberOr($('temperature').value),
        guidanceScale: numberOr($('guidance').value),
      },
    };
    for (const k of Object.keys(body)) {
      if (body[k] === undefined) {
        delete body[k];
      }
    }
    for (const k of Object.keys(body.sampling)) {
      if (body.sampling[k] === undefined) {
        delete body.sampling[k];
      }
    }
    return body;
  }

  function clearInvalid() {
    for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
      el.removeAttribute('aria-invalid');
    }
  }

  function markInvalid(field) {
    const id = field && FIELD_INPUTS[field];
    if (id) {
      const el = $(id);
      el.setAttribute('aria-invalid', 'true');
      el.focus();
    }
  }

  /** Keeps the button disabled for a 429's Retry-After, counting down on its label. */
  function coolDown(button, seconds) {
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    let left = Math.max(1, seconds || 1);
    button.disabled = true;
    button.textContent = `Retry in ${left} s`;
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        button.disabled = false;
        button.textContent = label;
      } else {
        button.textContent = `Retry in ${left} s`;
      }
    }, 1000);
  }

  async function submitPrompt(event) {
    event.preventDefault();
    clearInvalid();
    if (!state.key) {
      showMessage("Enter an API key first: 'bin/tessera up' prints one (API key: ...).");
      $('api-key').focus();
      return;
    }
    const button = $('submit');
    const body = requestFromForm();
    button.disabled = true;
    let cooling = false;
    try {
      const res = await fetch('/v1/generations', {
        method: 'POST',
        headers: { ...authHeaders(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 202) {
        const e = await apiError(res, 'The prompt');
        showMessage(e.text);
        markInvalid(e.field);
        if (e.status === 429) {
          cooling = true;
          coolDown(button, e.retryAfter);
        }
        return;
      }
      const accepted = await res.json();
      clearMessage();
      const run = addRun(accepted.requestId, body);
      follow(run);
    } catch (e) {
      showMessage(`Cannot reach the gateway (${e.message}); is 'bin/tessera up' still running?`);
    } finally {
      if (!cooling) {
        button.disabled = false;
      }
    }
  }

  // ---------------------------------------------------------------- Server-Sent Events over fetch()

  /**
   * An incremental text/event-stream parser (the WHATWG rules: lines end with CRLF, LF or CR; 'field: value' with
   * one optional space; ':' starts a comment; a blank line dispatches). Each dispatched event is
   * {id, event, data}: id is the one this event carried (null if none), event defaults to 'message'.
   */
  class SseParser {
    constructor(onEvent) {
      this.onEvent = onEvent;
      this.buffer = '';
      this.reset();
    }

    reset() {
      this.id = null;
      this.event = '';
      this.data = [];
    }

    push(text) {
      this.buffer += text;
      let start = 0;
      for (;;) {
        const lf = this.buffer.indexOf('\n', start);
        const cr = this.buffer.indexOf('\r', start);
        const end = lf < 0 ? cr : (cr < 0 ? lf : Math.min(lf, cr));
        if (end < 0) {
          break;
        }
        if (end === cr && cr === this.buffer.length - 1) {
          break; // a CR at the very end may be the first half of CRLF: wait for the next chunk
        }
        const line = this.buffer.slice(start, end);
        start = end + (end === cr && this.buffer[end + 1] === '\n' ? 2 : 1);
        this.line(line);
      }
      this.buffer = this.buffer.slice(start);
    }

    /** The stream ended: a lone CR left over ends its line; an event without its blank line is dropped. */
    end() {
      if (this.buffer.endsWith('\r')) {
        this.line(this.buffer.slice(0, -1));
      }
      this.buffer = '';
      this.reset();
    }

    line(line) {
      if (line === '') {
        if (this.data.length > 0) {
          const ev = { id: this.id, event: this.event || 'message', data: this.data.join('\n') };
          this.reset();
          this.onEvent(ev);
        } else {
          this.reset();
        }
        return;
      }
      if (line[0] === ':') {
        return; // comment (keep-alive)
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value[0] === ' ') {
        value = value.slice(1);
      }
      if (field === 'event') {
        this.event = value;
      } else if (field === 'data') {
        this.data.push(value);
      } else if (field === 'id' && !value.includes('\0')) {
        this.id = value;
      }
    }
  }

  function acquireStream(run) {
    return new Promise((resolve) => {
      if (state.streamsOpen < MAX_STREAMS) {
        state.streamsOpen += 1;
        resolve();
      } else {
        setRunState(run, 'waiting', 'waiting for a stream');
        state.streamQueue.push(resolve);
      }
    });
  }

  function releaseStream() {
    const next = state.streamQueue.shift();
    if (next) {
      next();
    } else {
      state.streamsOpen -= 1;
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Follows a request's event stream until 'done', reconnecting with Last-Event-ID after a drop. */
  async function follow(run) {
    await acquireStream(run);
    let backoff = RECONNECT_MIN_MS;
    try {
      while (!run.finished && !run.removed) {
        const headers = { ...authHeaders(), Accept: 'text/event-stream' };
        if (run.lastEventId >= 0) {
          headers['Last-Event-ID'] = String(run.lastEventId);
        }
        let res;
        try {
          res = await fetch(`/v1/generations/${encodeURIComponent(run.id)}/events`,
            { headers, cache: 'no-store', signal: run.abort.signal });
        } catch (e) {
          if (run.removed) {
            return;
          }
          setRunState(run, 'reconnecting', `stream lost (${e.message}); reconnecting`);
          await sleep(backoff);
          backoff = Math.min(RECONNECT_MAX_MS, backoff * 2);
          continue;
        }
        if (!res.ok) {
          const e = await apiError(res, `The stream of ${short(run.id)}`);
          if (res.status === 429 || res.status === 503) {
            setRunState(run, 'reconnecting', e.text);
            await sleep(Math.max(backoff, 1000 * (e.retryAfter || 1)));
            backoff = Math.min(RECONNECT_MAX_MS, backoff * 2);
            continue;
          }
          showMessage(e.text);
          setRunState(run, 'failed', e.text);
          return;
        }
        setRunState(run, run.started ? 'generating' : 'queued');
        const parser = new SseParser((ev) => {
          backoff = RECONNECT_MIN_MS;
          onEvent(run, ev);
        });
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) {
              break;
            }
            parser.push(decoder.decode(value, { stream: true }));
          }
          parser.push(decoder.decode());
        } catch (e) {
          if (run.removed) {
            return;
          }
        }
        parser.end();
        if (!run.finished && !run.removed) {
          setRunState(run, 'reconnecting', 'stream ended early; resuming');
          await sleep(backoff);
          backoff = Math.min(RECONNECT_MAX_MS, backoff * 2);
        }
      }
    } finally {
      releaseStream();
    }
  }

  function onEvent(run, ev) {
    if (ev.id !== null) {
      const n = Number(ev.id);
      if (Number.isFinite(n)) {
        if (n <= run.lastEventId) {
          return; // seen before the reconnect
        }
        run.lastEventId = n;
      }
    }
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch (_) {
      return;
    }
    switch (ev.event) {
      case 'token': {
        const s = sampleOf(run, data.sampleIndex);
        if (!s) {
          return;
        }
        s.tokens += data.count || 0;
        run.started = true;
        if (data.frameIndex >= 0) {
          s.generatingFrame = Math.max(s.generatingFrame, data.frameIndex + 1);
        }
        if (data.policyVersion !== undefined) {
          s.policyVersion = data.policyVersion;
        }
        setRunState(run, 'generating');
        renderSampleMeta(run, s);
        break;
      }
      case 'frame':
        addFrame(run, data);
        break;
      case 'audio': {
        const s = sampleOf(run, data.sampleIndex);
        if (s && typeof data.wav === 'string') {
          s.audio.set(data.index, base64Bytes(data.wav));
        }
        break;
      }
      case 'completed': {
        const s = sampleOf(run, data.sampleIndex);
        if (s) {
          s.completed = data;
          renderSampleMeta(run, s);
        }
        break;
      }
      case 'failed':
        run.failure = `${data.stage}: ${data.reason}`;
        break;
      case 'done':
        finishRun(run);
        break;
      case 'error':
        setRunState(run, 'reconnecting', `stream interrupted: ${data.error}`);
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- media

  function base64Bytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out;
  }

  /** The format and sample bytes of a RIFF WAV, or null if it is not one. */
  function wavParts(bytes) {
    if (bytes.length < 12) {
      return null;
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tag = (o) => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
    if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
      return null;
    }
    let fmt = null;
    let data = null;
    for (let o = 12; o + 8 <= bytes.length;) {
      const id = tag(o);
      const size = v.getUint32(o + 4, true);
      const body = o + 8;
      if (id === 'fmt ' && size >= 16 && body + 16 <= bytes.length) {
        fmt = {
          format: v.getUint16(body, true), channels: v.getUint16(body + 2, true),
          rate: v.getUint32(body + 4, true), bits: v.getUint16(body + 14, true),
        };
      } else if (id === 'data') {
        data = bytes.subarray(body, Math.min(bytes.length, body + size));
      }
      o = body + size + (size % 2);
    }
    return fmt && data ? { ...fmt, data } : null;
  }

  /**
   * One WAV from a sample's audio chunks, in index order: the PCM of every chunk with the first chunk's format,
   * under one header. Null when there is no sound at all.
   */
  function joinWav(chunks) {
    const parts = chunks.map(wavParts).filter((p) => p !== null);
    if (parts.length === 0) {
      return null;
    }
    const f = parts[0];
    const same = parts.filter((p) => p.format === f.format && p.channels === f.channels && p.rate === f.rate
      && p.bits === f.bits);
    const size = same.reduce((n, p) => n + p.data.length, 0);
    if (size === 0) {
      return null;
    }
    const out = new Uint8Array(44 + size);
    const v = new DataView(out.buffer);
    const put = (o, s) => {
      for (let i = 0; i < 4; i++) {
        out[o + i] = s.charCodeAt(i);
      }
    };
    const blockAlign = f.channels * Math.ceil(f.bits / 8);
    put(0, 'RIFF');
    v.setUint32(4, 36 + size, true);
    put(8, 'WAVE');
    put(12, 'fmt ');
    v.setUint32(16, 16, true);
    v.setUint16(20, f.format, true);
    v.setUint16(22, f.channels, true);
    v.setUint32(24, f.rate, true);
    v.setUint32(28, f.rate * blockAlign, true);
    v.setUint16(32, blockAlign, true);
    v.setUint16(34, f.bits, true);
    put(36, 'data');
    v.setUint32(40, size, true);
    let o = 44;
    for (const p of same) {
      out.set(p.data, o);
      o += p.data.length;
    }
    return out;
  }

  // ---------------------------------------------------------------- the grid of generations

  const short = (id) => String(id).slice(0, 8);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') {
        e.className = v;
      } else if (k === 'text') {
        e.textContent = v;
      } else if (k.startsWith('on')) {
        e.addEventListener(k.slice(2), v);
      } else if (v !== undefined && v !== null && v !== false) {
        e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c) {
        e.append(c);
      }
    }
    return e;
  }

  function addRun(requestId, request) {
    const samples = Math.max(1, Number(request.samples) || 1);
    const frames = Math.max(1, Number(request.frames) || 16);
    const run = {
      id: requestId, prompt: request.prompt || request.task, samples, frames,
      lastEventId: -1, started: false, finished: false, removed: false,
      abort: new AbortController(), sampleViews: [], el: null, stateEl: null,
    };
    const stateEl = el('span', { class: 'state', role: 'status', text: 'queued' });
    const cancel = el('button', {
      type: 'button', class: 'cancel', text: 'Cancel', 'aria-label': `Cancel generation ${short(requestId)}`,
      onclick: () => cancelRun(run, cancel),
    });
    const titleId = `run-${requestId}-title`;
    const head = el('div', { class: 'run-head' },
      el('h3', { id: titleId, title: run.prompt, text: run.prompt }),
      el('span', { class: 'run-id', title: requestId, text: short(requestId) }),
      stateEl, cancel);
    const samplesEl = el('div', { class: 'samples' });
    run.el = el('article', { class: 'run', 'data-request-id': requestId, 'aria-labelledby': titleId }, head, samplesEl);
    run.stateEl = stateEl;
    run.cancelButton = cancel;
    for (let i = 0; i < samples; i++) {
      const s = buildSample(run, i);
      run.sampleViews.push(s);
      samplesEl.append(s.el);
    }
    state.runs.set(requestId, run);
    $('grid').prepend(run.el);
    $('runs-empty').hidden = true;
    pruneRuns();
    renderRunsCount();
    return run;
  }

  /** A thumb drawn as SVG (emoji fonts are not everywhere); pointing down for 'down'. */
  function thumbIcon(down) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    if (down) {
      path.setAttribute('transform', 'rotate(180 12 12)');
    }
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.5-1.1L13.2 1 '
      + '7.6 6.6C7.2 7 7 7.5 7 8v11a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z');
    svg.append(path);
    return svg;
  }

  function buildSample(run, i) {
    const s = {
      index: i, tokens: 0, generatingFrame: 0, policyVersion: null, frames: new Map(), audio: new Map(),
      completed: null, audioUrl: null, previewTimer: 0,
    };
    s.meta = el('span', { class: 'sample-meta', text: `0 / ${run.frames} frames` });
    s.preview = el('img', { class: 'preview', alt: `Sample ${i}: waiting for the first frame`, width: 128, height: 128 });
    s.list = el('ul', { class: 'frames', 'aria-label': `Decoded frames of sample ${i}` });
    s.audioEl = el('audio', { controls: true, preload: 'auto', hidden: true, 'aria-label': `Audio of sample ${i}` });
    s.sent = el('span', { class: 'sent', 'aria-live': 'polite' });
    const up = el('button', {
      type: 'button', class: 'thumb', 'data-feedback': 'up', 'aria-pressed': 'false', title: 'Good clip',
      'aria-label': `Thumbs up for sample ${i}`,
    }, thumbIcon(false));
    const down = el('button', {
      type: 'button', class: 'thumb', 'data-feedback': 'down', 'aria-pressed': 'false', title: 'Bad clip',
      'aria-label': `Thumbs down for sample ${i}`,
    }, thumbIcon(true));
    up.addEventListener('click', () => sendFeedback(run, s, { kind: 'up', sampleIndex: i }, up, [down], 'thumbs up'));
    down.addEventListener('click', () => sendFeedback(run, s, { kind: 'down', sampleIndex: i }, down, [up], 'thumbs down'));
    const feedback = el('div', { class: 'feedback', role: 'group', 'aria-label': `Feedback on sample ${i}` }, up, down);
    if (run.samples > 1) {
      const others = [];
      for (let j = 0; j < run.samples; j++) {
        if (j !== i) {
          others.push(j);
        }
      }
      let select = null;
      if (others.length > 1) {
        const selectId = `better-${run.id}-${i}`;
        select = el('select', { id: selectId, 'aria-label': `Sample ${i} is better than` },
          ...others.map((j) => el('option', { value: j, text: `sample ${j}` })));
      }
      const better = el('button', {
        type: 'button', 'data-feedback': 'better', 'aria-pressed': 'false',
        text: select ? 'Better than' : 'This one is better',
        'aria-label': select ? `Sample ${i} is better than the chosen sample`
          : `Sample ${i} is better than sample ${others[0]}`,
      });
      better.addEventListener('click', () => {
        const rejected = select ? Number(select.value) : others[0];
        sendFeedback(run, s, { kind: 'preference', preferredSample: i, rejectedSample: rejected }, better, [],
          `preferred over sample ${rejected}`);
      });
      feedback.append(better);
      if (select) {
        feedback.append(select);
      }
    }
    feedback.append(s.sent);
    s.el = el('section', { class: 'sample', 'data-sample': i, 'aria-label': `Sample ${i}` },
      el('div', { class: 'sample-head' }, el('h4', { text: `Sample ${i}` }), s.meta),
      el('div', { class: 'player' }, s.preview, s.list),
      s.audioEl, feedback);
    return s;
  }

  function sampleOf(run, index) {
    const i = Number(index);
    return Number.isInteger(i) && i >= 0 && i < run.sampleViews.length ? run.sampleViews[i] : null;
  }

  function addFrame(run, data) {
    const s = sampleOf(run, data.sampleIndex);
    if (!s || typeof data.png !== 'string' || s.frames.has(data.index)) {
      return;
    }
    const src = 'data:image/png;base64,' + data.png;
    s.frames.set(data.index, src);
    const img = el('img', { src, alt: `Sample ${s.index}, frame ${data.index}`, 'data-index': data.index, width: 32, height: 32 });
    const item = el('li', {}, img);
    // Frames of one sample arrive in order; keep the list ordered if one ever does not.
    const after = [...s.list.children].find((li) => Number(li.firstChild.dataset.index) > data.index);
    s.list.insertBefore(item, after || null);
    if (data.total > 0) {
      run.frames = data.total;
    }
    run.started = true;
    s.preview.src = src;
    s.preview.alt = `Sample ${s.index}, latest frame ${data.index}`;
    renderSampleMeta(run, s);
  }

  function renderSampleMeta(run, s) {
    const parts = [`${s.frames.size} / ${run.frames} frames`];
    if (s.completed) {
      const c = s.completed;
      parts.push(c.finishReason === 'LENGTH' || c.finishReason === 'STOP' ? 'finished' : c.finishReason.toLowerCase());
      parts.push(`first token ${c.timeToFirstTokenMs} ms`, `total ${c.totalMs} ms`, `policy v${c.policyVersion}`);
    } else if (s.generatingFrame > 0) {
      parts.push(`sampling frame ${Math.min(s.generatingFrame, run.frames)}`);
    }
    s.meta.textContent = parts.join(' · ');
  }

  function setRunState(run, label, detail) {
    if (run.finished && label !== 'done' && label !== 'cancelled' && label !== 'failed') {
      return;
    }
    run.stateEl.textContent = label;
    run.stateEl.className = `state ${label}`;
    run.stateEl.title = detail || '';
    if (label === 'failed' || label === 'done' || label === 'cancelled') {
      run.cancelButton.hidden = true;
    }
    renderRunsCount();
  }

  function finishRun(run) {
    if (run.finished) {
      return;
    }
    run.finished = true;
    let cancelled = false;
    let failed = false;
    for (const s of run.sampleViews) {
      const reason = s.completed && s.completed.finishReason;
      cancelled = cancelled || reason === 'CANCELLED';
      failed = failed || reason === 'ERROR' || reason === 'DEADLINE';
      const chunks = [...s.audio.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
      const wav = joinWav(chunks);
      if (wav) {
        s.audioUrl = URL.createObjectURL(new Blob([wav], { type: 'audio/wav' }));
        s.audioEl.src = s.audioUrl;
        s.audioEl.hidden = false;
      }
      s.audio.clear();
      renderSampleMeta(run, s);
      animate(s);
    }
    if (run.failure) {
      setRunState(run, 'failed', run.failure);
    } else {
      setRunState(run, cancelled ? 'cancelled' : failed ? 'failed' : 'done');
    }
    run.abort.abort();
    showReward(run);
    pruneRuns();
  }

  /** Loops a finished sample's frames in its preview (or leaves the last frame, for reduced motion). */
  function animate(s) {
    const frames = [...s.frames.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
    if (frames.length < 2 || state.reducedMotion) {
      return;
    }
    let k = 0;
    s.preview.alt = `Sample ${s.index}, playing ${frames.length} frames`;
    s.previewTimer = setInterval(() => {
      k = (k + 1) % frames.length;
      s.preview.src = frames[k];
    }, 1000 / PREVIEW_FPS);
  }

  /** Asks the status store for the request's reward a few times after it is done (scorers need a moment). */
  async function showReward(run) {
    for (let attempt = 0; attempt < 10 && !run.removed; attempt++) {
      await sleep(3000);
      try {
        const res = await fetch(`/v1/generations/${encodeURIComponent(run.id)}`,
          { headers: authHeaders(), cache: 'no-store' });
        if (res.status === 404 || res.status === 401 || res.status === 403) {
          return;
        }
        if (!res.ok) {
          continue;
        }
        const st = await res.json();
        if (typeof st.reward === 'number') {
          run.stateEl.textContent = `${run.stateEl.textContent} · reward ${st.reward.toFixed(2)}`;
          return;
        }
      } catch (_) {
        return;
      }
    }
  }

  async function cancelRun(run, button) {
    button.disabled = true;
    try {
      const res = await fetch(`/v1/generations/${encodeURIComponent(run.id)}/cancel`, {
        method: 'POST', headers: { ...authHeaders(), 'Content-Type': 'application/json' }, body: '{}',
      });
      if (!res.ok) {
        showMessage((await apiError(res, 'Cancel')).text);
        button.disabled = false;
        return;
      }
      setRunState(run, 'cancelling');
    } catch (e) {
      showMessage(`Cancel: cannot reach the gateway (${e.message})`);
      button.disabled = false;
    }
  }

  async function sendFeedback(run, s, fields, button, opposites, label) {
    if (!state.key) {
      showMessage('Enter an API key first.');
      return;
    }
    button.disabled = true;
    try {
      const res = await fetch('/v1/feedback', {
        method: 'POST',
        headers: { ...authHeaders(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ requestId: run.id, ...fields }),
      });
      if (!res.ok) {
        showMessage((await apiError(res, 'Feedback')).text);
        return;
      }
      button.setAttribute('aria-pressed', 'true');
      for (const o of opposites) {
        o.setAttribute('aria-pressed', 'false');
      }
      s.sent.textContent = `${label}: sent`;
    } catch (e) {
      showMessage(`Feedback: cannot reach the gateway (${e.message})`);
    } finally {
      button.disabled = false;
    }
  }

  /** Removes the oldest finished cards beyond MAX_RUNS, freeing their audio and timers. */
  function pruneRuns() {
    const finished = [...state.runs.values()].filter((r) => r.finished);
    let extra = state.runs.size - MAX_RUNS;
    for (const r of finished) {
      if (extra <= 0) {
        break;
      }
      removeRun(r);
      extra -= 1;
    }
    renderRunsCount();
  }

  function removeRun(run) {
    run.removed = true;
    run.abort.abort();
    for (const s of run.sampleViews) {
      clearInterval(s.previewTimer);
      if (s.audioUrl) {
        URL.revokeObjectURL(s.audioUrl);
      }
    }
    run.el.remove();
    state.runs.delete(run.id);
  }

  function renderRunsCount() {
    const all = [...state.runs.values()];
    const live = all.filter((r) => !r.finished).length;
    $('runs-count').textContent = all.length === 0 ? '' : `${live} in flight · ${all.length} shown`;
  }

  // ---------------------------------------------------------------- charts

  /** A canvas sized for the screen's pixel density, with its CSS size in w, h. */
  function prepare(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width;
    const h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return { ctx, w, h };
  }

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#333';

  /** 1, 2 or 5 times a power of ten, at least v. */
  function niceCeil(v) {
    if (!(v > 0)) {
      return 1;
    }
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  function fmt(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      return '–';
    }
    const a = Math.abs(v);
    if (a >= 1000) {
      return (v / 1000).toFixed(a >= 10000 ? 0 : 1) + 'k';
    }
    if (a >= 10 || Number.isInteger(v)) {
      return String(Math.round(v));
    }
    return v.toFixed(a >= 1 ? 1 : 2);
  }

  const PAD = { left: 34, right: 6, top: 6, bottom: 14 };

  /**
   * Draws series on a canvas. Each series is {values: [number|null], color, label}; kind 'line' joins values (a
   * null leaves a gap), 'bars' draws one bar per value. xLabels: [left, right] under the axis, or one per bar.
   */
  function drawChart(canvas, series, opts) {
    const { ctx, w, h } = prepare(canvas);
    const x0 = PAD.left;
    const x1 = w - PAD.right;
    const y0 = h - PAD.bottom;
    const y1 = PAD.top;
    const all = series.flatMap((s) => s.values).filter((v) => v !== null && Number.isFinite(v));
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = css('--muted');
    ctx.strokeStyle = css('--line');
    ctx.lineWidth = 1;
    if (all.length === 0) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('no data yet', w / 2, h / 2);
      return;
    }
    const lo = Math.min(0, ...all);
    const hi = Math.max(0, ...all);
    const top = hi > 0 ? niceCeil(hi) : 0;
    const bottom = lo < 0 ? -niceCeil(-lo) : 0;
    const span = top - bottom || 1;
    const y = (v) => y0 - ((v - bottom) / span) * (y0 - y1);
    // grid and y labels: bottom, zero (if inside), top
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of new Set([bottom, 0, top])) {
      ctx.beginPath();
      ctx.moveTo(x0, Math.round(y(v)) + 0.5);
      ctx.lineTo(x1, Math.round(y(v)) + 0.5);
      ctx.stroke();
      ctx.fillText(fmt(v) + (opts.unit || ''), x0 - 4, y(v));
    }
    const n = Math.max(...series.map((s) => s.values.length));
    if (opts.kind === 'bars') {
      const slot = (x1 - x0) / n;
      const bw = Math.max(1, Math.min(28, slot * 0.7));
      series.forEach((s) => {
        ctx.fillStyle = s.color;
        s.values.forEach((v, i) => {
          if (v === null || !Number.isFinite(v)) {
            return;
          }
          const cx = x0 + slot * (i + 0.5);
          const ya = y(Math.max(0, v));
          const yb = y(Math.min(0, v));
          ctx.fillRect(cx - bw / 2, ya, bw, Math.max(1, yb - ya));
        });
      });
      if (opts.barLabels) {
        ctx.fillStyle = css('--muted');
        ctx.textAlign = 'center';
        ctx.textBaseline = 'top';
        const every = Math.ceil(n / Math.max(1, Math.floor((x1 - x0) / 28)));
        opts.barLabels.forEach((label, i) => {
          if (i % every === 0) {
            ctx.fillText(label, x0 + slot * (i + 0.5), y0 + 2);
          }
        });
      }
    } else {
      const step = n > 1 ? (x1 - x0) / (n - 1) : 0;
      series.forEach((s) => {
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        let pen = false;
        s.values.forEach((v, i) => {
          if (v === null || !Number.isFinite(v)) {
            pen = false;
            return;
          }
          const px = n > 1 ? x0 + step * i : (x0 + x1) / 2;
          if (pen) {
            ctx.lineTo(px, y(v));
          } else {
            ctx.moveTo(px, y(v));
            if (n === 1 || s.values[i + 1] === null || s.values[i + 1] === undefined) {
              ctx.fillStyle = s.color;
              ctx.fillRect(px - 1.5, y(v) - 1.5, 3, 3); // a lone point still shows
            }
          }
          pen = true;
        });
        ctx.stroke();
      });
    }
    if (opts.xLabels) {
      ctx.fillStyle = css('--muted');
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.fillText(opts.xLabels[0], x0, y0 + 2);
      ctx.textAlign = 'right';
      ctx.fillText(opts.xLabels[1], x1, y0 + 2);
    }
    if (series.length > 1) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      let lx = x0 + 6;
      for (const s of series) {
        ctx.fillStyle = s.color;
        ctx.fillRect(lx, y1 + 3, 8, 3);
        ctx.fillText(s.label, lx + 11, y1);
        lx += 18 + ctx.measureText(s.label).width;
      }
    }
  }

  /** The value of the newest window that has ended (the current one is still filling). */
  function lastClosed(points) {
    if (!points || points.length === 0) {
      return null;
    }
    return points.length > 1 ? points[points.length - 2] : points[0];
  }

  function drawFigures(f) {
    state.lastFigures = f;
    const span = Math.round((f.toMs - f.fromMs) / 60000);
    const xLabels = [`−${span} min`, 'now'];
    const c1 = css('--series-1');
    const c2 = css('--series-2');
    const tps = f.tokensPerSecond || [];
    drawChart($('chart-tps'), [{ values: tps.map((p) => p.value), color: c1, label: 'tokens/s' }],
      { kind: 'line', xLabels });
    const tpsNow = lastClosed(tps);
    $('now-tps').textContent = tpsNow ? fmt(tpsNow.value) : '–';

    const ttft = f.timeToFirstToken || [];
    drawChart($('chart-ttft'), [
      { values: ttft.map((p) => (p.count > 0 ? p.p50Ms : null)), color: c1, label: 'p50' },
      { values: ttft.map((p) => (p.count > 0 ? p.p99Ms : null)), color: c2, label: 'p99' },
    ], { kind: 'line', xLabels, unit: '' });
    const lastTtft = [...ttft].reverse().find((p) => p.count > 0);
    $('now-ttft').textContent = lastTtft ? `p50 ${fmt(lastTtft.p50Ms)} · p99 ${fmt(lastTtft.p99Ms)} ms` : '–';

    const active = f.activeRequests || [];
    drawChart($('chart-active'), [{ values: active.map((p) => p.value), color: c1, label: 'active' }],
      { kind: 'line', xLabels });
    $('now-active').textContent = fmt(f.activeNow);

    const dlq = f.deadLetters || [];
    drawChart($('chart-dlq'), [{ values: dlq.map((p) => p.value), color: css('--bad'), label: 'dead letters' }],
      { kind: 'bars', xLabels });
    const dlqTotal = dlq.reduce((n, p) => n + p.value, 0);
    $('now-dlq').textContent = `${fmt(dlqTotal)} in ${span} min`;

    const reward = f.rewardByPolicy || [];
    drawChart($('chart-reward'), [{ values: reward.map((p) => p.mean), color: css('--good'), label: 'reward' }],
      { kind: 'bars', barLabels: reward.map((p) => `v${p.policyVersion}`) });
    const newest = reward[reward.length - 1];
    $('now-reward').textContent = newest ? `v${newest.policyVersion}: ${newest.mean.toFixed(2)} (${newest.count})` : '–';
  }

  async function pollFigures() {
    clearTimeout(state.figuresTimer);
    let delay = FIGURES_EVERY_MS;
    const label = $('figures-state');
    try {
      if (document.hidden) {
        return;
      }
      if (!state.key) {
        label.textContent = 'needs an API key';
        return;
      }
      const res = await fetch(`/v1/figures?lookback=${LOOKBACK_S}`, { headers: authHeaders(), cache: 'no-store' });
      if (res.ok) {
        drawFigures(await res.json());
        label.textContent = `updated ${new Date().toLocaleTimeString()}`;
      } else {
        const e = await apiError(res, 'Figures');
        label.textContent = `figures unavailable (${res.status})`;
        label.title = e.text;
        if (res.status === 401 || res.status === 403) {
          showMessage(e.text);
          delay = 30000; // until the key changes ('change' polls again at once)
        } else if (e.retryAfter) {
          delay = Math.max(delay, 1000 * e.retryAfter);
        }
      }
    } catch (e) {
      label.textContent = 'gateway unreachable';
    } finally {
      state.figuresTimer = setTimeout(pollFigures, delay);
    }
  }

  // ---------------------------------------------------------------- start

  function start() {
    initKey();
    for (const canvas of document.querySelectorAll('.chart canvas')) {
      drawChart(canvas, [], {}); // 'no data yet' until the first figures arrive
    }
    $('prompt-form').addEventListener('submit', submitPrompt);
    for (const id of Object.values(FIELD_INPUTS)) {
      $(id).addEventListener('input', () => $(id).removeAttribute('aria-invalid'));
    }
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) {
        pollFigures();
      }
    });
    window.addEventListener('resize', () => {
      if (state.lastFigures) {
        drawFigures(state.lastFigures);
      }
    });
    pollFigures();
  }

  // For tests and the browser console: the pure helpers and the page's state.
  window.tesseraDashboard = { SseParser, joinWav, wavParts, keyFromFragment, state };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
