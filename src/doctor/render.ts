import type { DoctorReport } from './report.js';

/** `rbac doctor` for people: the server, the caller, each probe, then what follows. */
export function renderDoctorText(r: DoctorReport): string {
  const out: string[] = [];
  out.push(`Target: ${r.address}`);
  out.push(`  GetVersion: ${r.server.reported || '(empty)'}`);
  if (r.server.description && r.server.description !== r.server.reported) out.push(`  Connect describes it as: ${r.server.description}`);
  out.push(`  planned as: Milvus ${r.server.milvusVersion}, platform ${r.server.platform}${r.server.tier ? ` (${r.server.tier})` : ''}`);
  out.push('');
  const who = r.caller.user ?? 'not named by the token (an API key?)';
  out.push(`Caller: ${who}${r.caller.roles ? `, roles: ${r.caller.roles.length > 0 ? r.caller.roles.join(', ') : 'none'}` : ''}${r.caller.passesEveryCheck ? ' (passes every privilege check)' : ''}`);
  if (r.caller.grants.length > 0) out.push(`  grants: ${r.caller.grants.slice(0, 12).join('; ')}${r.caller.grants.length > 12 ? `; and ${r.caller.grants.length - 12} more` : ''}`);
  const count = (n: number | null): string => (n === null ? '?' : String(n));
  out.push(`Objects: ${count(r.counts.users)} users, ${count(r.counts.roles)} roles, ${count(r.counts.customPrivilegeGroups)} custom privilege groups; limits ${r.limits.maxUsers} users and ${r.limits.maxRoles} roles (${r.limits.source})`);
  out.push('');
  out.push(`Calls (${r.writeProbe === 'run' ? 'reads, and the write probe on a scratch role' : 'read-only; --write-probe also tries grants on a scratch role'}):`);
  const width = Math.max(...r.probes.map((p) => p.name.length));
  for (const p of r.probes) out.push(`  ${p.name.padEnd(width)}  ${p.call.padEnd(22)} ${p.answer}${p.detail ? `: ${p.detail}` : ''}`);
  if (r.leftBehind.length > 0) out.push(`  left behind (remove by hand): ${r.leftBehind.join(', ')}`);
  if (r.builtinGroupDifferences.length > 0) {
    out.push('');
    out.push(`Built-in groups that differ from Milvus ${r.server.milvusVersion}'s (explain and lint assume Milvus's members):`);
    for (const d of r.builtinGroupDifferences) out.push(`  ${d.group}: ${[d.extra.length > 0 ? `+ ${d.extra.join(', ')}` : '', d.missing.length > 0 ? `- ${d.missing.join(', ')}` : ''].filter(Boolean).join('; ')}`);
  }
  out.push('');
  out.push('On this target the tool:');
  for (const c of r.conclusions) out.push(`  - ${c}`);
  out.push('');
  out.push('Declare in the policy:');
  out.push(...r.targetSettings.trimEnd().split('\n').map((l) => `  ${l}`));
  return `${out.join('\n')}\n`;
}
