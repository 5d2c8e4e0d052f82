/**
 * What the sandbox costs (issue 12): a cold `faultline up` and a full `faultline check` of the
 * price-alerts reference, with candidate code sandboxed as always, beside the same runtime with
 * the permission model's flags taken off. Each round runs both, interleaved, so load spikes hit
 * both:
 *
 *   sandboxed     `up --node <wrapper>`: the wrapper only execs the services' Node (so both
 *                 variants pay the same extra exec)
 *   unsandboxed   `up --node <wrapper>`: the wrapper drops --permission and --allow-* before it
 *                 execs the same Node, as a runtime that ignores them would (Faultline warns)
 *
 * Every service must report the sandbox its variant names (`faultline status --json`), or the
 * bench fails: the comparison is only worth something if the two really differ.
 *
 *   npm run bench -- sandbox [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli, median, node, runCheck, withSession, type BenchSession } from './session';

type Variant = 'sandboxed' | 'unsandboxed';

/** A `node` for `up --node`: execs the services' runtime, without the sandbox flags when `strip`. */
function wrapper(dir: string, strip: boolean): string {
  const file = path.join(dir, strip ? 'node-unsandboxed' : 'node-sandboxed');
  const filter = strip
    ? [
        'for a in "$@"; do',
        '  shift',
        '  case "$a" in',
        '    --permission|--allow-fs-read=*|--allow-fs-write=*|--allow-addons|--allow-child-process|--allow-worker) ;;',
        '    *) set -- "$@" "$a" ;;',
        '  esac',
        'done',
      ]
    : [];
  fs.writeFileSync(file, ['#!/bin/sh', ...filter, `exec '${node}' "$@"`, ''].join('\n'), { mode: 0o755 });
  return file;
}

/** Every candidate service of the session reported the sandbox the variant says, or this throws. */
function assertSandbox(s: BenchSession, variant: Variant): void {
  const status = JSON.parse(spawnSync(node, [cli, 'status', s.ws, '--json'], { env: s.env, encoding: 'utf8' }).stdout) as {
    services: { name: string; instances: { sandbox?: { enforced: boolean } }[] }[];
  };
  const reports = status.services.flatMap((x) => x.instances.flatMap((i) => (i.sandbox ? [{ name: x.name, ...i.sandbox }] : [])));
  const wrong = reports.filter((r) => r.enforced !== (variant === 'sandboxed'));
  if (reports.length === 0 || wrong.length > 0)
    throw new Error(`${variant}: services report ${JSON.stringify(reports)}; the variant is not what it says`);
}

export async function run(args: string[]): Promise<string> {
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 3;
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-sandbox-'));
  const variants: { name: Variant; node: string }[] = [
    { name: 'sandboxed', node: wrapper(bin, false) },
    { name: 'unsandboxed', node: wrapper(bin, true) },
  ];
  const ups = new Map<Variant, number[]>();
  const checks = new Map<Variant, { ms: number; points: number }[]>();
  try {
    for (let r = 0; r < rounds; r++) {
      for (const v of variants)
        await withSession(
          'price-alerts',
          'reference',
          async (s) => {
            assertSandbox(s, v.name);
            ups.set(v.name, [...(ups.get(v.name) ?? []), s.upMs]);
            checks.set(v.name, [...(checks.get(v.name) ?? []), await runCheck([s.ws], s.env)]);
          },
          ['--node', v.node],
        );
      process.stderr.write(`round ${r + 1}/${rounds} done\n`);
    }
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const m = (v: Variant) => ({
    up: median(ups.get(v) ?? []),
    check: median((checks.get(v) ?? []).map((c) => c.ms)),
    points: [...new Set((checks.get(v) ?? []).map((c) => c.points))].join(', '),
  });
  const on = m('sandboxed');
  const off = m('unsandboxed');
  return [
    `price-alerts reference, ${rounds} interleaved rounds, Node ${process.versions.node}, ${os.availableParallelism()} CPUs`,
    '',
    '| variant | cold `up` (to FAULTLINE_READY) | full `check` | points |',
    '|---|---|---|---|',
    `| unsandboxed | ${fmt(off.up)} | ${fmt(off.check)} | ${off.points} |`,
    `| sandboxed | ${fmt(on.up)} | ${fmt(on.check)} | ${on.points} |`,
    `| sandboxed ÷ unsandboxed | ${(on.up / off.up).toFixed(2)}× | ${(on.check / off.check).toFixed(2)}× | |`,
  ].join('\n');
}
