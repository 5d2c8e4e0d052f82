/**
 * Hidden-check ids, found statically. Check files (`*.check.ts` in the exercise's
 * `interviewer.checks` folder) declare checks with `check('<id>', { title, kind }, async (t) => …)`
 * (see `rubric/api.ts`). Rubric items name those ids, so `faultline validate` and the language
 * server resolve them without running anything: a tolerant scan for `check('<id>'` / `check("<id>"`
 * calls outside comments. Never throws on odd input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Check files, as the check runner loads them. */
export const CHECK_FILE = /\.check\.(ts|js)$/;

export interface DeclaredCheck {
  id: string;
  /** Absolute path of the check file. */
  file: string;
  /** 1-based line and column of the id in the file. */
  line: number;
  column: number;
  /** Offset and length of the id (without quotes). */
  offset: number;
  length: number;
  title?: string;
  kind?: string;
}

export interface CheckScan {
  /** Every declaration, in file order (files sorted by path); duplicates included. */
  checks: DeclaredCheck[];
  /** Later declarations of an id already declared, with the first one. */
  duplicates: { check: DeclaredCheck; first: DeclaredCheck }[];
  /** The check files that were read. */
  files: string[];
}

/**
 * A copy of `source` in which only code is left: comments and the contents of strings and
 * template literals are blanked (same length, newlines kept, quotes kept), so a match in the copy
 * is a match in code and its offsets are offsets in the source.
 */
export function codeOnly(source: string): string {
  const out = source.split('');
  const n = source.length;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === '\\') j++;
        else if (c !== '`' && source[j] === '\n') break; // unterminated string: stop at the line end
        j++;
      }
      blank(i + 1, Math.min(j, n));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out.join('');
}

const CALL = /(?<![\w$.])check\s*\(\s*(['"`])/g;
const LITERAL = /^(['"`])((?:(?!\1)[^\\\r\n]|\\.)*)\1/;
const OPTION = (name: string) => new RegExp(`^\\s*,\\s*\\{[^{}]*?\\b${name}\\s*:\\s*(['"\`])((?:(?!\\1)[^\\\\\\r\\n]|\\\\.)*)\\1`);

/** Check declarations in the text of one check file. */
export function findCheckIds(text: string, file = ''): DeclaredCheck[] {
  const code = codeOnly(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const out: DeclaredCheck[] = [];
  for (const m of code.matchAll(CALL)) {
    const quote = (m.index ?? 0) + m[0].length - 1;
    const literal = LITERAL.exec(text.slice(quote, quote + 300));
    const id = literal?.[2];
    if (!literal || !id) continue;
    if (literal[1] === '`' && id.includes('${')) continue; // computed id: cannot be resolved statically
    const offset = quote + 1;
    let line = 0;
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? Infinity) <= offset) line++;
    const rest = text.slice(quote + literal[0].length, quote + literal[0].length + 600);
    const title = OPTION('title').exec(rest)?.[2];
    const kind = OPTION('kind').exec(rest)?.[2];
    out.push({
      id,
      file,
      line: line + 1,
      column: offset - (lineStarts[line] ?? 0) + 1,
      offset,
      length: id.length,
      ...(title !== undefined ? { title } : {}),
      ...(kind !== undefined ? { kind } : {}),
    });
  }
  return out;
}

/**
 * The check files of a checks folder: `*.check.ts` / `*.check.js` directly in it (what the check
 * runner loads), sorted. A missing folder has none.
 */
export function listCheckFiles(folder: string): string[] {
  try {
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile() && CHECK_FILE.test(e.name))
      .map((e) => e.name)
      .sort()
      .map((name) => path.join(folder, name));
  } catch {
    return [];
  }
}

const cache = new Map<string, { mtimeMs: number; size: number; checks: DeclaredCheck[] }>();

function checksOfFile(file: string): DeclaredCheck[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return [];
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.checks;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const checks = findCheckIds(text, file);
  cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, checks });
  return checks;
}

/** Scan a checks folder: every declared id, and the duplicates (ids are unique per exercise). */
export function scanCheckIds(folder: string): CheckScan {
  const files = listCheckFiles(folder);
  const checks = files.flatMap(checksOfFile);
  const first = new Map<string, DeclaredCheck>();
  const duplicates: CheckScan['duplicates'] = [];
  for (const c of checks) {
    const prev = first.get(c.id);
    if (prev) duplicates.push({ check: c, first: prev });
    else first.set(c.id, c);
  }
  return { checks, duplicates, files };
}
