// The Acontext-compatible API of a real host, served the way `dspatch serve` serves it (the app's
// HTTP server, a stand-in renderer folder), with the fixture model scripted as the task extractor.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolOutputs, lastUserText, type FakeOpenAI, type RecordedRequest, type Turn } from '../fixtures/openai-server';
import { startWebServer, type WebServer } from '../../electron/serve/web-server';
import { scratchDir, startHost, type TestHost } from './host-harness';

export interface ApiHost {
  t: TestHost;
  server: WebServer;
  baseUrl: string;
  apiKey: string;
  close(): Promise<void>;
}

export function extractorEnv(fake: FakeOpenAI): Record<string, string> {
  return { DSPATCH_TASKS_BASE_URL: fake.baseURL, DSPATCH_TASKS_API_KEY: 'sk-tasks-extractor-key', DSPATCH_TASKS_MODEL: 'extractor-model' };
}

export async function startApiHost(env: Record<string, string> = {}): Promise<ApiHost> {
  const t = await startHost({ env });
  const rendererDir = join(scratchDir('dspatch-it-acontext-'), 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>stand-in</title>');
  const server = await startWebServer({ host: t.host, rendererDir, bindHost: '127.0.0.1', port: 0 });
  const { apiKey } = await t.host.call('acontext.apiKey', {});
  return {
    t,
    server,
    baseUrl: `http://127.0.0.1:${server.port}/api/v1`,
    apiKey,
    async close() {
      await server.close();
      await t.close();
    },
  };
}

/**
 * The extractor's script: every user message of the batch becomes a task in its own words, linked
 * with the messages up to the next user message, with the tools called in between as progress and a
 * preference when the user states one; then finish.
 */
export function extractor(request: RecordedRequest): Turn {
  if (toolOutputs(request).length > 0) return { toolCalls: [{ name: 'finish', arguments: {} }] };
  const prompt = lastUserText(request) ?? '';
  const existing = (prompt.match(/^Task \d+ \(/gm) ?? []).length;
  const messages = [...prompt.matchAll(/<message id=(\d+) from=([^>]+)>\n([\s\S]*?)\n<\/message>/g)].map(([, id, from, body]) => ({ id: Number(id), from, body }));
  const asked = messages.filter((message) => message.from === 'user');
  return {
    toolCalls: asked.flatMap((message, index) => {
      const order = existing + index + 1;
      const end = (asked[index + 1]?.id ?? messages.length) - 1;
      const tools = messages.filter((m) => m.id > message.id && m.id <= end).flatMap((m) => [...m.body.matchAll(/\[calls tool (\w+)\]/g)].map(([, name]) => name));
      return [
        { name: 'insert_task', arguments: { after_task_order: order - 1, task_description: message.body } },
        { name: 'append_messages_to_task', arguments: { task_order: order, message_id_range: [message.id, end] } },
        ...(tools.length ? [{ name: 'append_task_progress', arguments: { task_order: order, progress: `Used ${tools.join(', ')}` } }] : []),
        ...(/prefer/i.test(message.body) ? [{ name: 'submit_user_preference', arguments: { preference: 'The user prefers metric units' } }] : []),
      ];
    }),
    usage: { inputTokens: 200, outputTokens: 30 },
  };
}
