/**
 * Benchmark runner: `npm run bench` runs every bench/*.bench.ts, `npm run bench -- up` one of them.
 * Each bench exports `run(args)` and returns a Markdown block to paste into bench/RESULTS.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  const benches = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .filter((n) => names.length === 0 || names.includes(n));
  if (benches.length === 0) throw new Error(`no bench named ${names.join(', ')}`);
  for (const name of benches) {
    const mod = (await import(path.join(__dirname, `${name}.bench.ts`))) as { run(args: string[]): Promise<string> };
    process.stdout.write(`\n## ${name}\n\n${await mod.run(args)}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
