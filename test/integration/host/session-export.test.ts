// Exporting a conversation through the real host: an openai-assistant agent (a forked process on the
// fixture model) reasons, calls a tool and answers, and the export holds all of it, with its usage and
// cost. The attack: a workspace secret the model echoed in 3-character pieces, and text stored before
// it became a secret, never reach an export. A conversation longer than a WebSocket frame is served
// in pages, each frame under the cap, through the real browser-mode server.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SessionExportPage } from '../../../electron/api/types';
import { createHost, type Host } from '../../../electron/host/host';
import { FileCipher } from '../../../electron/serve/file-cipher';
import { ForkSpawner } from '../../../electron/serve/fork-spawner';
import { EXPORT_PAGE_CHARS } from '../../../electron/host/session-export';
import { MAX_FRAME_BYTES, startWebServer } from '../../../electron/serve/web-server';
import { useFakeOpenAI } from '../../helpers/fake-model';
import {
  addWorkspace,
  cleanupHarness,
  confirmLaunch,
  scratchDir,
  sendAndWait,
  startHost,
  type TestHost,
} from '../../helpers/host-harness';
import { repoRoot } from '../../helpers/paths';

const API_KEY = 'sk-proj-Export0Secret1Value2abcdef';
/** Said by the model in the first turn, made a secret only afterwards. */
const LATER_SECRET = 'dtok-9f8e7d6c5b4a3210';

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Every page of an export through host.handle, as a transport would carry it. */
async function exportAll(
  host: Host,
  sessionId: string,
  format: 'md' | 'json',
): Promise<{ pages: SessionExportPage[]; content: string }> {
  const pages: SessionExportPage[] = [];
  let request: Record<string, unknown> = { sessionId, format };
  for (;;) {
    const envelope = await host.handle('sessions.export', request);
    if (!envelope.ok) throw new Error(envelope.error.message);
    const page = envelope.result as SessionExportPage;
    pages.push(page);
    if (page.nextOffset === null) break;
    request = { sessionId, format, exportId: page.exportId, offset: page.nextOffset };
  }
  return { pages, content: pages.map((page) => page.content).join('') };
}

/** A conversation written straight to the store (no agent needed): its session and messages. */
function storedConversation(t: TestHost, workspaceId: string, texts: string[]): string {
  const store = t.host.services.store;
  const id = randomUUID();
  const now = Date.now();
  store.sessions.insertSession({
    id,
    workspaceId,
    agentKey: 'coder',
    parentSessionId: null,
    title: 'Stored',
    state: 'stopped',
    createdAt: now,
    updatedAt: now,
    pinnedAt: null,
    archivedAt: null,
  });
  texts.forEach((text, i) =>
    store.sessions.insertMessage({
      id: randomUUID(),
      sessionId: id,
      turnId: 'turn-1',
      role: i % 2 ? 'assistant' : 'user',
      text,
      sender: null,
      status: 'done',
      position: i + 1,
      now,
    }),
  );
  return id;
}

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

