/**
 * The candidate portal page (browser; built by scripts/build.mjs into dist/portal/portal.js).
 * It renders the PortalView it gets from the portal server — over the WebSocket, which pushes a
 * new view whenever something changes, and from GET api/view at load — and keeps the countdown
 * ticking, and shows what the services print (`logs` messages). The HTML of the brief and the
 * hints comes from the server's escaping Markdown renderer; everything else is set as text. No
 * framework, no external resources.
 */
import type { PortalHint, PortalLogLine, PortalMessage, PortalView } from '../../extension/engine/model/portal';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

const BASE_TITLE = document.title;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;

let view: PortalView | undefined;
/** Server time minus local time: the countdown follows the session's clock, not this machine's. */
let clockOffsetMs = 0;
let renderedBrief = '';
const seenHints = new Set<string>();
let firstRender = true;
let flashTimer: number | undefined;

const hintKey = (h: PortalHint) => `${h.at}|${h.title}|${h.level}`;

/** Log lines kept (and shown) on the page. */
const LOG_KEEP = 500;
const logLines: PortalLogLine[] = [];
/** The next `logs` message is the server's recent lines (after a (re)connect): it replaces ours. */
let logsReplace = true;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function duration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

function timeOfDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function httpUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// --- rendering ----------------------------------------------------------------------------------

function tick(): void {
  const el = $('countdown');
  const endsAt = view?.clock.endsAt ? Date.parse(view.clock.endsAt) : NaN;
  if (Number.isNaN(endsAt)) {
    el.textContent = '--:--';
    el.dataset['state'] = 'waiting';
    el.setAttribute('aria-label', 'The interview clock has not started');
    return;
  }
  const left = endsAt - (Date.now() + clockOffsetMs);
  const overtime = left < 0;
  el.textContent = overtime ? `+${duration(left)}` : duration(left);
  el.dataset['state'] = overtime ? 'overtime' : left < 5 * 60_000 ? 'ending' : 'running';
  el.setAttribute('aria-label', overtime ? `${duration(left)} over time` : `${duration(left)} left`);
  $('clock-heading').textContent = overtime ? 'Over time' : 'Time left';
}

function renderServices(v: PortalView): void {
  const list = $('services');
  list.replaceChildren(
    ...v.services.map((s) => {
      const li = document.createElement('li');
      li.dataset['service'] = s.name;
      li.dataset['state'] = s.state;
      const name = document.createElement('span');
      name.className = 'service-name';
      name.textContent = s.title && s.title !== s.name ? `${s.title} (${s.name})` : s.name;
      const state = document.createElement('span');
      state.className = `badge state-${s.state}`;
      state.textContent = s.state === 'stuck' ? 'not responding' : s.state;
      const url = httpUrl(s.url);
      const link = document.createElement(url ? 'a' : 'span');
      link.className = 'service-url';
      link.textContent = s.url;
      if (url && link instanceof HTMLAnchorElement) {
        link.href = url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
      }
      li.append(name, state, link);
      return li;
    }),
  );
  $('no-services').hidden = v.services.length > 0;
}

function renderHints(v: PortalView): void {
  const list = $('hints');
  const newestFirst = [...v.hints].reverse();
  const items = newestFirst.map((h) => {
    const key = hintKey(h);
    const li = document.createElement('li');
    li.className = 'hint';
    li.dataset['level'] = h.level;
    li.dataset['key'] = key;
    if (!firstRender && !seenHints.has(key)) li.classList.add('fresh');
    const head = document.createElement('p');
    head.className = 'hint-head';
    const level = document.createElement('span');
    level.className = `badge level-${['mild', 'medium', 'strong'].includes(h.level) ? h.level : 'other'}`;
    level.textContent = h.level;
    const title = document.createElement('strong');
    title.className = 'hint-title';
    title.textContent = h.title;
    const time = document.createElement('time');
    time.dateTime = h.at;
    time.textContent = timeOfDay(h.at);
    head.append(level, ' ', title, ' ', time);
    const body = document.createElement('div');
    body.className = 'hint-body markdown';
    body.innerHTML = h.html; // rendered by the server's escaping Markdown renderer
    li.append(head, body);
    return li;
  });
  // Keep existing items (and their highlight) in place; only add what is new, so screen readers
  // announce just the new hint (aria-live on the list).
  const existing = new Map([...list.querySelectorAll<HTMLLIElement>('li.hint')].map((li) => [li.dataset['key'] ?? '', li]));
  const wanted = new Set(items.map((li) => li.dataset['key'] ?? ''));
  for (const [key, li] of existing) if (!wanted.has(key)) li.remove();
  let previous: Element | null = null;
  for (const li of items) {
    const key = li.dataset['key'] ?? '';
    const node = existing.get(key) ?? li;
    if (previous) previous.after(node);
    else list.prepend(node);
    previous = node;
  }
  for (const h of v.hints) seenHints.add(hintKey(h));
  $('no-hints').hidden = v.hints.length > 0;
  $('hint-count').textContent = v.hints.length > 0 ? String(v.hints.length) : '';
}

function logItem(line: PortalLogLine): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset['level'] = line.level;
  li.dataset['service'] = line.service;
  const time = document.createElement('time');
  time.dateTime = new Date(line.t).toISOString();
  time.textContent = new Date(line.t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const service = document.createElement('span');
  service.className = 'log-service';
  service.textContent = line.service;
  const text = document.createElement('span');
  text.className = 'log-text';
  text.textContent = line.text;
  li.append(time, ' ', service, ' ', text);
  return li;
}

