/**
 * What the language server knows about one open manifest: its text, a tolerant parse (the file is
 * usually half-typed), the names it declares (services, chaos modes, phases, stages) and the
 * hidden checks of its exercise folder.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeAtOffset, getNodeValue, parse, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver/node';
import { scanCheckIds, type DeclaredCheck } from '../../extension/engine/manifest/checkIds';

export type Segment = string | number;

export const MANIFEST_FILE = 'exercise.json';

/** The manifest file behind a document URI, or undefined when it is not an `exercise.json` on disk. */
export function manifestFile(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    const file = fileURLToPath(uri);
    return path.basename(file) === MANIFEST_FILE ? file : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Does a JSON path match a pattern? `#` matches an array index, `*` any one segment, anything
 * else itself. The pattern must cover the whole path.
 */
export function matchPath(p: readonly Segment[], pattern: readonly string[]): boolean {
  return (
    p.length === pattern.length && pattern.every((want, i) => want === '*' || (want === '#' ? typeof p[i] === 'number' : p[i] === want))
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface Named {
  name: string;
  title?: string;
}

export class ManifestModel {
  readonly dir: string;
  readonly text: string;
  private parsed: { tree: Node | undefined; value: Record<string, unknown> } | undefined;

  constructor(
    readonly file: string,
    readonly doc: TextDocument,
  ) {
    this.dir = path.dirname(file);
    this.text = doc.getText();
  }

  /** Parsed on first use (diagnostics mostly need only the validator's own parse). */
  private get parse(): { tree: Node | undefined; value: Record<string, unknown> } {
    if (!this.parsed) {
      const errors: ParseError[] = [];
      const tree = parseTree(this.text, errors, { allowTrailingComma: true });
      const value: unknown = tree ? getNodeValue(tree) : parse(this.text, [], { allowTrailingComma: true });
      this.parsed = { tree, value: isRecord(value) ? value : {} };
    }
    return this.parsed;
  }

  get tree(): Node | undefined {
    return this.parse.tree;
  }

  /** Best-effort value of the (possibly broken) document. */
  get value(): Record<string, unknown> {
    return this.parse.value;
  }

  /** The (tolerantly parsed) value at a JSON path. */
  at(p: readonly Segment[]): unknown {
    let v: unknown = this.value;
    for (const seg of p) {
      if (typeof seg === 'number') v = Array.isArray(v) ? (v as unknown[])[seg] : undefined;
      else v = isRecord(v) ? v[seg] : undefined;
    }
    return v;
  }

  services(): (Named & { role?: string })[] {
    return list(this.value['services']).flatMap((s) => {
      const name = str(s['name']);
      return name
        ? [{ name, ...(str(s['title']) ? { title: str(s['title']) } : {}), ...(str(s['role']) ? { role: str(s['role']) } : {}) }]
        : [];
    });
  }

  private ids(items: unknown): Named[] {
    return list(items).flatMap((x) => {
      const id = str(x['id']);
      return id ? [{ name: id, ...(str(x['title']) ? { title: str(x['title']) } : {}) }] : [];
    });
  }

  solutions(): Named[] {
    const solutions = this.value['solutions'];
    return isRecord(solutions) ? Object.keys(solutions).map((name) => ({ name })) : [];
  }

  chaosModes(): Named[] {
    return this.ids(this.value['chaos']);
  }

  phases(): Named[] {
    return this.ids(this.value['phases']);
  }

  stages(): Named[] {
    return this.ids(isRecord(this.value['rubric']) ? this.value['rubric']['stages'] : undefined);
  }

  /** Hidden checks declared in the exercise's interviewer.checks folder (first declaration of each id). */
  checks(): DeclaredCheck[] {
    const interviewer = this.value['interviewer'];
    const rel = isRecord(interviewer) ? str(interviewer['checks']) : undefined;
    if (!rel) return [];
    const seen = new Set<string>();
    return scanCheckIds(path.resolve(this.dir, rel)).checks.filter((c) => !seen.has(c.id) && seen.add(c.id));
  }

  /**
   * The range a completion replaces at `offset`: the whole string under the cursor (up to the
   * cursor when it is unterminated), else the bare word around it.
   */
  replaceRange(offset: number): { range: Range; quoted: boolean } {
    const node = this.tree ? findNodeAtOffset(this.tree, offset, true) : undefined;
    if (node && node.type === 'string' && offset > node.offset) {
      const raw = this.text.slice(node.offset, node.offset + node.length);
      let terminated = false;
      try {
        JSON.parse(raw);
        terminated = true;
      } catch {
        terminated = false;
      }
      const end = terminated ? node.offset + node.length : offset;
      return { range: { start: this.doc.positionAt(node.offset), end: this.doc.positionAt(end) }, quoted: true };
    }
    let start = offset;
    let end = offset;
    while (start > 0 && /[\w$.-]/.test(this.text.charAt(start - 1))) start--;
    while (end < this.text.length && /[\w$.-]/.test(this.text.charAt(end))) end++;
    return { range: { start: this.doc.positionAt(start), end: this.doc.positionAt(end) }, quoted: false };
  }
}
