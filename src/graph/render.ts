import type { AccessGraph, NodeKind } from './model.js';

/** The access graph as Mermaid (rendered by GitHub in a comment), DOT, or SVG drawn by Graphviz. */

const MERMAID_SHAPE: Readonly<Record<NodeKind, [string, string]>> = { user: ['([', '])'], role: ['[', ']'], grant: ['>', ']'], object: ['[(', ')]'] };

const mermaidText = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`;

export function renderMermaid(g: AccessGraph): string {
  const lines = ['flowchart LR'];
  for (const n of g.nodes) {
    const [open, close] = MERMAID_SHAPE[n.kind];
    lines.push(`  ${n.id}${open}${mermaidText(n.label)}${close}`);
  }
  for (const e of g.edges) lines.push(`  ${e.from} --> ${e.to}`);
  for (const kind of ['user', 'role', 'grant', 'object'] as const) {
    const members = g.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    if (members.length > 0) lines.push(`  class ${members.join(',')} ${kind}`);
  }
  lines.push('  classDef user fill:#e8f0fe,stroke:#4a6fa5', '  classDef role fill:#fff4e0,stroke:#b07d2b', '  classDef grant fill:#eef7ee,stroke:#4b8b4b', '  classDef object fill:#f3f3f3,stroke:#777');
  return `${lines.join('\n')}\n`;
}

const DOT_SHAPE: Readonly<Record<NodeKind, string>> = { user: 'ellipse', role: 'box', grant: 'note', object: 'cylinder' };
const dotText = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function renderDot(g: AccessGraph): string {
  const lines = ['digraph access {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];'];
  for (const n of g.nodes) lines.push(`  ${n.id} [label=${dotText(n.label)}, shape=${DOT_SHAPE[n.kind]}];`);
  for (const e of g.edges) lines.push(`  ${e.from} -> ${e.to};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** SVG through Graphviz compiled to WebAssembly (@viz-js/viz), loaded only when asked for. */
export async function renderSvg(g: AccessGraph): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(renderDot(g), { format: 'svg' });
}
