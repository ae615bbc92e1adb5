// Benchmark: the Acontext API's write path. A real `dspatch serve` with task extraction running (the
// fixture model answers every pass after 20 ms); SESSIONS clients store a conversation each through
// the official @acontext/acontext client (user, assistant with a tool call, tool result, answer) and
// we time every storeMessage. Then the same user texts go to the app's own echo agent in as many
// conversations (user message + reply per turn, through the agent process), timed per turn.
import { AcontextClient } from '@acontext/acontext';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI, toolOutputs, type RecordedRequest, type Turn } from '../fixtures/openai-server';
import { percentile, serveHost, tempDir } from './bench-utils';

const SESSIONS = 4;
const TURNS = 100; // 4 messages each through the API: 400 per session

const fake = await startFakeOpenAI({
  responder: async (request: RecordedRequest): Promise<Turn> => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (toolOutputs(request).length > 0) return { toolCalls: [{ name: 'finish', arguments: {} }] };
    return { toolCalls: [{ name: 'insert_task', arguments: { after_task_order: 0, task_description: 'A request' } }] };
  },
});
const dataDir = tempDir('dspatch-bench-acontext-');
const host = await serveHost(dataDir);
await host.call('apiKeys.set', { name: 'bench-extractor', value: 'sk-bench-extractor-0123456789' });
await host.call('tasks.updateSettings', { enabled: true, baseUrl: fake.baseURL, apiKeyName: 'bench-extractor', model: 'bench-extractor', maxPending: 16, idleSeconds: 0.1 });
const { apiKey } = await host.call<{ apiKey: string }>('acontext.apiKey', {});
const { baseUrl } = await host.call<{ baseUrl: string }>('acontext.settings', {});
const client = new AcontextClient({ apiKey, baseUrl });

const text = (session: number, turn: number) => `Request ${turn} of conversation ${session}: what is the weather in city ${turn}?`;

// ── through the API ───────────────────────────────────────────────────────────────────────────
const apiLatencies: number[] = [];
const apiStarted = performance.now();
const apiSessions = await Promise.all(
  Array.from({ length: SESSIONS }, async (_, s) => {
    const session = await client.sessions.create();
    for (let turn = 0; turn < TURNS; turn++) {
      const callId = `call_${s}_${turn}`;
      const messages: Record<string, unknown>[] = [
        { role: 'user', content: text(s, turn) },
        { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: `{"city":"city ${turn}"}` } }] },
        { role: 'tool', tool_call_id: callId, content: `Sunny in city ${turn}` },
        { role: 'assistant', content: `It is sunny in city ${turn}.` },
      ];
      for (const message of messages) {
        const started = performance.now();
        await client.sessions.storeMessage(session.id, message);
        apiLatencies.push(performance.now() - started);
      }
    }
    return session.id;
  }),
);
const apiSeconds = (performance.now() - apiStarted) / 1000;
const passesDuringApi = fake.requests.length;

// ── through the app's own agents ──────────────────────────────────────────────────────────────
const workspaceDir = tempDir('dspatch-bench-acontext-ws-');
writeFileSync(join(workspaceDir, 'dspatch.workspace.yml'), 'name: bench-acontext\nagents:\n  echo:\n    template: echo\n');
const workspace = await host.launch(workspaceDir);
const idle = new Map<string, () => void>();
host.onEvent((event) => {
  const change = event.change as { type?: string; state?: string } | undefined;
  if (event.type === 'session.event' && change?.type === 'state' && change.state === 'idle') idle.get(event.sessionId as string)?.();
});
const agentSessions = await Promise.all(Array.from({ length: SESSIONS }, () => host.call<{ id: string }>('sessions.create', { workspaceId: workspace.id, agentKey: 'echo' })));
const turnLatencies: number[] = [];
const agentStarted = performance.now();
await Promise.all(
  agentSessions.map(async (session, s) => {
    for (let turn = 0; turn < TURNS; turn++) {
      const started = performance.now();
      const done = new Promise<void>((resolve) => idle.set(session.id, resolve));
      await host.call('sessions.send', { sessionId: session.id, text: text(s, turn) });
      await done;
      turnLatencies.push(performance.now() - started);
    }
  }),
);
const agentSeconds = (performance.now() - agentStarted) / 1000;

// Let the extractor catch up, to show it kept pace.
for (;;) {
  const boards = await Promise.all([...apiSessions, ...agentSessions.map((s) => s.id)].map((sessionId) => host.call<{ messages: { pending: number; running: number } }>('tasks.board', { sessionId })));
  if (boards.every((board) => board.messages.pending === 0 && board.messages.running === 0)) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await host.stop();
await fake.close();

const apiMessages = apiLatencies.length;
const agentMessages = turnLatencies.length * 2;
console.log(`Acontext API storeMessage beside task extraction (${SESSIONS} clients at once, ${apiMessages} messages, ${passesDuringApi} extractor model calls meanwhile)`);
console.log(`  API (@acontext/acontext → HTTP → host)   ${Math.round(apiMessages / apiSeconds).toLocaleString()} messages/s   per storeMessage p50 ${percentile(apiLatencies, 50).toFixed(2)} ms   p99 ${percentile(apiLatencies, 99).toFixed(2)} ms`);
console.log(`  app agents (send → echo agent → idle)    ${Math.round(agentMessages / agentSeconds).toLocaleString()} messages/s   per turn (2 messages) p50 ${percentile(turnLatencies, 50).toFixed(2)} ms   p99 ${percentile(turnLatencies, 99).toFixed(2)} ms`);
