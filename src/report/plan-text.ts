import { NO_PALETTE } from './colour.js';
import type { Palette, Paint } from './colour.js';
import { shortDigest } from '../plan/digest.js';
import { groupChanges, KIND_LABEL, signOf, summarise, summaryLine } from './plan-changes.js';
import type { RenderablePlan, Sign } from './plan-changes.js';

/**
 * The human-readable plan, terraform-style: one block per object with `+` create, `-` destroy,
 * `~` change, the member changes indented beneath, then unmanaged objects, warnings and the
 * summary line.
 */

export interface TextOptions {
  readonly palette?: Palette;
}

const OPERATOR_NOTE = '(runs last: takes access from the user running the apply)';

function paintFor(palette: Palette, sign: Sign): Paint {
  return sign === '+' ? palette.add : sign === '-' ? palette.remove : palette.change;
}

export function renderPlanText(plan: RenderablePlan, options: TextOptions = {}): string {
  const p = options.palette ?? NO_PALETTE;
  const changes = groupChanges(plan.steps);
  const out: string[] = [];
  out.push(`Target: ${plan.target.address} (Milvus ${plan.target.milvusVersion || 'version unknown'})`);
  if (changes.length > 0) {
    out.push('');
    out.push(`Milvus will be changed as follows (${p.add('+ create')}, ${p.change('~ change')}, ${p.remove('- destroy')}):`);
    for (const change of changes) {
      const sign = signOf(change.action);
      const paint = paintFor(p, sign);
      const note = [change.note ? `(${change.note})` : '', change.action === 'delete' && change.affectsOperator ? OPERATOR_NOTE : '']
        .filter(Boolean)
        .join(' ');
      out.push('');
      out.push(`  ${paint(sign)} ${p.strong(`${KIND_LABEL[change.kind]} "${change.name}"`)}${note ? ` ${p.dim(note)}` : ''}`);
      for (const line of change.lines) {
        out.push(`      ${paintFor(p, line.sign)(`${line.sign} ${line.text}`)}${line.affectsOperator ? ` ${p.dim(OPERATOR_NOTE)}` : ''}`);
      }
    }
  }
  const unmanaged = plan.unmanaged;
  if (unmanaged && unmanaged.users.length + unmanaged.roles.length + unmanaged.privilegeGroups.length > 0) {
    out.push('');
    out.push('Unmanaged (outside the policy\'s scope, left alone):');
    if (unmanaged.privilegeGroups.length > 0) out.push(`  privilege groups: ${unmanaged.privilegeGroups.join(', ')}`);
    if (unmanaged.roles.length > 0) out.push(`  roles: ${unmanaged.roles.join(', ')}`);
    if (unmanaged.users.length > 0) out.push(`  users: ${unmanaged.users.join(', ')}`);
  }
  if (plan.warnings.length > 0) {
    out.push('');
    for (const w of plan.warnings) out.push(`Warning: ${w}`);
  }
  out.push('');
  out.push(p.strong(summaryLine(summarise(changes))));
  if (plan.steps.length > 0 && plan.digest) out.push(`Plan digest: ${shortDigest(plan.digest)} (rbac apply --expect-digest ${shortDigest(plan.digest)} applies only this plan)`);
  return `${out.join('\n')}\n`;
}
