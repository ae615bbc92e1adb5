// The system prompt an agent runs with: the developer's prompt plus what every d:spatch agent must
// know about its platform — where its files go, when and how to escalate, and whom it can talk to.
// Pure, so the wording is unit-tested and shared by every context that augments a prompt.
import { CONTINUE_WAITING_TOOL, RECEIVE_INQUIRY_TOOL, REPLY_TO_INQUIRY_TOOL, SEND_INQUIRY_TOOL, peerTools } from './tool-names';

export interface PromptEnvironment {
  workspaceDir: string;
  /** What the agent may decide on its own; inserted verbatim. Empty or absent: no authority section. */
  authority?: string | null;
  /** Agent keys this agent may talk to. */
  peers: readonly string[];
}

export function augmentSystemPrompt(basePrompt: string, environment: PromptEnvironment): string {
  const sections: string[] = [];
  const base = basePrompt.trim();
  if (base) sections.push(base);
  sections.push(workspaceSection(environment.workspaceDir));
  const authority = environment.authority?.trim();
  sections.push(authority ? authoritySection(authority) : inquirySection());
  const coordination = coordinationSection(environment.peers);
  if (coordination) sections.push(coordination);
  return sections.join('\n\n');
}

function workspaceSection(workspaceDir: string): string {
  return [
    '## Workspace',
    '',
    `Your workspace is the directory \`${workspaceDir}\`. Create and change files only inside it: every file, ` +
      'note and artifact you produce belongs there, and nothing may be written outside of it.',
  ].join('\n');
}

const WHEN_TO_ASK = [
  'Send an inquiry when:',
  '- several sound approaches exist and the choice shapes the architecture;',
  '- a requirement is unclear, incomplete or contradicts another one;',
  '- a change would alter the direction of the work;',
  '- the decision depends on judgment or preferences you cannot infer from what you have.',
];

const HOW_TO_ASK = [
  'How to write one:',
  '- `markdown`: the whole situation — context, what you found, the options and their trade-offs — so the reader ' +
    'needs nothing else to decide.',
  '- `suggestions`: 2 to 4 instructions addressed to you. Put your recommendation first and include at least one ' +
    'real alternative.',
  '- `files`: the paths of the files that matter for the decision, if any.',
  '',
  `The call waits for the answer and returns it to you; follow it before you go on. Do not use \`${SEND_INQUIRY_TOOL}\` ` +
    'for trivia such as formatting or naming — decide those yourself.',
];

function inquirySection(): string {
  return [
    '## Inquiries',
    '',
    'You handle routine work on your own. For decisions that matter, ask whoever oversees you (a supervisor ' +
      `agent or the user) with the \`${SEND_INQUIRY_TOOL}\` tool.`,
    '',
    ...WHEN_TO_ASK,
    '',
    ...HOW_TO_ASK,
  ].join('\n');
}

function authoritySection(authority: string): string {
  return [
    '## Inquiries & Authority',
    '',
    'Your authority — what you may decide on your own — is:',
    '',
    authority,
    '',
    'Decide everything within this authority yourself. Anything outside it must go to whoever oversees you ' +
      `(a supervisor agent or the user) through the \`${SEND_INQUIRY_TOOL}\` tool before you act on it.`,
    '',
    ...WHEN_TO_ASK,
    '',
    ...HOW_TO_ASK,
  ].join('\n');
}

function coordinationSection(peers: readonly string[]): string | null {
  const tools = peerTools(peers);
  if (tools.length === 0) return null;
  return [
    '## Agent Coordination',
    '',
    'Other agents of this workspace can help you. Each one has its own tool:',
    ...tools.map(({ peer, toolName }) => `- \`${peer}\`: \`${toolName}\``),
    '',
    'Use them to hand off a subtask, ask for a review or share context. A call waits until that agent has ' +
      'answered, and its reply is the tool result. Set `continue_previous_conversation` to true to keep talking ' +
      'to the conversation you had with that agent, or false to start a fresh one.',
    '',
    ...interruptionsParagraph(),
  ].join('\n');
}

/**
 * How a supervisor handles its subordinates' inquiries: they come to it before they reach the user,
 * interrupting a wait or as a message of their own.
 */
function interruptionsParagraph(): string[] {
  return [
    '### Interruptions',
    '',
    'The agents you delegate to send their inquiries to you first. If one arrives while you are waiting for a tool ' +
      `call, that call returns a result starting with \`INTERRUPTED\`. Then: call \`${RECEIVE_INQUIRY_TOOL}\` to read ` +
      `the inquiry; answer it with \`${REPLY_TO_INQUIRY_TOOL}\` (if it is beyond your own authority, ask with ` +
      `\`${SEND_INQUIRY_TOOL}\` first and pass that answer on); then call \`${CONTINUE_WAITING_TOOL}\` — its result is ` +
      'the result of the call that was interrupted. An inquiry that arrives while you are idle comes as a message ' +
      `marked \`[INQUIRY FROM SUBORDINATE AGENT …]\`: answer it with \`${REPLY_TO_INQUIRY_TOOL}\`. Answer promptly: an ` +
      'inquiry you leave unanswered moves on to whoever oversees you after a while.',
  ];
}