/** Append (or, after a reconnect, replace) log lines; follow the end unless the reader scrolled up. */
function addLogs(lines: PortalLogLine[], skipped: number, replace: boolean): void {
  const list = $('log');
  const filter = $<HTMLSelectElement>('log-service').value;
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  if (replace) {
    logLines.length = 0;
    list.replaceChildren();
  }
  const shown = (l: PortalLogLine) => filter === '' || l.service === filter;
  const items = lines.filter(shown).map(logItem);
  if (skipped > 0) {
    const li = document.createElement('li');
    li.className = 'log-skipped';
    li.textContent = `… ${skipped} line(s) not shown (too many at once)`;
    items.push(li);
  }
  list.append(...items);
  logLines.push(...lines);
  if (logLines.length > LOG_KEEP) logLines.splice(0, logLines.length - LOG_KEEP);
  while (list.childElementCount > LOG_KEEP) list.firstElementChild?.remove();
  $('no-logs').hidden = logLines.length > 0;
  if (atEnd || replace) list.scrollTop = list.scrollHeight;
}

function renderLogFilter(v: PortalView): void {
  const select = $<HTMLSelectElement>('log-service');
  const names = v.services.map((s) => s.name);
  const current = [...select.options].slice(1).map((o) => o.value);
  if (current.join('|') === names.join('|')) return;
  const chosen = select.value;
  select.replaceChildren(select.options[0]!, ...names.map((n) => new Option(n, n)));
  select.value = names.includes(chosen) ? chosen : '';
}

function render(v: PortalView): void {
  view = v;
  clockOffsetMs = Date.parse(v.now) - Date.now();
  document.body.dataset['exercise'] = v.exercise.id;
  $('title').textContent = v.exercise.title;
  $('summary').textContent = v.exercise.summary;
  $('mode').textContent = v.mode === 'practice' ? 'practice' : 'interview';
  const phase = v.clock.phase;
  $('phase').textContent = phase.count > 1 ? `Phase ${phase.index + 1} of ${phase.count}: ${phase.title}` : phase.title;
  $('brief-path').textContent = v.brief.path;
  if (v.brief.html !== renderedBrief) {
    $('brief').innerHTML = v.brief.html; // rendered by the server's escaping Markdown renderer
    $('brief').classList.toggle('missing', v.brief.missing);
    renderedBrief = v.brief.html;
  }
  renderServices(v);
  renderHints(v);
  renderLogFilter(v);
  tick();
  firstRender = false;
  document.body.dataset['ready'] = 'true';
}

/** Flash the tab title until the candidate looks at the page (or for 30 s). */
function flashTitle(hint: PortalHint): void {
  window.clearInterval(flashTimer);
  let on = false;
  let left = 30;
  const stop = () => {
    window.clearInterval(flashTimer);
    flashTimer = undefined;
    document.title = BASE_TITLE;
  };
  flashTimer = window.setInterval(() => {
    on = !on;
    document.title = on ? `★ New hint: ${hint.title}` : BASE_TITLE;
    if (--left <= 0 || (!document.hidden && document.hasFocus() && left < 26)) stop();
  }, 1000);
  document.title = `★ New hint: ${hint.title}`;
}

// --- connection ---------------------------------------------------------------------------------

function setConnection(state: 'connecting' | 'live' | 'offline', text: string): void {
  document.body.dataset['connection'] = state;
  const el = $('connection');
  el.dataset['state'] = state;
  el.textContent = text;
}

let retryMs = RECONNECT_MIN_MS;
let socket: WebSocket | undefined;

function connect(): void {
  const url = new URL('ws', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  setConnection('connecting', view ? 'Reconnecting…' : 'Connecting…');
  const ws = new WebSocket(url);
  socket = ws;
  ws.addEventListener('open', () => {
    retryMs = RECONNECT_MIN_MS;
    logsReplace = true;
    setConnection('live', 'Live');
  });
  ws.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (typeof event.data !== 'string') return;
    let message: PortalMessage;
    try {
      message = JSON.parse(event.data) as PortalMessage;
    } catch {
      return;
    }
    if (message.type === 'view') render(message.view);
    else if (message.type === 'hint') flashTitle(message.hint);
    else if (message.type === 'logs') {
      addLogs(message.lines, message.skipped, logsReplace);
      logsReplace = false;
    }
  });
  ws.addEventListener('close', () => {
    if (socket !== ws) return;
    // The session stopped or restarted: try again, backing off (with jitter) up to 15 s.
    const wait = Math.round(retryMs * (0.75 + Math.random() * 0.5));
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    setConnection('offline', `Disconnected — retrying in ${Math.max(1, Math.round(wait / 1000))} s`);
    window.setTimeout(connect, wait);
  });
}

async function load(): Promise<void> {
  try {
    const res = await fetch('api/view', { cache: 'no-store' });
    if (res.ok && !view) render((await res.json()) as PortalView);
  } catch {
    // the WebSocket brings the view as soon as it connects
  }
}

window.setInterval(tick, 1000);
$('log-service').addEventListener('change', () => {
  const keep = [...logLines];
  addLogs(keep, 0, true);
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && flashTimer === undefined) document.title = BASE_TITLE;
});
connect();
void load();
