/**
 * The manifest language server over the real protocol: `dist/servers/language-server.js --stdio`
 * spawned as a process, a JSON-RPC client on its pipes. Diagnostics with exact ranges, completion,
 * hover, quick fixes that really fix, and a clean shutdown.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  MarkupContent,
  Position,
  PublishDiagnosticsParams,
  Range,
  TextEdit,
} from 'vscode-languageserver/node';
import { FAULT_TYPES } from '../../extension/engine/chaos/faults';
import { fixtures, repoRoot, tempDir } from '../helpers';

const serverJs = path.join(repoRoot, 'dist', 'servers', 'language-server.js');
const fixtureDir = path.join(fixtures, 'exercises', 'fixture-basic');

const CHECKS = `import type { DeclareChecks } from 'faultline/checks';

const checks: DeclareChecks = (check) => {
  check('health', { title: 'a answers its health path', kind: 'functional' }, async (t) => {
    t.expect((await t.http('a').get('/health')).status, 200, 'GET /health');
  });
  // check('commented-out', …) is not a check
  check("items", { title: 'b reaches a', kind: 'functional' }, async (t) => {
    t.expect((await t.http('b').get('/upstream?path=/health')).status, 200, 'b → a');
  });
  check('spare', { title: 'not used by the rubric', kind: 'chaos' }, async () => {});
};
export default checks;
`;

type Manifest = Record<string, unknown> & { chaos: { faults: Record<string, unknown>[] }[] };

/** The fixture exercise plus checks and a rubric, in `<root>/fixture-basic`. */
function exercise(root: string, change: (m: Manifest) => void): { dir: string; file: string; text: string; uri: string } {
  const dir = path.join(root, 'fixture-basic');
  fs.cpSync(fixtureDir, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'interviewer', 'checks'), { recursive: true, force: true }); // only the checks below
  fs.mkdirSync(path.join(dir, 'interviewer', 'checks'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'interviewer', 'checks', 'basic.check.ts'), CHECKS);
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'exercise.json'), 'utf8')) as Manifest;
  m['interviewer'] = { guide: 'interviewer/GUIDE.md', checks: 'interviewer/checks' };
  m['rubric'] = {
    total: 10,
    scale: [{ min: 0, max: 10, rating: 'Any' }],
    categories: [
      {
        id: 'works',
        title: 'It works',
        points: 10,
        items: [
          { id: 'up', title: 'Up', points: 4, kind: 'auto', check: 'health' },
          { id: 'talks', title: 'Talks', points: 3, kind: 'auto', checks: [{ check: 'items' }, { check: 'spare', weight: 2 }] },
          { id: 'explains', title: 'Explains', points: 3, kind: 'manual', criteria: 'Says why.' },
        ],
      },
    ],
  };
  change(m);
  const text = JSON.stringify(m, null, 2) + '\n';
  const file = path.join(dir, 'exercise.json');
  fs.writeFileSync(file, text);
  return { dir, file, text, uri: pathToFileURL(file).href };
}

/** Position of the `nth` occurrence of `needle`, plus `delta` characters. */
function pos(text: string, needle: string, delta = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} (#${nth}) not in the text`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function rangeOf(text: string, needle: string, nth = 0): Range {
  return { start: pos(text, needle, 0, nth), end: pos(text, needle, needle.length, nth) };
}

/** Range of `part` inside the first occurrence of `needle`. */
function rangeIn(text: string, needle: string, part: string): Range {
  const at = needle.indexOf(part);
  return { start: pos(text, needle, at), end: pos(text, needle, at + part.length) };
}

function offsetOf(text: string, p: Position): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

class Client {
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  readonly exited: Promise<number | null>;
  readonly stderr = { text: '' };
  private versions = new Map<string, number>();

  constructor(
    readonly child: ReturnType<typeof spawn>,
    readonly rpc: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr.text += d));
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    rpc.listen();
  }

  /** The next publication matching `match`. */
  next(match: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 15_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics within ${timeoutMs} ms\n${this.stderr.text}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** The diagnostics published for `uri` at `version` (already, or from now on). */
  async diagnostics(uri: string, version: number): Promise<Diagnostic[]> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && p.version === version;
    return (this.published.find(match) ?? (await this.next(match))).diagnostics;
  }

  open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    void this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
    return this.diagnostics(uri, 1);
  }

  change(uri: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return this.diagnostics(uri, version);
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = await this.rpc.sendRequest<CompletionItem[] | CompletionList | null>('textDocument/completion', {
      textDocument: { uri },
      position,
    });
    return Array.isArray(r) ? r : (r?.items ?? []);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.rpc.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.rpc.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });
  }
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label).sort();
}

function markdown(h: Hover | null): string {
  return (h?.contents as MarkupContent | undefined)?.value ?? '';
}

function editsOf(action: CodeAction | undefined, uri: string): TextEdit[] {
  return action?.edit?.changes?.[uri] ?? [];
}

