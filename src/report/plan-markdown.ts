import { shortDigest } from '../plan/digest.js';
import { groupChanges, KIND_LABEL, signOf, summarise, summaryLine } from './plan-changes.js';
import type { ChangeLine, ObjectChange, RenderablePlan } from './plan-changes.js';

/**
 * A pull-request comment: the summary as a heading, the changes in a ```diff block (which code
 * hosts colour by the first character of each line), unmanaged objects folded away. It stays
 * within a size budget (GitHub refuses comments over 65,536 characters): long name lists are
 * shortened, and objects that do not fit are counted in a closing note instead of shown. The
 * text and JSON renderings keep every detail.
 */

const OPERATOR_NOTE = '(runs last: takes access from the user running the apply)';
/** Under GitHub's 65,536, with room for what a workflow adds around the plan. */
export const DEFAULT_MARKDOWN_BUDGET = 60_000;
/** Names shown of a gathered list before "and N more". */
const NAMES_SHOWN = 20;

export interface MarkdownOptions {
  /** Most characters of the rendering. */
  readonly budget?: number;
  /** Where the full plan can be read, said when something is left out. */
  readonly fullPlanHint?: string;
}

function memberLine(line: ChangeLine): string {
  let text = line.text;
  if (line.names && line.names.list.length > NAMES_SHOWN) {
    const shown = line.names.list.slice(0, NAMES_SHOWN).join(', ');
    text = `${line.names.prefix}${shown} and ${line.names.list.length - NAMES_SHOWN} more`;
  }
  return `${line.sign}     ${text}${line.affectsOperator ? ` ${OPERATOR_NOTE}` : ''}`;
}

function objectBlock(change: ObjectChange): string[] {
  const note = [change.note ? `(${change.note})` : '', change.action === 'delete' && change.affectsOperator ? OPERATOR_NOTE : ''].filter(Boolean).join(' ');
  return [`${signOf(change.action)} ${KIND_LABEL[change.kind]} "${change.name}"${note ? ` ${note}` : ''}`, ...change.lines.map(memberLine)];
}

const length = (lines: readonly string[]): number => lines.reduce((n, l) => n + l.length + 1, 0);

export function renderPlanMarkdown(plan: RenderablePlan, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? DEFAULT_MARKDOWN_BUDGET;
  const changes = groupChanges(plan.steps);
  const summary = summaryLine(summarise(changes));
  const head = [
    `### rbac plan: ${summary}`,
    '',
    `Target \`${plan.target.address}\` (Milvus ${plan.target.milvusVersion || 'version unknown'}), policy \`${plan.policyHash.slice(0, 12)}\`, ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}${plan.digest ? `, digest \`${shortDigest(plan.digest)}\`` : ''}.`,
  ];
  const tail = [...unmanagedLines(plan), ...warningLines(plan.warnings)];
  // Room for the diff fences and a note of what was left out.
  const reserve = 600 + (options.fullPlanHint?.length ?? 0);
  const room = budget - length(head) - Math.min(length(tail), Math.floor(budget / 4)) - reserve;
  const diff: string[] = [];
  let shown = 0;
  for (const change of changes) {
    const block = objectBlock(change);
    if (length(diff) + length(block) > room) break;
    diff.push(...block);
    shown++;
  }
  const out = [...head];
  if (diff.length > 0) out.push('', '```diff', ...diff, '```');
  if (shown < changes.length) {
    const left = changes.slice(shown);
    const steps = left.reduce((n, c) => n + c.stepIds.length, 0);
    out.push(
      '',
      `_${left.length} more object${left.length === 1 ? '' : 's'} (${steps} step${steps === 1 ? '' : 's'}) not shown, to keep this under ${budget.toLocaleString('en-US')} characters${options.fullPlanHint ? `: ${options.fullPlanHint}` : ': the text and JSON renderings of the plan hold every step'}._`,
    );
  }
  const rendered = `${[...out, ...tail].join('\n')}\n`;
  if (rendered.length <= budget) return rendered;
  // Warnings and unmanaged lists can be long too: cut them last, and say so.
  const cut = rendered.slice(0, Math.max(0, budget - 120));
  return `${cut.slice(0, cut.lastIndexOf('\n'))}\n\n_… cut at ${budget.toLocaleString('en-US')} characters._\n`;
}

function unmanagedLines(plan: RenderablePlan): string[] {
  const unmanaged = plan.unmanaged;
  const count = unmanaged ? unmanaged.users.length + unmanaged.roles.length + unmanaged.privilegeGroups.length : 0;
  if (!unmanaged || count === 0) return [];
  const out = ['', `<details><summary>Unmanaged objects (${count}): outside the policy's scope, left alone</summary>`, ''];
  if (unmanaged.privilegeGroups.length > 0) out.push(`- privilege groups: ${unmanaged.privilegeGroups.map((n) => `\`${n}\``).join(', ')}`);
  if (unmanaged.roles.length > 0) out.push(`- roles: ${unmanaged.roles.map((n) => `\`${n}\``).join(', ')}`);
  if (unmanaged.users.length > 0) out.push(`- users: ${unmanaged.users.map((n) => `\`${n}\``).join(', ')}`);
  out.push('', '</details>');
  return out;
}

function warningLines(warnings: readonly string[]): string[] {
  return warnings.length > 0 ? ['', ...warnings.map((w) => `> **Warning:** ${w}`)] : [];
}
