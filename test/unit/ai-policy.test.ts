/**
 * The AI-assistance policy's rules: the settings "off" writes into a workspace (merged with the
 * starter's own), and which settings in force break it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AI_OFF_SETTINGS, aiPolicyBreaches, parseAiAssistance, SETTINGS_FILE, writeAiPolicy } from '../../extension/engine/aiPolicy';

describe('AI-assistance policy', () => {
  it('"off" merges its settings into the starter\'s own; "allowed" writes nothing', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ai-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    writeAiPolicy(dir, 'allowed');
    assert.equal(fs.existsSync(path.join(dir, SETTINGS_FILE)), false);
    fs.mkdirSync(path.join(dir, '.vscode'));
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), JSON.stringify({ 'editor.tabSize': 2, 'editor.inlineSuggest.enabled': true }));
    writeAiPolicy(dir, 'off');
    const written = JSON.parse(fs.readFileSync(path.join(dir, SETTINGS_FILE), 'utf8')) as Record<string, unknown>;
    assert.equal(written['chat.disableAIFeatures'], true);
    assert.deepEqual(written, { 'editor.tabSize': 2, ...AI_OFF_SETTINGS });
  });

  it('refuses a starter settings file it cannot merge, with what to do', (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ai-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(dir, '.vscode'));
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), '{ // a comment\n}');
    assert.throws(
      () => writeAiPolicy(dir, 'off'),
      (err: Error & { hint?: string }) => /not plain JSON/.test(err.message) && /"aiAssistance": "allowed"/.test(err.hint ?? ''),
    );
  });

  it('names every setting in force that breaks "off"; an undeclared extension setting cannot', () => {
    const held = (key: string) => AI_OFF_SETTINGS[key];
    assert.deepEqual(aiPolicyBreaches('off', held), []);
    assert.deepEqual(
      aiPolicyBreaches('allowed', () => undefined),
      [],
    );
    const edited = (key: string) => (key === 'chat.disableAIFeatures' ? false : key.startsWith('github.') ? undefined : held(key));
    assert.deepEqual(aiPolicyBreaches('off', edited), ['chat.disableAIFeatures is false, not true']);
    const removed = (key: string) => (key === 'chat.disableAIFeatures' ? undefined : held(key));
    assert.deepEqual(aiPolicyBreaches('off', removed), ['chat.disableAIFeatures is unset, not true']);
    const copilot = (key: string) => (key === 'github.copilot.enable' ? { '*': true } : held(key));
    assert.deepEqual(aiPolicyBreaches('off', copilot), ['github.copilot.enable is {"*":true}, not {"*":false}']);
  });

  it('parses the policy, and refuses an unknown one clearly', () => {
    assert.equal(parseAiAssistance('off', '--ai'), 'off');
    assert.throws(
      () => parseAiAssistance('maybe', '--ai'),
      (err: Error & { hint?: string }) =>
        /--ai: unknown AI-assistance policy "maybe"/.test(err.message) && /allowed, off/.test(err.hint ?? ''),
    );
  });
});