describe('manifest language server (stdio)', () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const t = { after: (fn: () => unknown) => cleanups.push(fn) };
  const work = tempDir(t, 'faultline-lsp-');
  let client: Client;

  // Deliberate errors, each at a place whose range the test computes from the text.
  const broken = exercise(path.join(work, 'broken'), (m) => {
    m.chaos[0]!.faults[0]!['type'] = 'latancy';
    m.chaos[1]!.faults[0]!['target'] = 'bb';
    (m['rubric'] as { total: number }).total = 12;
    const items = (m['rubric'] as { categories: { items: Record<string, unknown>[] }[] }).categories[0]!.items;
    items[0]!['check'] = 'helth';
    (m['solutions'] as Record<string, unknown>)['variant'] = { path: 'solutions/patched', extends: 'patchd' };
  });
  const good = exercise(path.join(work, 'good'), () => undefined);

  before(async () => {
    assert.ok(fs.existsSync(serverJs), 'run `npm run build` first');
    const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await new Promise((r) => child.on('exit', r));
      }
    });
    const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    cleanups.push(() => rpc.dispose());
    client = new Client(child, rpc);
    const init = await rpc.sendRequest<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(work).href,
      capabilities: {},
      initializationOptions: { debounceMs: 20 },
    });
    assert.equal(init.serverInfo?.name, 'faultline-language-server');
    assert.ok(init.capabilities['completionProvider'] && init.capabilities['hoverProvider'] && init.capabilities['codeActionProvider']);
    await rpc.sendNotification('initialized', {});
  });

  it('publishes diagnostics with the validator messages at exact ranges, and none for a valid manifest', async () => {
    const diagnostics = await client.open(broken.uri, broken.text);
    const got = diagnostics.map((d) => ({
      message: typeof d.message === 'string' ? d.message : d.message.value,
      range: d.range,
      severity: d.severity,
      code: d.code,
    }));
    const known = FAULT_TYPES.map((f) => f.type).join(', ');
    const expected = [
      {
        message: `unknown fault type "latancy"; known: ${known}`,
        range: rangeOf(broken.text, '"latancy"'),
        severity: 1,
        code: 'unknown-fault-type',
      },
      { message: 'unknown service "bb"', range: rangeOf(broken.text, '"bb"'), severity: 1, code: 'unknown-service' },
      {
        message: 'total is 12 but the categories add up to 10',
        range: rangeIn(broken.text, '"total": 12', '12'),
        severity: 1,
        code: 'rubric-total',
      },
      {
        message: 'unknown check "helth"; declared in interviewer/checks: health, items, spare',
        range: rangeOf(broken.text, '"helth"'),
        severity: 1,
        code: 'unknown-check',
      },
      {
        message: 'solution "variant" extends an unknown solution "patchd"',
        range: rangeOf(broken.text, '"patchd"'),
        severity: 1,
        code: 'unknown-solution',
      },
      {
        message: 'check "health" (interviewer/checks/basic.check.ts:4) is not used by any rubric item',
        range: rangeOf(broken.text, '"interviewer/checks"'),
        severity: 2,
        code: 'unused-check',
      },
    ];
    const key = (d: { message: string }) => d.message;
    assert.deepEqual(
      [...got].sort((a, b) => key(a).localeCompare(key(b))),
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );

    assert.deepEqual(await client.open(good.uri, good.text), []);
  });

  it('completes fault types, latency parameters, service names and check ids', async () => {
    const types = await client.completion(broken.uri, pos(broken.text, '"latancy"', 3));
    assert.deepEqual(labels(types), FAULT_TYPES.map((f) => f.type).sort());
    const latency = types.find((i) => i.label === 'latency');
    assert.equal(latency?.detail, 'Delay requests by a fixed time plus jitter');
    assert.deepEqual(
      latency?.textEdit && 'range' in latency.textEdit ? latency.textEdit.range : undefined,
      rangeOf(broken.text, '"latancy"'),
    );

    // Inside the params of the "latency" fault of the valid manifest: {"ms": 300, "from": "b"} are taken.
    const params = await client.completion(good.uri, pos(good.text, '"params": {', '"params": {'.length));
    assert.deepEqual(labels(params), ['direction', 'jitterMs', 'match', 'replica']);
    const direction = params.find((i) => i.label === 'direction');
    assert.equal(direction?.textEdit?.newText, '"direction": "${1|request,response|}"');
    assert.equal(params.find((i) => i.label === 'jitterMs')?.textEdit?.newText, '"jitterMs": ${1:0}');
    assert.match(direction?.detail ?? '', /"request" \| "response" = "request"/);
    assert.match(JSON.stringify(direction?.documentation), /Delay before forwarding the request/);

    const services = await client.completion(good.uri, pos(good.text, '"target": "a"', '"target": "'.length));
    assert.deepEqual(labels(services), ['a', 'b']);
    const from = await client.completion(good.uri, pos(good.text, '"from": "b"', '"from": "'.length));
    assert.deepEqual(labels(from), ['a', 'b']);
    const dependsOn = await client.completion(good.uri, pos(good.text, '"dependsOn": [', '"dependsOn": [\n        "'.length));
    assert.deepEqual(labels(dependsOn), ['a'], 'b cannot depend on itself');

    const checks = await client.completion(broken.uri, pos(broken.text, '"helth"', 2));
    assert.deepEqual(labels(checks), ['health', 'items', 'spare']);
    assert.equal(checks.find((i) => i.label === 'items')?.detail, 'b reaches a');

    const bases = await client.completion(broken.uri, pos(broken.text, '"patchd"', 1));
    assert.deepEqual(labels(bases), ['patched'], 'solutions.<name>.extends: the others');

    const level = await client.completion(good.uri, pos(good.text, '"level": "junior"', '"level": "'.length));
    assert.deepEqual(labels(level), ['junior', 'mid', 'senior', 'staff']);
    const scenario = await client.completion(good.uri, pos(good.text, '"service": "b"', '"service": "'.length));
    assert.deepEqual(labels(scenario), ['a', 'b'], 'scenarioEndpoints.service');
  });

  it('hovers fault types and parameters with registry docs, and keys with schema descriptions', async () => {
    const type = markdown(await client.hover(good.uri, pos(good.text, '"http_error"', 2)));
    assert.match(type, /\*\*http_error\*\* — network fault: Answer with an HTTP error status instead of the service/);
    assert.match(type, /\| `status` \| integer 400–599 \| `503` \| Status code to answer with\. \|/);

    const ms = markdown(await client.hover(good.uri, pos(good.text, '"ms"', 1)));
    assert.match(ms, /\*\*ms\*\* — parameter of `latency`/);
    assert.match(ms, /Type: integer 0–600000 · default: `300`/);
    assert.match(ms, /Added delay in milliseconds\./);

    const key = markdown(await client.hover(good.uri, pos(good.text, '"durationMinutes"', 2)));
    assert.match(key, /\*\*durationMinutes\*\* \(required\): integer 5–480/);
    assert.match(key, /Planned length of the interview\./);
  });

  it('offers quick fixes whose edits fix the problem', async () => {
    let text = broken.text;
    let diagnostics = await client.diagnostics(broken.uri, 1);
    const typeDiagnostic = diagnostics.find((d) => d.code === 'unknown-fault-type');
    assert.ok(typeDiagnostic);
    const typeFixes = await client.codeActions(broken.uri, [typeDiagnostic]);
    assert.equal(typeFixes[0]?.title, 'Change to "latency"');
    assert.equal(typeFixes[0]?.isPreferred, true);
    text = applyEdits(text, editsOf(typeFixes[0], broken.uri));
    diagnostics = await client.change(broken.uri, text);
    assert.equal(
      diagnostics.some((d) => d.code === 'unknown-fault-type'),
      false,
    );
    assert.match(text, /"type": "latency"/);

    const total = diagnostics.find((d) => d.code === 'rubric-total');
    assert.ok(total);
    const totalFixes = await client.codeActions(broken.uri, [total]);
    assert.equal(totalFixes[0]?.title, 'Set the total to 10 (the sum of the categories)');
    text = applyEdits(text, editsOf(totalFixes[0], broken.uri));
    diagnostics = await client.change(broken.uri, text);
    assert.equal(
      diagnostics.some((d) => d.code === 'rubric-total'),
      false,
    );

    for (const code of ['unknown-service', 'unknown-check', 'unknown-solution']) {
      const d = diagnostics.find((x) => x.code === code);
      assert.ok(d, code);
      const fixes = await client.codeActions(broken.uri, [d]);
      assert.ok(fixes[0], `a fix for ${code}`);
      text = applyEdits(text, editsOf(fixes[0], broken.uri));
    }
    assert.match(text, /"extends": "patched"/);
    diagnostics = await client.change(broken.uri, text);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [],
      'every error fixed; "health" is used again',
    );

    // An unknown property (a schema error) is removed by its fix.
    const typo = text.replace('"level": "junior",', '"level": "junior",\n  "levle": "mid",');
    diagnostics = await client.change(broken.uri, typo);
    assert.deepEqual(
      diagnostics.map((d) => [d.message, d.range]),
      [['unknown property', rangeOf(typo, '"levle"')]],
    );
    const remove = await client.codeActions(broken.uri, diagnostics);
    assert.equal(remove[0]?.title, 'Remove property "levle"');
    const removed = applyEdits(typo, editsOf(remove[0], broken.uri));
    assert.deepEqual(JSON.parse(removed), JSON.parse(text));
    assert.deepEqual(await client.change(broken.uri, removed), []);
  });

  it('clears diagnostics on close and shuts down cleanly', async () => {
    const next = client.next((p) => p.uri === broken.uri);
    void client.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: broken.uri } });
    const cleared = await next;
    assert.deepEqual(cleared.diagnostics, []);
    await client.rpc.sendRequest('shutdown');
    await client.rpc.sendNotification('exit');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([client.exited, new Promise<string>((r) => (timer = setTimeout(() => r('timeout'), 10_000)))]);
    clearTimeout(timer);
    assert.equal(code, 0);
  });
});
