/**
 * Manifest problems as LSP diagnostics. The problems come from the engine's validation (the same
 * code `faultline validate` runs); only the mapping to ranges lives here.
 */
import { findNodeAtOffset } from 'jsonc-parser';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import {
  validateManifestText,
  type ManifestProblem,
  type ProblemCode,
  type ProblemData,
  type Segment,
} from '../../extension/engine/manifest/validate';
import type { ManifestModel } from './model';

export const SOURCE = 'faultline';

/** What a quick fix needs to know about a diagnostic (carried in `Diagnostic.data`). */
export interface FixData extends ProblemData {
  code: ProblemCode;
  path: Segment[];
}

export function diagnose(model: ManifestModel): Diagnostic[] {
  const { problems } = validateManifestText(model.file, model.text, model.dir);
  return problems.map((p) => toDiagnostic(model, p));
}

export function toDiagnostic(model: ManifestModel, p: ManifestProblem): Diagnostic {
  const { start, end } = spanOf(model, p);
  const diagnostic: Diagnostic = {
    range: { start: model.doc.positionAt(start), end: model.doc.positionAt(end) },
    severity: p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    message: p.message,
  };
  if (p.code) {
    diagnostic.code = p.code;
    const data: FixData = { code: p.code, path: p.path, ...(p.data ?? {}) };
    diagnostic.data = data;
  }
  return diagnostic;
}

/**
 * The problem's offset/length, except that a problem about a whole object or array spanning
 * several lines (e.g. a missing property) is shown on its key, or on its opening bracket, rather
 * than squiggling the whole block.
 */
function spanOf(model: ManifestModel, p: ManifestProblem): { start: number; end: number } {
  const start = p.offset;
  const end = p.offset + p.length;
  const multiline = model.text.slice(start, end).includes('\n');
  if (!multiline || !model.tree) return { start, end };
  const node = findNodeAtOffset(model.tree, start);
  const container = node && (node.type === 'object' || node.type === 'array') && node.offset === start ? node : undefined;
  const key = container?.parent?.type === 'property' ? container.parent.children?.[0] : undefined;
  if (key) return { start: key.offset, end: key.offset + key.length };
  return { start, end: start + 1 };
}
