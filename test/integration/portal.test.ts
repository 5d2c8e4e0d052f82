/**
 * The candidate portal on the fixture exercise, through the real CLI and session: the view (brief,
 * public service URLs, hints, clock), live pushes over the WebSocket (hint sent, phase started,
 * a service crashing and coming back), what it refuses (unknown paths, traversal, methods, foreign
 * Host and Origin), that it closes with the session and comes back on the same port; plus the
 * escaping Markdown renderer against XSS and the brief's workspace boundary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { renderMarkdown } from '../../extension/engine/portal/markdown';
import { buildPortalView, readBrief } from '../../extension/engine/portal/view';
import { describeEvent } from '../../extension/engine/rubric/scorecard';
import { readTimeline } from '../../extension/engine/timeline';
import { controlApi } from '../../extension/engine/protocol/control';
import { PortalMessageSchema, PortalViewSchema, type PortalMessage, type PortalView } from '../../extension/engine/model/portal';
import { portalApi } from '../../extension/engine/protocol/portal';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken, type SessionState } from '../../extension/engine/session';
import { cliEnv, eventually, fixtures, repoRoot, runCli, startUp, suiteCleanup, tempDir, type UpProcess } from '../helpers';
import { openPortalSocket, rawRequest } from '../helpers/portal';

type ViewMessage = Extract<PortalMessage, { type: 'view' }>;
const isView = (m: PortalMessage): m is ViewMessage => m.type === 'view';

describe('candidate portal (fixture exercise)', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
  const work = tempDir(t, 'faultline-portal-');
  const dir = path.join(work, 'ws');
  const stateFile = path.join(work, 'state.json');
  let up: UpProcess;
  let state: SessionState;
  let portalUrl = '';
  const control = () => apiClient(controlApi, state.control.url, readToken(state), 60_000);
  const portal = () => apiClient(portalApi, portalUrl, '');

  before(async () => {
    assert.equal((await runCli(['new', 'fixture-basic', dir], { env })).code, 0);
    up = await startUp(t, dir, { env, stateFile });
    state = up.state;
    portalUrl = state.portal.url;
  });

  it('is announced by `up` and `faultline portal`, on 127.0.0.1 with its own port', async () => {
    assert.match(portalUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const other of [state.control.url, state.proxy.url, ...Object.values(state.services).map((s) => s.url)]) {
      assert.notEqual(new URL(other).port, new URL(portalUrl).port);
    }
    await eventually(() => up.output.text.includes(`candidate portal: ${portalUrl}`), 10_000, 'the portal line of the ready banner');
    const printed = await runCli(['portal', dir], { env });
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout.trim(), portalUrl);
    const viaState = await runCli(['portal', '--state', stateFile], { env });
    assert.equal(viaState.stdout.trim(), portalUrl);
    // --open never fails: without an opener (empty PATH) it still prints the URL.
    const opened = await runCli(['portal', dir, '--open'], { env: { ...env, PATH: '' } });
    assert.equal(opened.code, 0, opened.stderr);
    assert.equal(opened.stdout.trim(), portalUrl);
    assert.match(opened.stderr, /no browser opener/);
  });

  it('serves the candidate view: brief, public service URLs, no hints yet, the clock of the phases', async () => {
    const view = await portal().view(null);
    assert.ok(
      Value.Check(PortalViewSchema, view),
      `the view is exactly the declared shape: ${JSON.stringify([...Value.Errors(PortalViewSchema, view)][0])}`,
    );
    assert.deepEqual(view.exercise, {
      id: 'fixture-basic',
      title: 'Fixture',
      summary: "Two plain Node services for Faultline's own tests.",
    });
    assert.equal(view.brief.path, 'README.md');
    assert.equal(view.brief.markdown, fs.readFileSync(path.join(dir, 'README.md'), 'utf8'));
    assert.equal(view.brief.missing, false);
    assert.match(view.brief.html, /<h1>Fixture exercise<\/h1>/);
    assert.deepEqual(
      view.services.map((s) => [s.name, s.url, s.state]),
      Object.entries(state.services).map(([name, s]) => [name, s.url, 'up']),
    );
    const internal = [
      state.control.url,
      state.proxy.url,
      ...Object.values(state.services).flatMap((s) => s.urls),
      ...Object.values(state.services).flatMap((s) => (s.database ? [s.database] : [])),
    ];
    const text = JSON.stringify(view);
    for (const secret of [...internal, readToken(state), state.sessionDir, home])
      assert.ok(!text.includes(secret), `the view does not show ${secret}`);
    assert.deepEqual(view.hints, []);
    const phases = await control().phase(null);
    assert.deepEqual(view.clock, {
      startedAt: phases.startedAt,
      endsAt: phases.endsAt,
      durationMinutes: 10,
      phase: { title: 'Only phase', index: 0, count: 2 },
    });
    assert.ok(!text.includes('Nothing to do.'), 'phase goals are interviewer text');
    assert.equal(view.mode, 'interview');
    assert.ok(Math.abs(Date.parse(view.now) - Date.now()) < 60_000);
  });

  it('serves the page and its assets with a strict Content-Security-Policy', async () => {
    const page = await rawRequest(portalUrl, '/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<script src="portal\.js" defer><\/script>/);
    assert.doesNotMatch(page.body, /<script>|\son\w+=|https?:\/\//, 'no inline script, handlers or external resources');
    const csp = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "base-uri 'none'"]) {
      assert.ok(csp.includes(directive), `CSP has ${directive}: ${csp}`);
    }
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const script = await rawRequest(portalUrl, '/portal.js');
    assert.equal(script.status, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    assert.match(script.body, /api\/view/);
    const css = await rawRequest(portalUrl, '/portal.css');
    assert.equal(css.status, 200);
    assert.match(css.body, /prefers-color-scheme: dark/);
    const head = await rawRequest(portalUrl, '/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('pushes a sent hint over the WebSocket at once (and it is in HINTS.md)', async (tc) => {
    const ws = await openPortalSocket(portalUrl);
    tc.after(() => ws.close());
    const first = await ws.next(isView, 'the first view');
    assert.equal(ws.messages[0], first, 'the view comes first');
    assert.deepEqual(first.view.hints, []);
    const sent = await control().hintSend({ ladder: 'find-a' });
    const hint = await ws.next((m) => m.type === 'hint', 'the hint message');
    assert.deepEqual(hint, {
      type: 'hint',
      hint: { title: 'Where is a?', level: 'mild', text: 'Look at the services.', html: '<p>Look at the services.</p>', at: sent.at },
    });
    const updated = await ws.next((m) => isView(m) && m.view.hints.length === 1, 'a view with the hint');
    assert.ok(isView(updated));
    assert.deepEqual(updated.view.hints[0], hint.type === 'hint' ? hint.hint : undefined);
    assert.ok(ws.messages.indexOf(hint) < ws.messages.indexOf(updated), 'the notification before the view');
    assert.match(fs.readFileSync(path.join(dir, 'HINTS.md'), 'utf8'), /## Where is a\? — mild[\s\S]*Look at the services\./);
    const view = await portal().view(null);
    assert.deepEqual(
      view.hints.map((h) => h.text),
      ['Look at the services.'],
    );
    assert.ok(!JSON.stringify(view).includes('Look at service a.'), 'the next hint is still unsent');
  });

  it('pushes a new view when the phase changes', async (tc) => {
    const ws = await openPortalSocket(portalUrl);
    tc.after(() => ws.close());
    await ws.next(isView, 'the first view');
    await control().phaseStart({});
    const moved = await ws.next((m) => isView(m) && m.view.clock.phase.index === 1, 'a view in the next phase', 15_000, 1);
    assert.ok(isView(moved));
    assert.deepEqual(moved.view.clock.phase, { title: 'Later phase', index: 1, count: 2 });
    assert.ok(!JSON.stringify(moved).includes('Survive a partition.'), 'phase goals are interviewer text');
  });

  it('pushes service state changes: a crashed service, then up again', async (tc) => {
    const ws = await openPortalSocket(portalUrl);
    tc.after(() => ws.close());
    await ws.next(isView, 'the first view');
    const stateOf = (m: PortalMessage) => (isView(m) ? m.view.services.find((s) => s.name === 'a')?.state : undefined);
    await control().chaosActivate({ mode: 'kill_a' });
    tc.after(() => control().chaosReset({}));
    const down = await ws.next((m) => stateOf(m) !== undefined && stateOf(m) !== 'up', 'a view with a not up');
    await ws.next((m) => stateOf(m) === 'up', 'a view with a up again', 30_000, ws.messages.indexOf(down));
  });

  it('shows a service that runs but stopped responding (frozen), then up again', async (tc) => {
    const ws = await openPortalSocket(portalUrl);
    tc.after(() => ws.close());
    await ws.next(isView, 'the first view');
    const stateOf = (m: PortalMessage) => (isView(m) ? m.view.services.find((s) => s.name === 'a')?.state : undefined);
    await control().chaosActivate({ mode: 'freeze_a' });
    tc.after(() => control().chaosReset({}));
    const stuck = await ws.next((m) => stateOf(m) === 'stuck', 'a view with a stuck (the liveness monitor)', 20_000);
    await control().chaosReset({});
    await ws.next((m) => stateOf(m) === 'up', 'a view with a up again', 20_000, ws.messages.indexOf(stuck));
    const events = readTimeline(path.join(state.sessionDir, 'timeline.jsonl')).map((e) => describeEvent(e) ?? '');
    assert.ok(events.some((e) => /^Service a stopped responding: its event loop has not answered/.test(e)));
    assert.ok(events.some((e) => /^Service a responding again after \d+\.\d s$/.test(e)));
  });

  it("streams what the exercise's services print — and never Faultline's own lines", async (tc) => {
    const ws = await openPortalSocket(portalUrl);
    tc.after(() => ws.close());
    await ws.next(isView, 'the first view');
    type LogsMessage = Extract<PortalMessage, { type: 'logs' }>;
    const isLogs = (m: PortalMessage): m is LogsMessage => m.type === 'logs';
    const recent = await ws.next(isLogs, 'the recent lines on connect');
    assert.ok(isLogs(recent));
    assert.ok(
      recent.lines.some((l) => l.service === 'a' && /listening on/.test(l.text)),
      JSON.stringify(recent.lines.slice(-5)),
    );

    // Chaos makes Faultline log (supervisor, chaos, fault proxy): none of it reaches the page.
    await control().chaosActivate({ mode: 'a_errors' });
    tc.after(() => control().chaosReset({}));
    const from = ws.messages.length;
    const b = state.services['b']!.url;
    await fetch(`${b}/count`, { method: 'POST' }).then((r) => r.text());
    await ws.next((m) => isLogs(m) && m.lines.some((l) => l.service === 'b' && /counted \d+/.test(l.text)), 'the new line', 10_000, from);
    await control().chaosReset({});
    const all = ws.messages.filter(isLogs).flatMap((m) => m.lines);
    assert.deepEqual([...new Set(all.map((l) => l.service))].sort(), ['a', 'b']);
    assert.ok(!all.some((l) => /a_errors|\[faultline\]|chaos/i.test(l.text)), 'no Faultline lines');
    for (const m of ws.messages) assert.ok(Value.Check(PortalMessageSchema, m), JSON.stringify(m).slice(0, 300));
  });

  it('answers 404 for anything else, without paths, and never reads outside its files', async () => {
    const targets = [
      '/nope',
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/package.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
      '/portal.css/../../../package.json',
      '/..\\..\\package.json',
      '/\\etc\\passwd',
      '//etc/passwd',
      '/etc/passwd',
      `/${repoRoot}/package.json`,
      '/media/portal/index.html',
      '/dist/portal/portal.js',
      '/index.html%00.css',
      '/portal.js.map',
      '/api/view/../../package.json',
      '/api',
    ];
    for (const target of targets) {
      const r = await rawRequest(portalUrl, target);
      assert.equal(r.status, 404, `${target}: ${r.status}`);
      assert.deepEqual(JSON.parse(r.body), { error: { code: 'usage', message: 'not found' } }, target);
    }
    const absolute = await rawRequest(portalUrl, `http://127.0.0.1/${repoRoot}/package.json`);
    assert.equal(absolute.status, 400);
    for (const r of [absolute]) {
      for (const secret of [repoRoot, os.homedir(), dir, '"name"']) assert.ok(!r.body.includes(secret), `no ${secret} in ${r.body}`);
    }
    const ws = await rawRequest(portalUrl, '/ws');
    assert.equal(ws.status, 426);
  });

  it('is read-only: GET and HEAD only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const r = await rawRequest(portalUrl, '/api/view', { method });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers['allow'], 'GET, HEAD');
    }
  });

  it('accepts loopback Host names at any port (Live Share tunnels) and refuses others (DNS rebinding)', async () => {
    const port = new URL(portalUrl).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost:4711', `[::1]:${port}`, '127.0.0.1', 'LOCALHOST:80']) {
      assert.equal((await rawRequest(portalUrl, '/api/view', { host })).status, 200, host);
    }
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      'localhost.evil.example',
      '',
      'localhost:port',
    ]) {
      const r = await rawRequest(portalUrl, '/api/view', { host });
      assert.equal(r.status, 403, `Host "${host}"`);
      assert.doesNotMatch(r.body, /exercise/);
    }
    await assert.rejects(openPortalSocket(portalUrl, { host: `evil.example:${port}` }), /HTTP 403/);
    await assert.rejects(
      openPortalSocket(portalUrl, { origin: 'http://evil.example' }),
      /HTTP 403/,
      'pages of other sites cannot subscribe',
    );
    await assert.rejects(openPortalSocket(portalUrl, { origin: 'null' }), /HTTP 403/);
    const sameOrigin = await openPortalSocket(portalUrl, { origin: `http://localhost:${port}` });
    sameOrigin.close();
  });

  it('closes when the session stops, and comes back on the same port with the next session', async () => {
    const ws = await openPortalSocket(portalUrl);
    await ws.next(isView, 'the first view');
    assert.equal(await up.interrupt(), 0);
    assert.equal(await ws.closed, 1001, 'pages are told the session ended');
    await assert.rejects(fetch(new URL('api/view', portalUrl)), 'nothing listens any more');

    // The next session of this workspace takes the same port when it is free: open pages reconnect.
    const again = await startUp(t, dir, { env, stateFile });
    assert.equal(again.state.portal.url, portalUrl);
    const view = (await apiClient(portalApi, again.state.portal.url, '').view(null)) satisfies PortalView;
    assert.deepEqual(
      view.hints.map((h) => h.level),
      ['mild'],
      'hints survive the restart (they come from the timeline)',
    );
    assert.equal(await again.interrupt(), 0);
  });
});

describe('portal view boundary', () => {
  it('reads the brief only from inside the workspace and never shows host paths', (tc) => {
    const root = tempDir({ after: (fn) => tc.after(fn) }, 'faultline-brief-');
    const ws = path.join(root, 'ws');
    fs.mkdirSync(ws);
    const outside = path.join(root, 'secret.md');
    fs.writeFileSync(outside, 'TOP SECRET interviewer notes');
    const missing = readBrief(ws, 'README.md');
    assert.equal(missing.missing, true);
    assert.match(missing.markdown, /The brief \(`README\.md`\) is missing/);
    assert.ok(!missing.markdown.includes(root));
    // A candidate who can edit the workspace (e.g. over Live Share) points the brief elsewhere.
    fs.symlinkSync(outside, path.join(ws, 'README.md'));
    const linked = readBrief(ws, 'README.md');
    assert.equal(linked.missing, true);
    assert.ok(!linked.markdown.includes('TOP SECRET'));
    assert.ok(!linked.markdown.includes(root));
    assert.equal(readBrief(ws, '../secret.md').missing, true);
    fs.rmSync(path.join(ws, 'README.md'));
    fs.mkdirSync(path.join(ws, 'README.md'));
    assert.equal(readBrief(ws, 'README.md').missing, true, 'a folder is not a brief');
    fs.rmSync(path.join(ws, 'README.md'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'README.md'), '# Task\n');
    assert.deepEqual(readBrief(ws, 'README.md'), { path: 'README.md', markdown: '# Task\n', missing: false });
  });

  it('shows only sent hints and no interviewer fields, whatever the timeline holds', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, 'exercises', 'fixture-basic', 'exercise.json'), 'utf8')) as Parameters<
      typeof buildPortalView
    >[0]['exercise'];
    const view = buildPortalView({
      exercise: manifest,
      workspace: os.tmpdir(),
      mode: 'practice',
      services: [],
      events: [
        { t: '2026-01-01T10:00:00.000Z', type: 'session.start', token: 'tok-123' },
        {
          t: '2026-01-01T10:01:00.000Z',
          type: 'hint.sent',
          ladder: 'find-a',
          title: 'T',
          level: 'mild',
          text: '<b>x</b>',
          cost: 1,
          extra: 'E',
        },
        { t: '2026-01-01T10:02:00.000Z', type: 'score.manual', item: 'explains', points: 2, note: 'great candidate' },
        { t: '2026-01-01T10:03:00.000Z', type: 'rubric.check', id: 'a-healthy', status: 'passed' },
      ],
    });
    assert.ok(Value.Check(PortalViewSchema, view));
    assert.deepEqual(view.hints, [
      { title: 'T', level: 'mild', text: '<b>x</b>', html: '<p>&lt;b&gt;x&lt;/b&gt;</p>', at: '2026-01-01T10:01:00.000Z' },
    ]);
    const text = JSON.stringify(view);
    for (const secret of [
      'tok-123',
      'find-a',
      '"cost"',
      'E"',
      'great candidate',
      'a-healthy',
      'Look at service a.',
      'Clear, with trade-offs.',
      'Nothing to do.',
    ]) {
      assert.ok(!text.includes(secret), `no ${secret}`);
    }
    assert.equal(view.mode, 'practice');
    assert.equal(view.clock.endsAt, '2026-01-01T10:10:00.000Z');
  });

  it('the page script type-checks against the portal protocol (DOM types)', () => {
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(repoRoot, 'media', 'portal')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

/** Every tag the renderer may write, and the attributes each may carry. */
const ALLOWED: Record<string, string[]> = {
  p: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  ul: [],
  ol: ['start'],
  li: [],
  pre: [],
  code: ['class'],
  strong: [],
  em: [],
  a: ['href', 'target', 'rel'],
  blockquote: [],
  hr: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: [],
  td: [],
};

