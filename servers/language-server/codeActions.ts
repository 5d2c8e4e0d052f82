/**
 * Quick fixes where the fix is obvious: a misspelt name → the closest known ones; the exercise id
 * → its folder name; rubric totals and category points → what their parts add up to; an unknown
 * property → remove it. Edits are computed against the current text (the JSON path of the problem
 * is carried in the diagnostic), so a stale diagnostic never produces a wrong edit.
 */
import { findNodeAtLocation, modify } from 'jsonc-parser';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import { closest } from '../../extension/engine/authoring/suggest';
import { SOURCE, type FixData } from './diagnostics';
import type { ManifestModel } from './model';

const RENAMES = new Set<FixData['code']>([
  'unknown-fault-type',
  'unknown-service',
  'unknown-chaos-mode',
  'unknown-check',
  'unknown-phase',
  'unknown-stage',
  'unknown-solution',
]);

function fixData(d: Diagnostic): FixData | undefined {
  const data = d.data as Partial<FixData> | undefined;
  if (d.source !== SOURCE || !data || typeof data.code !== 'string' || !Array.isArray(data.path)) return undefined;
  return data as FixData;
}

export function codeActions(model: ManifestModel, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = fixData(diagnostic);
    if (!data) continue;
    const node = model.tree ? findNodeAtLocation(model.tree, data.path) : undefined;
    const replace = (value: unknown): TextEdit[] =>
      node
        ? [
            {
              range: { start: model.doc.positionAt(node.offset), end: model.doc.positionAt(node.offset + node.length) },
              newText: JSON.stringify(value),
            },
          ]
        : [];
    const action = (title: string, edits: TextEdit[], preferred = false) => {
      if (edits.length === 0) return;
      actions.push({
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: preferred,
        edit: { changes: { [model.doc.uri]: edits } },
      });
    };

    if (RENAMES.has(data.code) && typeof node?.value === 'string') {
      closest(node.value, data.known ?? []).forEach((name, i) => action(`Change to "${name}"`, replace(name), i === 0));
    } else if (data.code === 'id-not-folder' && typeof data.expected === 'string') {
      action(`Use the folder name "${data.expected}"`, replace(data.expected), true);
    } else if (data.code === 'rubric-total' && typeof data.expected === 'number') {
      action(`Set the total to ${data.expected} (the sum of the categories)`, replace(data.expected), true);
    } else if (data.code === 'category-points' && typeof data.expected === 'number') {
      action(`Set the points to ${data.expected} (the sum of the items)`, replace(data.expected), true);
    } else if (data.code === 'unknown-property' && node) {
      const edits = modify(model.text, data.path, undefined, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
      action(
        `Remove property "${String(data.path[data.path.length - 1])}"`,
        edits.map((e) => ({
          range: { start: model.doc.positionAt(e.offset), end: model.doc.positionAt(e.offset + e.length) },
          newText: e.content,
        })),
        true,
      );
    }
  }
  return actions;
}
