import { shortDigest } from '../plan/digest.js';
import { groupChanges, KIND_LABEL, signOf, summarise, summaryLine } from './plan-changes.js';
import type { RenderablePlan } from './plan-changes.js';

/**
 * A pull-request comment: the summary as a heading, the changes in a ```diff block (which code
 * hosts colour by the first character of each line), unmanaged objects folded away.
 */

const OPERATOR_NOTE = '(runs last: takes access from the user running the apply)';

export function renderPlanMarkdown(plan: RenderablePlan): string {
  const changes = groupChanges(plan.steps);
  const summary = summaryLine(summarise(changes));
  const out: string[] = [];
  out.push(`### rbac plan: ${summary}`);
  out.push('');
  out.push(`Target \`${plan.target.address}\` (Milvus ${plan.target.milvusVersion || 'version unknown'}), policy \`${plan.policyHash.slice(0, 12)}\`, ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}${plan.digest ? `, digest \`${shortDigest(plan.digest)}\`` : ''}.`);
  if (changes.length > 0) {
    out.push('');
    out.push('```diff');
    for (const change of changes) {
      const note = [change.note ? `(${change.note})` : '', change.action === 'delete' && change.affectsOperator ? OPERATOR_NOTE : '']
        .filter(Boolean)
        .join(' ');
      out.push(`${signOf(change.action)} ${KIND_LABEL[change.kind]} "${change.name}"${note ? ` ${note}` : ''}`);
      for (const line of change.lines) out.push(`${line.sign}     ${line.text}${line.affectsOperator ? ` ${OPERATOR_NOTE}` : ''}`);
    }
    out.push('```');
  }
  const unmanaged = plan.unmanaged;
  const count = unmanaged ? unmanaged.users.length + unmanaged.roles.length + unmanaged.privilegeGroups.length : 0;
  if (unmanaged && count > 0) {
    out.push('');
    out.push(`<details><summary>Unmanaged objects (${count}): outside the policy's scope, left alone</summary>`);
    out.push('');
    if (unmanaged.privilegeGroups.length > 0) out.push(`- privilege groups: ${unmanaged.privilegeGroups.map((n) => `\`${n}\``).join(', ')}`);
    if (unmanaged.roles.length > 0) out.push(`- roles: ${unmanaged.roles.map((n) => `\`${n}\``).join(', ')}`);
    if (unmanaged.users.length > 0) out.push(`- users: ${unmanaged.users.map((n) => `\`${n}\``).join(', ')}`);
    out.push('');
    out.push('</details>');
  }
  if (plan.warnings.length > 0) {
    out.push('');
    for (const w of plan.warnings) out.push(`> **Warning:** ${w}`);
  }
  return `${out.join('\n')}\n`;
}