describe('sessions.export', () => {
  it('exports a real conversation with reasoning, a tool call and its result, usage and cost; no secret in either format', async () => {
    fake.script(
      {
        reasoning: pieces(`The user wants the time. The key is ${API_KEY}.`, 3),
        toolCalls: [
          { name: 'get_current_time', arguments: { timezone: 'Europe/Paris' }, callId: 'call_time' },
        ],
        usage: { inputTokens: 1000, outputTokens: 50, reasoningTokens: 20 },
      },
      {
        text: pieces(`It is morning in Paris. My key: ${API_KEY}. Your token: ${LATER_SECRET}.`, 3),
        usage: { inputTokens: 1200, outputTokens: 30 },
      },
    );
    const t = await startHost();
    const yaml = `name: export-it\nagents:\n  assistant:\n    template: openai-assistant\n    env:\n      OPENAI_BASE_URL: ${fake.baseURL}\n`;
    const { id: workspaceId } = await addWorkspace(t, yaml);
    await t.host.call('secrets.set', { workspaceId, key: 'OPENAI_API_KEY', value: API_KEY });
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    const sessionId = sessions[0].id;
    await sendAndWait(t, sessionId, 'What time is it in Paris?');
    // The model really was called with the key, so the echo is a real one.
    expect(fake.requests[0].headers.authorization).toBe(`Bearer ${API_KEY}`);
    // The token the model said becomes a secret only now: the stored text still holds it.
    expect(JSON.stringify(await t.host.call('sessions.messages', { sessionId }))).toContain(LATER_SECRET);
    await t.host.call('secrets.set', { workspaceId, key: 'DEPLOY_TOKEN', value: LATER_SECRET });

    const md = await exportAll(t.host, sessionId, 'md');
    expect(md.pages).toHaveLength(1);
    expect(md.pages[0].exportId).toBeNull();
    expect(md.pages[0].mimeType).toBe('text/markdown; charset=utf-8');
    expect(md.pages[0].filename).toMatch(new RegExp(`-${sessionId.slice(0, 8)}\\.md$`));
    const text = md.content;
    expect(text).toMatch(/^## Turn 1 · /m);
    expect(text).toContain('**You:**\n\nWhat time is it in Paris?');
    expect(text).toContain('> **Reasoning**\n>\n> The user wants the time. The key is [redacted].');
    expect(text).toContain(
      '**Tool call `get_current_time`** (call_time)\n\n```json\n{\n  "timezone": "Europe/Paris"\n}\n```',
    );
    // The tool really ran in the agent process: its result is the time in Paris.
    expect(text).toMatch(/\*\*Result:\*\*\n\n```\n.*\(Europe\/Paris\); ISO \d{4}-/);
    expect(text).toContain('It is morning in Paris. My key: [redacted]. Your token: [redacted].');
    // gpt-4o has a seeded price: the cost is known.
    expect(text).toMatch(/\| gpt-4o \| 2 \| 2200 \| 0 \| 80 \| 20 \| \$0\.\d{4} \|/);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(LATER_SECRET);

    const json = await exportAll(t.host, sessionId, 'json');
    expect(json.content).not.toContain(API_KEY);
    expect(json.content).not.toContain(LATER_SECRET);
    const document = JSON.parse(json.content) as {
      session: { id: string };
      messages: unknown[];
      activities: { kind: string; data: Record<string, unknown> }[];
      usage: {
        calls: { model: string; costUsd: number | null }[];
        total: { costUsd: number | null; inputTokens: number };
      };
    };
    expect(document.session.id).toBe(sessionId);
    // The messages are the same OpenAI-format conversion `sessions show --json` prints, redacted.
    const { messages } = await t.host.call('sessions.messages', { sessionId });
    expect(document.messages).toEqual(
      JSON.parse(JSON.stringify(messages).replaceAll(LATER_SECRET, '[redacted]')),
    );
    expect(document.messages).toContainEqual(
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [expect.objectContaining({ id: 'call_time' })],
      }),
    );
    expect(document.messages).toContainEqual(
      expect.objectContaining({ role: 'tool', tool_call_id: 'call_time' }),
    );
    expect(document.activities.map((a) => a.kind)).toEqual(
      expect.arrayContaining(['thinking', 'tool_call', 'tool_result']),
    );
    expect(document.usage.calls.map((call) => call.model)).toEqual(['gpt-4o', 'gpt-4o']);
    expect(document.usage.total.inputTokens).toBe(2200);
    expect(document.usage.total.costUsd).toBeGreaterThan(0);
  });

  it('refuses an unknown conversation, a bad format and a continuation it does not hold, in words', async () => {
    const t = await startHost();
    const unknown = await t.host.handle('sessions.export', { sessionId: 'no-such-session', format: 'md' });
    expect(unknown).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message: expect.stringContaining('No conversation with id no-such-session'),
      },
    });
    const badFormat = await t.host.handle('sessions.export', { sessionId: 'x', format: 'pdf' });
    expect(badFormat.ok ? null : badFormat.error.code).toBe('bad_request');
    const stale = await t.host.handle('sessions.export', {
      sessionId: 'x',
      format: 'md',
      exportId: 'made-up',
      offset: 10,
    });
    expect(stale.ok ? null : stale.error.message).toContain('export the conversation again');
    const desktopOnly = await t.host.handle('app.saveExport', { sessionId: 'x', format: 'md' });
    expect(desktopOnly.ok ? null : desktopOnly.error).toEqual({
      code: 'not_supported',
      message: expect.stringContaining('browser mode'),
    });
  });

  it('serves a conversation larger than a WebSocket frame in pages that each fit one, over the real server', async () => {
    const t = await startHost();
    const { id: workspaceId } = await addWorkspace(t, 'name: big\nagents:\n  coder:\n    template: echo\n');
    // Control characters take 6 bytes each in JSON: 3 million of them are 18 MB unpaged. The emoji
    // (a surrogate pair) lands across a page boundary.
    const huge = `${'\u0001'.repeat(EXPORT_PAGE_CHARS - 300)}😀${'\u0002'.repeat(3_000_000)} the end`;
    const sessionId = storedConversation(t, workspaceId, ['Show me everything.', huge]);

    const rendererDir = join(scratchDir('dspatch-it-renderer-'), 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>stand-in</title>');
    const server = await startWebServer({
      host: t.host,
      rendererDir,
      bindHost: '127.0.0.1',
      port: 0,
      token: 'export-token',
    });
    const client = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=export-token`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    const frameSizes: number[] = [];
    let nextId = 1;
    const call = (params: Record<string, unknown>) =>
      new Promise<SessionExportPage>((resolve, reject) => {
        const id = nextId++;
        const onMessage = (data: WebSocket.RawData) => {
          const frame = JSON.parse(data.toString()) as {
            id?: number;
            result?: SessionExportPage;
            error?: { message: string };
          };
          if (frame.id !== id) return;
          client.off('message', onMessage);
          frameSizes.push((data as Buffer).length);
          if (frame.error) reject(new Error(frame.error.message));
          else resolve(frame.result!);
        };
        client.on('message', onMessage);
        client.send(JSON.stringify({ id, method: 'sessions.export', params }));
      });

    const parts: string[] = [];
    let page = await call({ sessionId, format: 'json' });
    parts.push(page.content);
    while (page.nextOffset !== null) {
      page = await call({ sessionId, format: 'json', exportId: page.exportId, offset: page.nextOffset });
      parts.push(page.content);
    }
    client.close();
    await server.close();

    expect(parts.length).toBeGreaterThan(2);
    expect(Math.max(...frameSizes)).toBeLessThan(MAX_FRAME_BYTES);
    expect(frameSizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(MAX_FRAME_BYTES);
    const document = JSON.parse(parts.join('')) as { messages: { content: string }[] };
    expect(document.messages[1].content).toBe(huge);
    // The finished export is let go: its id no longer continues.
    const again = await t.host.handle('sessions.export', {
      sessionId,
      format: 'json',
      exportId: page.exportId,
      offset: 0,
    });
    expect(again.ok).toBe(false);
  });

  it('on the desktop, writes the export where the save dialog says, and nothing when it is cancelled', async () => {
    const dataDir = scratchDir('dspatch-it-desktop-');
    const asked: { defaultName: string; format: string }[] = [];
    let answer: string | null = null;
    const host = await createHost({
      dataDir,
      appRoot: repoRoot,
      mode: 'desktop',
      spawner: new ForkSpawner(),
      cipher: new FileCipher(dataDir),
      version: '0.0.0-test',
      env: {},
      pickSavePath: async ({ defaultName, format }) => (asked.push({ defaultName, format }), answer),
    });
    try {
      const t = { host } as TestHost;
      const { id: workspaceId } = await addWorkspace(
        t,
        'name: desk\nagents:\n  coder:\n    template: echo\n',
      );
      await host.call('secrets.set', { workspaceId, key: 'SOME_TOKEN', value: API_KEY });
      const sessionId = storedConversation(t, workspaceId, [`My key is ${API_KEY}`, 'Noted.']);
      const folder = scratchDir('dspatch-it-save-');

      expect(await host.call('app.saveExport', { sessionId, format: 'md' })).toEqual({ path: null });
      expect(readdirSync(folder)).toEqual([]);

      answer = join(folder, 'chat.md');
      expect(await host.call('app.saveExport', { sessionId, format: 'md' })).toEqual({ path: answer });
      expect(asked).toEqual([
        { defaultName: `stored-${sessionId.slice(0, 8)}.md`, format: 'md' },
        { defaultName: `stored-${sessionId.slice(0, 8)}.md`, format: 'md' },
      ]);
      const saved = readFileSync(answer, 'utf8');
      // Stored raw (before the host knew the key), blanked on the way out.
      expect(saved).toContain('My key is [redacted]');
      expect(saved).not.toContain(API_KEY);
      expect(readdirSync(folder)).toEqual(['chat.md']);

      // A path that cannot be written: the error says which and why; no dialog for an unknown conversation.
      answer = join(folder, 'chat.md', 'inside.md');
      const refused = await host.handle('app.saveExport', { sessionId, format: 'json' });
      expect(refused.ok ? null : refused.error.message).toBe(
        `Could not write the export to ${answer}: a part of the path is a file, not a folder. Choose a file in a folder you can write to.`,
      );
      const unknown = await host.handle('app.saveExport', { sessionId: 'nope', format: 'json' });
      expect(unknown.ok ? null : unknown.error.code).toBe('not_found');
      expect(asked).toHaveLength(3);
      expect(existsSync(join(folder, 'chat.md'))).toBe(true);
    } finally {
      await host.close();
    }
  });
});
