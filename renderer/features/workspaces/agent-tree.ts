// Helpers over the workspace's agent tree.
import type { AgentNode, SessionSummary } from '../../../electron/api/types';

export interface FlatAgent {
  node: AgentNode;
  depth: number;
}

export function flattenAgents(nodes: readonly AgentNode[], depth = 0, out: FlatAgent[] = []): FlatAgent[] {
  for (const node of nodes) {
    out.push({ node, depth });
    flattenAgents(node.children, depth + 1, out);
  }
  return out;
}

/** Sessions carry the agent key; the key is matched against both the key and the dotted path. */
export function sessionBelongsTo(session: SessionSummary, node: AgentNode): boolean {
  return session.agentKey === node.key || session.agentKey === node.path;
}
