// The Supervisor runs workspaces: one agent process per agent key and run, instances (= sessions)
// spawned inside them, and the routing of everything agents send — output to the write path,
// inquiries to the user, talk_to requests to peer instances. A process that dies marks its sessions
// crashed at once; the next message to one of them restarts the process and replays the history.
// An agent process is untrusted code: whatever it sends is bounded, checked against the workspace
// (peers, ids in use, talk_to cycles) and redacted, and a process silent during a turn is killed.
import { AGENT_ENV, newId, PROTOCOL_LIMITS, truncateText, type AgentToHost, type ForwardedInquiry, type HostToAgent } from '../../agents/protocol';
import type { HostEvent } from '../api/contract';
import type { LifecycleEvent, MessageStatus, RunStatus, SessionSummary } from '../api/types';
import type { Store } from '../store/store';
import { AgentProcess } from './agent-process';
import { HostError } from './errors';
import type { Logger } from './logger';
import type { SpawnOptions, Spawner } from './ports';
import type { Redactor } from './redactor';
import { talkTitle } from './session-service';
import type { SessionRef, SessionWriter } from './session-writer';
import { ToolApprovals } from './tool-approvals';
import { InquiryRouter } from './inquiry-router';

export interface LaunchAgent {
  key: string;
  autoStart: boolean;
  /** Agent keys it may talk_to. */
  peers: string[];
  /** Its parent in the workspace tree (`sub_agents`), the supervisor of its inquiries; null or absent: a root. */
  parent?: string | null;
  spawn: SpawnOptions;
}

export interface SupervisorOptions {
  /**
   * How long an agent process may send nothing while a turn is open before it is killed. Its
   * runtime sends a heartbeat several times within this, even during a slow model call, so only a
   * blocked event loop or a broken channel trips it.
   */
  agentSilenceMs?: number;
}

const DEFAULT_SILENCE_MS = 120_000;
const HEARTBEATS_PER_SILENCE = 6;
const CUT_NOTE = `\n\n[… cut: this entry grew past ${PROTOCOL_LIMITS.streamed} characters]`;

export interface LaunchPlan {
  workspace: { id: string; name: string };
  agents: LaunchAgent[];
}

interface RunAgent {
  plan: LaunchAgent;
  process: AgentProcess | null;
  /** Sessions spawned as instances in the current process. */
  instances: Set<string>;
  /** How its last process died unexpectedly, with its last output: what a failed launch reports. */
  died: string | null;
  /** Its process said (`ready`) that its agents take their subordinates' inquiries. */
  handlesInquiries: boolean;
}

interface WorkspaceRun {
  id: string;
  workspaceId: string;
  workspaceName: string;
  agents: Map<string, RunAgent>;
}

interface PendingTalk {
  requestId: string;
  callerSessionId: string;
  callerAgentKey: string;
}

/** What one streamed message or activity of the open turn has stored so far. */
interface Streamed {
  chars: number;
  cut: boolean;
  message: boolean;
}

const TURN_STATUS: Record<'completed' | 'interrupted' | 'failed', MessageStatus> = {
  completed: 'done',
  interrupted: 'interrupted',
  failed: 'cut',
};

export class Supervisor {
  readonly #runs = new Map<string, WorkspaceRun>();
  /** `${calleeSessionId}:${turnId}` → who waits for that turn's reply. */
  readonly #pendingTalks = new Map<string, PendingTalk>();
  /** Looked up on every delta, so kept in memory; a session's agent and workspace never change. */
  readonly #refs = new Map<string, SessionRef>();
  /** Per session, the entries of its open turn by id: a stream stops growing at the bound. */
  readonly #streamed = new Map<string, Map<string, Streamed>>();
  readonly #silenceMs: number;
  /** Tool calls waiting for approval (see tool-approvals.ts). */
  readonly approvals: ToolApprovals;
  /** Where agents' inquiries go: their supervisors first, then the user (see inquiry-router.ts). */
  readonly inquiries: InquiryRouter;

