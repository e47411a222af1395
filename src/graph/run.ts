import type { ExplainSource } from '../explain/source.js';
import { writeAtomically } from '../write-atomically.js';
import { buildGraph, collectionFocus } from './model.js';
import type { GraphFocus } from './model.js';
import { renderDot, renderMermaid, renderSvg } from './render.js';

export interface GraphOptions {
  readonly format: 'mermaid' | 'dot' | 'svg';
  readonly user?: string;
  readonly role?: string;
  readonly collection?: string;
  readonly out?: string;
}

/** `rbac graph` as a function: the focus, the graph, its drawing. */
export async function runGraph(source: ExplainSource, options: GraphOptions): Promise<{ exitCode: number; output: string; errors: string }> {
  const chosen = [options.user, options.role, options.collection].filter((x) => x !== undefined).length;
  if (chosen > 1) return { exitCode: 1, output: '', errors: 'rbac: give one of --focus-user, --focus-role and --focus-collection\n' };
  let focus: GraphFocus = null;
  if (options.user !== undefined) {
    if (!source.state.users.some((u) => u.name === options.user)) return { exitCode: 1, output: '', errors: `rbac: no user "${options.user}" in ${source.origin}\n` };
    focus = { user: options.user };
  } else if (options.role !== undefined) {
    if (!source.state.roles.some((r) => r.name === options.role)) return { exitCode: 1, output: '', errors: `rbac: no role "${options.role}" in ${source.origin}\n` };
    focus = { role: options.role };
  } else if (options.collection !== undefined) {
    focus = collectionFocus(options.collection);
  }
  const graph = buildGraph(source.state, focus);
  const text = options.format === 'svg' ? await renderSvg(graph) : options.format === 'dot' ? renderDot(graph) : renderMermaid(graph);
  if (options.out) {
    await writeAtomically(options.out, text, 0o644);
    return { exitCode: 0, output: '', errors: `Wrote ${options.out}: ${graph.nodes.length} nodes, ${graph.edges.length} edges\n` };
  }
  return { exitCode: 0, output: text, errors: '' };
}
