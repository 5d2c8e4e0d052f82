/**
 * The AI-assistance policy of an interview: "allowed", or "off" — the editor's built-in AI chat,
 * agents and inline completions turned off by the candidate workspace's own settings
 * (`.vscode/settings.json`, committed with the baseline, so a change to it shows in the diff).
 * The default comes from the exercise (`aiAssistance`), the interviewer chooses at New Interview
 * (or `faultline new --ai`), the marker records it, the timeline and the scorecard show it, and
 * the Services view says whether the settings in force still hold it.
 *
 * What the settings can promise: they switch off what the editor itself offers in that window (VS
 * Code 1.104+ `chat.disableAIFeatures`, inline suggestions, GitHub Copilot's completions). They
 * cannot stop a browser tab or a second editor; the interviewer watches for those.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from './errors';

export type AiAssistance = 'allowed' | 'off';
export const AI_ASSISTANCE: readonly AiAssistance[] = ['allowed', 'off'];

/** Workspace settings that turn the editor's AI assistance off (all of window or resource scope). */
export const AI_OFF_SETTINGS: Readonly<Record<string, unknown>> = {
  'chat.disableAIFeatures': true,
  'editor.inlineSuggest.enabled': false,
  'github.copilot.enable': { '*': false },
  'github.copilot.nextEditSuggestions.enabled': false,
};

export const SETTINGS_FILE = path.join('.vscode', 'settings.json');

export function parseAiAssistance(value: string, where: string): AiAssistance {
  if ((AI_ASSISTANCE as readonly string[]).includes(value)) return value as AiAssistance;
  throw new FaultlineError('usage', `${where}: unknown AI-assistance policy "${value}"`, `use one of: ${AI_ASSISTANCE.join(', ')}`);
}

/**
 * Writes the policy into the workspace's settings: "off" merges AI_OFF_SETTINGS into
 * `.vscode/settings.json` (keeping what the starter has there); "allowed" changes nothing.
 */
export function writeAiPolicy(workspace: string, policy: AiAssistance): void {
  if (policy === 'allowed') return;
  const file = path.join(workspace, SETTINGS_FILE);
  let existing: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new FaultlineError(
        'invalid-manifest',
        `the starter's ${SETTINGS_FILE} is not plain JSON (${(err as Error).message}): Faultline cannot add the AI-assistance settings to it`,
        'remove the comments from it, or set "aiAssistance": "allowed" for this exercise',
      );
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...existing, ...AI_OFF_SETTINGS }, null, 2) + '\n');
}

/**
 * Where the settings in force break an "off" policy: one line per setting whose effective value
 * differs. `get` reads the effective value (undefined: nothing sets it and no extension declares
 * it, e.g. Copilot is not installed, which cannot break the policy).
 */
export function aiPolicyBreaches(policy: AiAssistance, get: (key: string) => unknown): string[] {
  if (policy === 'allowed') return [];
  const breaches: string[] = [];
  for (const [key, wanted] of Object.entries(AI_OFF_SETTINGS)) {
    const actual = get(key);
    if (actual === undefined && key !== 'chat.disableAIFeatures') continue;
    if (JSON.stringify(actual) !== JSON.stringify(wanted))
      breaches.push(`${key} is ${JSON.stringify(actual) ?? 'unset'}, not ${JSON.stringify(wanted)}`);
  }
  return breaches;
}