  constructor(
    private readonly store: Store,
    private readonly writer: SessionWriter,
    private readonly spawner: Spawner,
    private readonly logger: Logger,
    private readonly emit: (event: HostEvent) => void,
    private readonly redactor: Redactor,
    options: SupervisorOptions = {},
  ) {
    this.#silenceMs = options.agentSilenceMs ?? DEFAULT_SILENCE_MS;
    this.approvals = new ToolApprovals({
      store,
      writer,
      redactor,
      emit,
      send: (session, message) => this.#send(session, message),
      ref: (session) => {
        const run = this.#runs.get(session.workspaceId);
        return run ? this.#ref(session.id, run) : null;
      },
      log: (ref, level, message) => {
        const run = this.#runs.get(ref.workspaceId);
        if (run) this.#log(run, ref.sessionId, ref.agentKey, level, message);
      },
    });
    this.inquiries = new InquiryRouter(store, {
      callerWaitingOn: (sessionId) => {
        for (const [key, talk] of this.#pendingTalks) if (key.startsWith(`${sessionId}:`)) return talk.callerSessionId;
        return null;
      },
      parentKey: (workspaceId, agentKey) => this.#runs.get(workspaceId)?.agents.get(agentKey)?.plan.parent ?? null,
      handlesInquiries: (session) => this.#runs.get(session.workspaceId)?.agents.get(session.agentKey)?.handlesInquiries === true,
      session: (sessionId) => {
        this.writer.flush();
        return this.store.sessions.getSession(sessionId);
      },
      send: (session, message) => this.#send(session, message),
      deliverInput: (session, text, sender, inquiry) => {
        try {
          const turnId = newId();
          this.writer.writeMessage({ sessionId: session.id, turnId, role: 'user', text, sender });
          this.sendInput(session, turnId, text, sender, inquiry);
          return true;
        } catch (error) {
          this.logger.warn({ err: error, sessionId: session.id }, 'An inquiry could not be delivered to its supervisor');
          return false;
        }
      },
      createSession: (workspaceId, agentKey) => {
        try {
          return this.createSession(workspaceId, agentKey);
        } catch {
          return null;
        }
      },
      redact: (text) => truncateText(this.redactor.redact(text), PROTOCOL_LIMITS.text),
      emit,
      log: (session, level, message) => {
        const run = this.#runs.get(session.workspaceId);
        if (run) this.#log(run, session.id, session.agentKey, level, message);
      },
    });
  }

  runOf(workspaceId: string): { id: string } | undefined {
    const run = this.#runs.get(workspaceId);
    return run && { id: run.id };
  }

  isRunning(workspaceId: string): boolean {
    return this.#runs.has(workspaceId);
  }

  /** Starts every agent process of the plan and opens the auto-start sessions. */
  async start(plan: LaunchPlan, options: { autoStart?: boolean } = {}): Promise<{ runId: string; sessions: SessionSummary[] }> {
    const autoStart = options.autoStart ?? true;
    const existing = this.#runs.get(plan.workspace.id);
    if (existing) return { runId: existing.id, sessions: autoStart ? this.#autoStartSessions(existing) : [] };

    const run: WorkspaceRun = {
      id: newId(),
      workspaceId: plan.workspace.id,
      workspaceName: plan.workspace.name,
      agents: new Map(plan.agents.map((agent) => [agent.key, { plan: agent, process: null, instances: new Set<string>(), died: null, handlesInquiries: false }])),
    };
    this.#runs.set(run.workspaceId, run);
    this.store.workspaces.insertRun({ id: run.id, workspaceId: run.workspaceId, status: 'starting', startedAt: Date.now(), stoppedAt: null, error: null });
    this.#runStatus(run, 'starting');
    for (const agent of run.agents.values()) this.#spawnProcess(run, agent);
    // `ready` also resolves when a process dies before saying it: those fail the launch.
    await Promise.all([...run.agents.values()].map((agent) => agent.process?.ready));
    if (!this.#runs.has(run.workspaceId)) throw new HostError('internal', `Workspace '${run.workspaceName}' stopped while starting.`);
    const died = [...run.agents.values()].flatMap((agent) => (agent.died ? [agent.died] : []));
    if (died.length) {
      const message = `Workspace '${run.workspaceName}' could not start: ${died.join('\n')}\nFix the agent's code or its env, then launch again.`;
      await this.#fail(run, message);
      throw new HostError('agent_failed', message);
    }
    this.#runStatus(run, 'running');
    this.#log(run, null, null, 'info', `Workspace '${run.workspaceName}' is running (${run.agents.size} agent processes).`, 'launch');
    return { runId: run.id, sessions: autoStart ? this.#autoStartSessions(run) : [] };
  }

  async stop(workspaceId: string): Promise<void> {
    const run = this.#runs.get(workspaceId);
    if (!run) return;
    this.#runStatus(run, 'stopping');
    this.#runs.delete(workspaceId);
    await Promise.all([...run.agents.values()].map((agent) => agent.process?.stop()));
    this.writer.flush();
    for (const agent of run.agents.values()) {
      for (const sessionId of agent.instances) this.#closeSession(sessionId, 'stopped', 'interrupted');
    }
    this.store.workspaces.updateRun(run.id, 'stopped', Date.now(), null);
    this.#log(run, null, null, 'info', `Workspace '${run.workspaceName}' stopped.`, 'stop');
    this.emit({ type: 'workspace.updated', workspaceId, runStatus: 'stopped' });
  }

  /** A launch that cannot finish: the other processes are stopped and the run is recorded failed. */
  async #fail(run: WorkspaceRun, error: string): Promise<void> {
    this.#runs.delete(run.workspaceId);
    await Promise.all([...run.agents.values()].map((agent) => agent.process?.stop()));
    this.writer.flush();
    this.store.workspaces.updateRun(run.id, 'failed', Date.now(), error);
    this.emit({ type: 'workspace.updated', workspaceId: run.workspaceId, runStatus: 'failed' });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#runs.keys()].map((workspaceId) => this.stop(workspaceId)));
    this.inquiries.close();
  }

  /** A new conversation with an agent of a running workspace. */
  createSession(workspaceId: string, agentKey: string, parentSessionId: string | null = null): SessionSummary {
    const run = this.#requireRun(workspaceId);
    const agent = run.agents.get(agentKey);
    if (!agent) throw new HostError('not_found', `Workspace '${run.workspaceName}' has no agent "${agentKey}".`);
    const now = Date.now();
    const session: SessionSummary = { id: newId(), workspaceId, agentKey, parentSessionId, title: '', state: 'idle', createdAt: now, updatedAt: now, pinnedAt: null, archivedAt: null };
    this.store.sessions.insertSession(session);
    this.#spawnInstance(run, agent, session.id);
    this.emit({ type: 'session.updated', session });
    return session;
  }

  /** Delivers user input to a session, restarting its process or instance when needed. */
  sendInput(session: SessionSummary, turnId: string, text: string, sender?: string, inquiry?: ForwardedInquiry): void {
    const run = this.#requireRun(session.workspaceId);
    const agent = run.agents.get(session.agentKey);
    if (!agent) throw new HostError('not_found', `Agent "${session.agentKey}" is no longer in workspace '${run.workspaceName}'.`);
    if (!agent.process?.alive) this.#restartProcess(run, agent);
    // The history replayed to a new instance leaves this turn out: its input follows as `input`.
    if (!agent.instances.has(session.id)) this.#spawnInstance(run, agent, session.id, turnId);
    agent.process!.send({ type: 'input', instanceId: session.id, turnId, content: text, sender, inquiry });
  }

  /** Starts the session's process and instance again if they are gone; the history is replayed to it. */
  restartSession(session: SessionSummary): void {
    const run = this.#requireRun(session.workspaceId);
    const agent = run.agents.get(session.agentKey);
    if (!agent) throw new HostError('not_found', `Agent "${session.agentKey}" is no longer in workspace '${run.workspaceName}'.`);
    if (!agent.process?.alive) this.#restartProcess(run, agent);
    if (!agent.instances.has(session.id)) this.#spawnInstance(run, agent, session.id);
  }

  /** Rewinds a live instance's conversation to what the store holds now; a new instance replays it anyway. */
  rewind(session: SessionSummary): void {
    this.writer.flush();
    this.#send(session, { type: 'instance.reset', instanceId: session.id, history: this.store.sessions.chatMessages(session.id) });
  }

  /**
   * Stop: the session's turn, and first the turns of the peers it waits on, down the whole talk_to
   * chain (A → B → C: stopping A stops C, then B, then A).
   */
  interrupt(session: SessionSummary): void {
    for (const calleeId of this.#calleesOf(session.id)) {
      const callee = this.store.sessions.getSession(calleeId);
      if (callee) this.interrupt(callee);
    }
    this.#send(session, { type: 'signal.interrupt', instanceId: session.id });
  }

  /** The sessions whose open turn `sessionId` waits on (its talk_to requests not answered yet). */
  #calleesOf(sessionId: string): string[] {
    const callees: string[] = [];
    for (const [key, talk] of this.#pendingTalks) {
      if (talk.callerSessionId === sessionId) callees.push(key.slice(0, key.indexOf(':')));
    }
    return callees;
  }

  /** Tells an agent that nobody answered its inquiry in time; false when it no longer runs. */
  expireInquiry(session: SessionSummary, inquiryId: string, text: string): boolean {
    return this.#send(session, { type: 'inquiry.response', instanceId: session.id, inquiryId, text, expired: true });
  }

  answerInquiry(session: SessionSummary, inquiryId: string, text: string, suggestionIndex: number | undefined): boolean {
    const sent = this.#send(session, { type: 'inquiry.response', instanceId: session.id, inquiryId, text, suggestionIndex });
    if (sent) this.inquiries.answeredByUser(inquiryId);
    return sent;
  }

  // ── processes and instances ─────────────────────────────────────────────────────────────────

  #spawnProcess(run: WorkspaceRun, agent: RunAgent): void {
    agent.instances.clear();
    let process: AgentProcess;
    const key = agent.plan.key;
    const spawn = { ...agent.plan.spawn, env: { ...agent.plan.spawn.env, [AGENT_ENV.heartbeatMs]: String(Math.ceil(this.#silenceMs / HEARTBEATS_PER_SILENCE)) } };
    try {
      process = new AgentProcess(this.spawner, spawn, {
        message: (message) => this.#onAgentMessage(run, agent, message),
        invalid: (problem) => this.#log(run, null, key, 'warn', `Agent '${key}' sent a malformed message, ignored: ${problem}`),
        output: (stream, line) =>
          this.writer.log({ workspaceId: run.workspaceId, sessionId: null, agentKey: key, level: stream === 'stderr' ? 'warn' : 'info', source: stream, message: line }),
        exit: (exit) => this.#onExit(run, agent, process, exit),
        failed: (type, error, message) => this.#onFailure(run, key, type, error, message),
        stalled: (silenceMs) => {
          const seconds = Math.round(silenceMs / 1000);
          this.#crash(
            run,
            agent,
            process,
            `Agent '${key}' sent nothing for ${seconds} s while a turn was running (a blocked event loop or a broken channel); the host killed the process.`,
            `The agent stopped responding for ${seconds} s during this turn, so the host stopped it. Send a message to restart it; if it happens again, look for long blocking work in the agent's code.`,
          );
        },
      }, { silenceMs: this.#silenceMs });
    } catch (error) {
      throw new HostError('internal', `Agent '${agent.plan.key}' could not be started: ${error instanceof Error ? error.message : String(error)}`);
    }
    agent.process = process;
  }

  /** A process of a running workspace is gone (crashed, or stopped): started again, and said so in the feed. */
  #restartProcess(run: WorkspaceRun, agent: RunAgent): void {
    this.#log(run, null, agent.plan.key, 'info', `Agent '${agent.plan.key}' was started again.`, 'restart');
    this.#spawnProcess(run, agent);
  }

  #spawnInstance(run: WorkspaceRun, agent: RunAgent, sessionId: string, exceptTurnId: string | null = null): void {
    this.writer.flush();
    const history = this.store.sessions.chatMessages(sessionId, exceptTurnId);
    agent.instances.add(sessionId);
    agent.process?.send({ type: 'instance.spawn', instanceId: sessionId, history: history.length ? history : undefined });
  }

  #autoStartSessions(run: WorkspaceRun): SessionSummary[] {
    const sessions: SessionSummary[] = [];
    for (const agent of run.agents.values()) {
      if (!agent.plan.autoStart) continue;
      const latest = this.store.sessions.latestSessionOf(run.workspaceId, agent.plan.key);
      if (latest) {
        if (!agent.instances.has(latest.id)) this.#spawnInstance(run, agent, latest.id);
        sessions.push(this.store.sessions.getSession(latest.id) ?? latest);
      } else {
        sessions.push(this.createSession(run.workspaceId, agent.plan.key));
      }
    }
    return sessions;
  }

  #onExit(run: WorkspaceRun, agent: RunAgent, process: AgentProcess, exit: { code: number | null; signal: string | null; error?: string; expected: boolean; tail: string[] }): void {
    if (agent.process !== process) return;
    if (exit.expected || !this.#runs.has(run.workspaceId)) {
      agent.process = null;
      return;
    }
    const how = exit.error ?? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`);
    const tail = exit.tail.slice(-8).join('\n');
    agent.died = `Agent '${agent.plan.key}' exited unexpectedly (${how}).${tail ? `\nLast output:\n${tail}` : ''}`;
    this.#crash(
      run,
      agent,
      process,
      agent.died,
      `The agent process exited unexpectedly (${how}). Send a message to restart it.`,
    );
  }

  /** The process is gone or being killed: its sessions are marked crashed, with `activity` in their timelines. */
  #crash(run: WorkspaceRun, agent: RunAgent, process: AgentProcess, log: string, activity: string): void {
    if (agent.process !== process) return;
    agent.process = null;
    this.#log(run, null, agent.plan.key, 'error', log, 'crash');
    this.writer.flush();
    for (const sessionId of agent.instances) {
      this.writer.activity(this.#ref(sessionId, run), null, newId(), 'error', { message: activity }, false);
      this.writer.flush();
      this.#closeSession(sessionId, 'crashed', 'cut');
    }
    agent.instances.clear();
  }

  /** Ends whatever a session was doing: streaming messages closed, inquiries and talks failed. */
  #closeSession(sessionId: string, state: 'crashed' | 'stopped', status: MessageStatus): void {
    const now = Date.now();
    // Inquiries this session held as a supervisor move on; its own are cancelled just below.
    this.inquiries.sessionClosed(sessionId, state);
    for (const id of this.store.sessions.finishAllStreaming(sessionId, status, now)) {
      const entry = this.store.sessions.getMessage(id);
      if (entry) this.writer.publish(sessionId, { type: 'entry', entry });
    }
    for (const inquiryId of this.store.inquiries.cancelPending(sessionId, now)) {
      const inquiry = this.store.inquiries.get(inquiryId);
      if (inquiry) this.emit({ type: 'inquiry.updated', inquiry });
    }
    for (const [key, talk] of this.#pendingTalks) {
      if (!key.startsWith(`${sessionId}:`)) continue;
      this.#pendingTalks.delete(key);
      this.#replyToCaller(talk, { error: `the agent ${state === 'crashed' ? 'crashed' : 'was stopped'}` });
    }
    this.#streamed.delete(sessionId);
    this.store.sessions.setState(sessionId, state, now);
    this.writer.publish(sessionId, { type: 'state', state });
    const session = this.store.sessions.getSession(sessionId);
    if (session) this.emit({ type: 'session.updated', session });
  }

  // ── routing what agents send ────────────────────────────────────────────────────────────────

  #onAgentMessage(run: WorkspaceRun, agent: RunAgent, message: AgentToHost): void {
    if (message.type === 'ready') {
      agent.handlesInquiries = message.handlesInquiries === true;
      return;
    }
    if (message.type === 'heartbeat') return;
    if (message.instanceId === null || !agent.instances.has(message.instanceId)) {
      if (message.type === 'log') {
        this.writer.log({ workspaceId: run.workspaceId, sessionId: null, agentKey: agent.plan.key, level: message.level, source: 'agent', message: message.message });
      } else {
        this.#log(run, null, agent.plan.key, 'warn', `Agent '${agent.plan.key}' sent "${message.type}" for an unknown instance; ignored.`);
      }
      return;
    }
    const ref = this.#ref(message.instanceId, run);
    switch (message.type) {
      case 'state':
        this.writer.state(ref, message.state);
        // An inquiry held for this session while it was busy goes to it once it waits or is idle.
        return this.inquiries.stateChanged(ref.sessionId, message.state);
      case 'message': {
        const content = this.#bounded(run, ref, message.messageId, true, message.content, message.isDelta);
        if (content !== null) this.writer.text(ref, message.turnId, message.messageId, message.role, content, message.isDelta);
        return;
      }
      case 'activity': {
        const text = typeof message.data.text === 'string' ? message.data.text : '';
        const bounded = this.#bounded(run, ref, message.activityId, false, text, message.isDelta);
        if (bounded === null) return;
        const data = bounded === text ? message.data : { ...message.data, text: bounded };
        return this.writer.activity(ref, message.turnId, message.activityId, message.kind, data, message.isDelta);
      }
      case 'usage':
        return this.writer.usage(ref, message);
      case 'log':
        return this.writer.log({ workspaceId: run.workspaceId, sessionId: ref.sessionId, agentKey: ref.agentKey, level: message.level, source: 'agent', message: message.message });
      case 'inquiry.request':
        return this.#openInquiry(run, ref, message);
      case 'approval.request':
        return this.approvals.request(ref, message);
      case 'inquiry.reply':
        return this.inquiries.reply(this.store.sessions.getSession(ref.sessionId)!, message.inquiryId, message.text);
      case 'inquiry.forward.declined':
        return this.inquiries.declined(this.store.sessions.getSession(ref.sessionId)!, message.inquiryId);
      case 'talk_to.request':
        return this.#talkTo(run, agent, ref, message);
      case 'turn.done': {
        const cut = [...(this.#streamed.get(ref.sessionId)?.values() ?? [])].some((entry) => entry.cut && entry.message);
        this.#streamed.delete(ref.sessionId);
        const status = TURN_STATUS[message.status];
        this.writer.turnDone(ref, message.turnId ?? '', cut && status === 'done' ? 'cut' : status);
        const ended = this.store.sessions.getSession(ref.sessionId);
        if (ended) this.approvals.turnEnded(ended);
        const key = `${ref.sessionId}:${message.turnId}`;
        const talk = this.#pendingTalks.get(key);
        if (talk) {
          this.#pendingTalks.delete(key);
          this.writer.flush();
          const reply = this.store.sessions.turnText(ref.sessionId, message.turnId ?? '');
          this.#replyToCaller(talk, message.status === 'completed' ? { response: reply } : { response: reply, error: message.error ?? `the turn ended ${message.status}` });
        }
        return;
      }
    }
  }

  /**
   * Handling a message threw. It is dropped and logged; an agent waiting on it gets an error
   * rather than waiting forever, and the process keeps being served.
   */
  #onFailure(run: WorkspaceRun, agentKey: string, type: string, error: unknown, message: AgentToHost | undefined): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.error({ workspaceId: run.workspaceId, agentKey, type, err: error }, 'Handling an agent message failed');
    this.writer.log({ workspaceId: run.workspaceId, sessionId: null, agentKey, level: 'error', source: 'host', message: `Handling the "${type}" message of agent '${agentKey}' failed, so it was dropped: ${reason}` });
    if (message?.type === 'inquiry.request' && message.instanceId) {
      this.#refuseInquiry(message.instanceId, message.inquiryId, 'the host could not record it; try again');
    } else if (message?.type === 'approval.request' && message.instanceId) {
      const session = this.store.sessions.getSession(message.instanceId);
      if (session) this.#send(session, { type: 'approval.response', instanceId: session.id, approvalId: message.approvalId, decision: 'reject', error: 'the host could not record it; try again' });
    } else if (message?.type === 'talk_to.request' && message.instanceId) {
      this.#replyToCaller({ requestId: message.requestId, callerSessionId: message.instanceId, callerAgentKey: agentKey }, { error: 'the host could not deliver it; try again' });
    }
  }

  /**
   * What of a message or activity text may be stored: a stream stops growing at the bound, with a
   * note, and later deltas to it are dropped. Null: drop the message.
   */
  #bounded(run: WorkspaceRun, ref: SessionRef, entryId: string, message: boolean, text: string, isDelta: boolean): string | null {
    let entries = this.#streamed.get(ref.sessionId);
    if (!entries) this.#streamed.set(ref.sessionId, (entries = new Map()));
    let entry = entries.get(entryId);
    if (!entry || !isDelta) entries.set(entryId, (entry = { chars: 0, cut: false, message }));
    if (entry.cut) return null;
    const room = PROTOCOL_LIMITS.streamed - entry.chars;
    if (text.length <= room) {
      entry.chars += text.length;
      return text;
    }
    entry.cut = true;
    this.#log(run, ref.sessionId, ref.agentKey, 'warn', `Agent '${ref.agentKey}' streamed more than ${PROTOCOL_LIMITS.streamed} characters into one ${message ? 'message' : 'activity'} (${entryId}); the rest was cut.`);
    return text.slice(0, room) + CUT_NOTE;
  }

  #openInquiry(run: WorkspaceRun, ref: SessionRef, message: Extract<AgentToHost, { type: 'inquiry.request' }>): void {
    this.writer.flush();
    const inquiry = {
      id: message.inquiryId,
      workspaceId: ref.workspaceId,
      sessionId: ref.sessionId,
      agentKey: ref.agentKey,
      markdown: this.redactor.redact(message.markdown),
      suggestions: message.suggestions.map((suggestion) => this.redactor.redact(suggestion)),
      files: message.files.map((file) => this.redactor.redact(file)),
      status: 'pending' as const,
      responseText: null,
      createdAt: Date.now(),
      answeredAt: null,
      priority: message.priority ?? 'normal',
      expiresAt: null as number | null,
    };
    if (message.timeoutHours !== undefined) inquiry.expiresAt = inquiry.createdAt + Math.round(message.timeoutHours * 3_600_000);
    if (!this.store.inquiries.insert(inquiry)) {
      this.#log(run, ref.sessionId, ref.agentKey, 'warn', `Agent '${ref.agentKey}' sent "inquiry.request" with the id ${message.inquiryId}, which another inquiry already has; refused.`);
      this.#refuseInquiry(ref.sessionId, message.inquiryId, `the inquiry id ${message.inquiryId} is already in use; send the inquiry again with a new id`);
      return;
    }
    // To the agent's supervisor first, to the user when it has none: announced (inquiry.updated) once routed,
    // so the user is not told about a question a supervisor agent takes.
    this.inquiries.open(this.store.inquiries.get(inquiry.id) ?? inquiry);
  }

  #refuseInquiry(sessionId: string, inquiryId: string, error: string): void {
    const session = this.store.sessions.getSession(sessionId);
    if (session) this.#send(session, { type: 'inquiry.response', instanceId: sessionId, inquiryId, error });
  }

  #talkTo(run: WorkspaceRun, agent: RunAgent, caller: SessionRef, message: Extract<AgentToHost, { type: 'talk_to.request' }>): void {
    const talk = { requestId: message.requestId, callerSessionId: caller.sessionId, callerAgentKey: caller.agentKey };
    const refusal = this.#talkRefusal(agent, caller, message.peer);
    if (refusal) {
      this.#log(run, caller.sessionId, caller.agentKey, 'warn', `Agent '${caller.agentKey}' sent "talk_to.request" to '${message.peer}'; refused: ${refusal}`);
      return this.#replyToCaller(talk, { error: refusal });
    }
    // The caller's last conversation with this peer is in the store, so it outlives a restart.
    const previousId = this.store.talks.get(caller.sessionId, message.peer);
    const previous = previousId ? this.store.sessions.getSession(previousId) : undefined;
    let calleeId = message.continueConversation && previous && previous.state !== 'crashed' ? previous.id : undefined;
    if (!calleeId) {
      // A fresh conversation: the previous one's instance is ended if it has nothing to do.
      if (previous) this.#endIdleInstance(run, previous);
      calleeId = this.createSession(run.workspaceId, message.peer, caller.sessionId).id;
      this.store.talks.set(caller.sessionId, message.peer, calleeId, Date.now());
    }
    const session = this.store.sessions.getSession(calleeId!)!;
    const turnId = newId();
    // The peer reads what the timeline shows: a secret the caller quoted is blanked for both
    // (and the blanks may lengthen the text past what the agent side accepts).
    const text = truncateText(this.redactor.redact(message.text), PROTOCOL_LIMITS.text);
    const stored = this.writer.writeMessage({ sessionId: session.id, turnId, role: 'user', text, sender: caller.agentKey });
    if (!session.title && stored?.kind === 'message') {
      this.store.sessions.setTitle(session.id, talkTitle(caller.agentKey, stored.text), Date.now());
      this.emit({ type: 'session.updated', session: this.store.sessions.getSession(session.id)! });
    }
    this.#pendingTalks.set(`${session.id}:${turnId}`, talk);
    this.sendInput(session, turnId, text, caller.agentKey);
  }

  /** Ends a live instance that is idle (a talk_to conversation nobody will continue); a busy one is left alone. */
  #endIdleInstance(run: WorkspaceRun, session: SessionSummary): void {
    const agent = run.agents.get(session.agentKey);
    if (session.state !== 'idle' || !agent?.instances.has(session.id)) return;
    agent.process?.send({ type: 'signal.terminate', instanceId: session.id });
    agent.instances.delete(session.id);
    this.#closeSession(session.id, 'stopped', 'interrupted');
  }

  /** Why the caller may not talk to `peer` now, or null. The workspace's peers list is the authority, not the agent. */
  #talkRefusal(agent: RunAgent, caller: SessionRef, peer: string): string | null {
    if (peer === caller.agentKey) return `an agent cannot talk_to itself ('${peer}')`;
    if (!agent.plan.peers.includes(peer)) {
      const peers = agent.plan.peers.map((key) => `'${key}'`).join(', ') || 'none';
      return `'${peer}' is not a peer of '${caller.agentKey}' (its peers: ${peers}); add it to the agent's peers in dspatch.workspace.yml to allow this`;
    }
    const waiting = this.#waitingFor(caller.sessionId, peer, new Set());
    if (waiting) {
      const chain = [...waiting, caller.agentKey, peer].map((key) => `'${key}'`).join(' → ');
      return `'${peer}' is already waiting for this reply (${chain}), so calling it back could never finish; answer with what you have instead`;
    }
    return null;
  }

  /**
   * Walks up the talk_to chain from a session through everyone waiting on its reply. Returns the
   * agent keys from a waiting session of `peer` down to (not including) the session, or null.
   */
  #waitingFor(sessionId: string, peer: string, seen: Set<string>): string[] | null {
    seen.add(sessionId);
    for (const [key, talk] of this.#pendingTalks) {
      if (!key.startsWith(`${sessionId}:`) || seen.has(talk.callerSessionId)) continue;
      if (talk.callerAgentKey === peer) return [peer];
      const above = this.#waitingFor(talk.callerSessionId, peer, seen);
      if (above) return [...above, talk.callerAgentKey];
    }
    return null;
  }

