// A secret the model streams back in 3-character pieces — as text, reasoning, a tool's arguments and
// result, and a model name — is redacted across the piece boundaries: it reaches no file under the
// data dir, no WebSocket frame a client received, and no CLI output.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { TimelineActivity, TimelineMessage } from '../../../electron/api/types';
import { startWebServer } from '../../../electron/serve/web-server';
import { addWorkspace, cleanupHarness, confirmLaunch, scratchDir, sendAndWait, startHost } from '../../helpers/host-harness';
import { useFakeOpenAI } from '../../helpers/fake-model';
import { repoRoot } from '../../helpers/paths';

const API_KEY = 'sk-proj-Streamed0Secret1Value2abcdef';
const TOKEN = 'secret-stream-test-token';

/** Cuts text into pieces of `size` characters, the way a model streams tokens. */
function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

describe('a secret streamed in pieces', () => {
  it('is redacted in the store, the events, every WebSocket frame and the CLI output', async () => {
    // Pieces start 2 characters before the key, so no boundary lines up with it.
    const said = `My key is ${API_KEY}, keep it safe.`;
    fake.script(
      {
        reasoning: pieces(`Thinking about ${API_KEY} now.`, 3),
        text: pieces(said, 3),
        toolCalls: [{ name: 'get_current_time', arguments: { timezone: API_KEY }, callId: 'call_secret' }],
        model: `model-${API_KEY}`,
        usage: { inputTokens: 10, outputTokens: 5 },
      },
      { text: pieces(`Again: ${API_KEY}`, 3), usage: { inputTokens: 20, outputTokens: 5 } },
    );
    const t = await startHost();
    const rendererDir = join(scratchDir('dspatch-it-renderer-'), 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>stand-in</title>');
    const server = await startWebServer({ host: t.host, rendererDir, bindHost: '127.0.0.1', port: 0, token: TOKEN });
    const frames: string[] = [];
    const client = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${TOKEN}`);
    client.on('message', (data) => frames.push(data.toString()));
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));

    const yaml = `name: secret-ws\nagents:\n  assistant:\n    template: openai-assistant\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
    const { id: workspaceId } = await addWorkspace(t, yaml);
    await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: API_KEY });
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    const sessionId = sessions[0].id;
    const turn = await sendAndWait(t, sessionId, 'What time is it?');

    // The key really went through the stream: the model was called with it, and the reply is
    // the scripted text with the key blanked and every other character kept.
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(turn.messages.map((m: TimelineMessage) => m.text)).toEqual([
      'My key is [redacted], keep it safe.',
      'Again: [redacted]',
    ]);
    const { entries } = await t.host.call('sessions.open', { sessionId });
    const activities = entries.filter((entry): entry is TimelineActivity => entry.kind === 'activity');
    expect(activities.find((a) => a.activityKind === 'thinking')?.data.text).toBe('Thinking about [redacted] now.');
    expect(JSON.stringify(activities.find((a) => a.activityKind === 'tool_call')?.data)).toContain('[redacted]');
    expect(JSON.stringify(activities.find((a) => a.activityKind === 'tool_result')?.data)).toContain('[redacted]');
    const usage = await t.host.call('usage.list', { workspaceId });
    expect(usage.map((row) => row.model)).toContain('model-[redacted]');

    // What a client received, rebuilt from its frames, never held the key either.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames.length).toBeGreaterThan(10);
    expect(frames.join('\n')).not.toContain(API_KEY);
    expect(JSON.stringify(t.events.events)).not.toContain(API_KEY);
    client.close();
    await server.close();
    await t.close();

    const files = filesUnder(t.dataDir);
    expect(files.some((file) => file.endsWith('dspatch.db'))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(API_KEY), file).toBe(false);

    const cli = spawnSync(process.execPath, [join(repoRoot, 'bin', 'dspatch.cjs'), 'sessions', 'show', sessionId, '--json', '--data-dir', t.dataDir], {
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('[redacted]');
    expect(cli.stdout + cli.stderr).not.toContain(API_KEY);
  });
});