/** Fails unless every tag in `html` is an allowed one with allowed, well-quoted attributes and http(s) links. */
function assertSafeHtml(html: string, source: string): void {
  const where = `${JSON.stringify(source)} → ${html}`;
  for (const m of html.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [, closing, name = '', rest = ''] = m;
    const allowed = ALLOWED[name.toLowerCase()];
    assert.ok(allowed, `unexpected tag <${name}> in ${where}`);
    if (closing) {
      assert.equal(rest, '', where);
      continue;
    }
    const attrs = rest.trim() === '' ? [] : [...rest.matchAll(/\s*([a-z]+)="([^"<>]*)"/g)];
    assert.equal(attrs.map((a) => a[0]).join(''), rest, `attributes parse cleanly in ${where}`);
    for (const [, attr = '', value = ''] of attrs) {
      assert.ok(allowed.includes(attr), `<${name} ${attr}> in ${where}`);
      if (attr === 'href') assert.match(value, /^https?:\/\//, where);
      if (attr === 'class') assert.match(value, /^language-[a-z0-9+-]+$/, where);
      if (attr === 'start') assert.match(value, /^\d+$/, where);
    }
  }
  assert.doesNotMatch(html.replace(/<[^>]*>/g, ''), /[<>"']/, `text is escaped in ${where}`);
}

describe('portal Markdown renderer', () => {
  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](javascript&#58;alert(1))',
    '[click]( javascript:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[click](vbscript:msgbox)',
    '[click](//evil.example/x)',
    '[click](/relative/path)',
    '[x](http://a.example/"onmouseover="alert(1))',
    "[x](http://a.example/?q='><script>alert(1)</script>)",
    '[x" onclick="alert(1)](https://ok.example)',
    '[<img src=x onerror=alert(1)>](https://ok.example)',
    '![x" onerror="alert(1)](https://img.example/a.png)',
    '![alt](javascript:alert(1))',
    '<javascript:alert(1)>',
    '<https://ok.example/"><script>alert(1)</script>>',
    '```"><script>alert(1)</script>\ncode\n```',
    '```js onload=alert(1)\n</code></pre><script>alert(1)</script>\n```',
    '`</code><script>alert(1)</script>`',
    '**<script>alert(1)</script>**',
    '# <svg onload=alert(1)>',
    '- <iframe src="https://evil.example"></iframe>\n- [a](javascript:x)',
    '1. one\n2. <style>body{display:none}</style>',
    '> <script>alert(1)</script>\n> [q](javascript:alert(1))',
    'a | b\n--|--\n<script>x</script> | [l](javascript:y)',
    '\u0000<script>\u00000\u0000</script>',
    '[a](https://ok.example/a_b*c*_d_) _x_ *y* __z__',
    '&lt;script&gt; &amp; &#x3C;script&#x3E;',
  ];

  for (const source of attacks) {
    it(`escapes ${JSON.stringify(source).slice(0, 70)}`, () => {
      const html = renderMarkdown(source);
      assertSafeHtml(html, source);
      assert.doesNotMatch(html, /<script|<img|<svg|<iframe|<style/i);
    });
  }

  it('keeps http(s) links, with noopener, and renders the supported Markdown', () => {
    assert.equal(
      renderMarkdown('See [the docs](https://docs.example/a?b=1&c=2) and `npm test`.'),
      '<p>See <a href="https://docs.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a> and <code>npm test</code>.</p>',
    );
    assert.equal(renderMarkdown('[relative](docs/x.md)'), '<p>relative</p>');
    assert.equal(
      renderMarkdown('## Task\n\n- **one**\n- two\n  1. nested\n\n```ts\nconst a = 1 < 2;\n```'),
      '<h2>Task</h2>\n<ul>\n<li><strong>one</strong></li>\n<li>two\n<ol>\n<li>nested</li>\n</ol></li>\n</ul>\n<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>',
    );
  });

  it('survives random mixes of dangerous fragments', () => {
    const parts = [
      '<',
      '>',
      '"',
      "'",
      '`',
      '[',
      ']',
      '(',
      ')',
      '*',
      '_',
      '!',
      'javascript:',
      'https://x.example/',
      'script',
      ' ',
      '\n',
      '#',
      '-',
      '|',
      '&',
      'on',
      '=',
      '\\',
      '```',
      '> ',
      '1. ',
    ];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const source = Array.from({ length: 1 + rand(24) }, () => parts[rand(parts.length)]).join('');
      const html = renderMarkdown(source);
      assertSafeHtml(html, source);
    }
  });
});