  #replyToCaller(talk: PendingTalk, reply: { response?: string; error?: string }): void {
    const caller = this.store.sessions.getSession(talk.callerSessionId);
    if (!caller) return;
    // The reply is the peer's whole turn; the agent side refuses a message over the text bound.
    const response = reply.response === undefined ? undefined : truncateText(reply.response, PROTOCOL_LIMITS.text);
    const error = reply.error === undefined ? undefined : truncateText(reply.error, PROTOCOL_LIMITS.log);
    this.#send(caller, { type: 'talk_to.response', instanceId: caller.id, requestId: talk.requestId, response, error });
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  #send(session: SessionSummary, message: HostToAgent): boolean {
    const agent = this.#runs.get(session.workspaceId)?.agents.get(session.agentKey);
    if (!agent?.process?.alive || !agent.instances.has(session.id)) return false;
    return agent.process.send(message);
  }

  #ref(sessionId: string, run: WorkspaceRun): SessionRef {
    const cached = this.#refs.get(sessionId);
    if (cached?.runId === run.id) return cached;
    const session = this.store.sessions.getSession(sessionId);
    const ref = { sessionId, workspaceId: run.workspaceId, agentKey: session?.agentKey ?? 'unknown', runId: run.id };
    this.#refs.set(sessionId, ref);
    return ref;
  }

  #requireRun(workspaceId: string): WorkspaceRun {
    const run = this.#runs.get(workspaceId);
    if (!run) throw new HostError('not_running', 'The workspace is not running. Launch it first.');
    return run;
  }

  #runStatus(run: WorkspaceRun, status: RunStatus): void {
    this.store.workspaces.updateRun(run.id, status, null, null);
    this.emit({ type: 'workspace.updated', workspaceId: run.workspaceId, runStatus: status });
  }

  #log(run: WorkspaceRun, sessionId: string | null, agentKey: string | null, level: 'info' | 'warn' | 'error', message: string, event?: LifecycleEvent): void {
    this.logger[level]({ workspaceId: run.workspaceId, agentKey }, message);
    this.writer.log({ workspaceId: run.workspaceId, sessionId, agentKey, level, source: 'host', message, event });
  }
}
