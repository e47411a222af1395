import { describeGrant } from '../report/plan-changes.js';
import type { DeniedCall, UsageReport, UsedCall } from './report.js';

/** `rbac usage` for people (text) and for a pull request (Markdown). */

function where(c: { objectType: string; database: string | null; collection: string | null }): string {
  if (c.objectType === 'Collection') return c.collection ? `collection ${c.database ?? 'default'}.${c.collection}` : `a collection (the log does not say which${c.database ? `; database ${c.database}` : ''})`;
  if (c.objectType === 'Global') return c.database ? `database ${c.database}` : 'the instance';
  return 'a user';
}

const when = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : 'time unknown');

function usedLine(c: UsedCall): string {
  const by = c.via === null ? 'not allowed by this state' : c.via === 'self' ? 'on its own account (every user may)' : c.via === 'root' || c.via === 'admin' ? `as ${c.via}` : `via ${c.via.role}: ${describeGrant(c.via.grant)}${c.via.collectionGuessed ? ' (collection not in the log)' : ''}`;
  return `${c.privilege} on ${where(c)}: ${c.seen.count} call${c.seen.count === 1 ? '' : 's'} (${c.methods.join(', ')}), last ${when(c.seen.last)}; ${by}`;
}

function deniedLine(c: DeniedCall): string {
  return `${c.privilege} on ${where(c)}: ${c.seen.count} denied (${c.methods.join(', ')}), last ${when(c.seen.last)}`;
}

export function renderUsageText(r: UsageReport): string {
  const out: string[] = [];
  out.push(`Access log: ${r.lines.access} calls in ${r.lines.read} lines, ${when(r.window.first)} to ${when(r.window.last)}; compared with ${r.source}.`);
  for (const u of r.users) {
    out.push('');
    out.push(`user ${u.name || '(no credentials)'}${u.inState ? ` (roles: ${u.roles.join(', ') || 'none'})` : ' (not in this state)'}`);
    for (const c of u.used) out.push(`  used    ${usedLine(c)}`);
    for (const c of u.denied) out.push(`  DENIED  ${deniedLine(c)}`);
    if (u.unauthenticated > 0) out.push(`  refused login ${u.unauthenticated} time${u.unauthenticated === 1 ? '' : 's'}`);
  }
  for (const role of r.roles) {
    if (role.used.length === 0 && role.unused.length === 0) continue;
    out.push('');
    out.push(`role ${role.name}${role.users.length > 0 ? ` (users: ${role.users.join(', ')})` : ''}: ${role.used.length} grant${role.used.length === 1 ? '' : 's'} used, ${role.unused.length} never used`);
    for (const g of role.used) out.push(`  used    ${describeGrant(g.grant)}: ${g.seen.count} call${g.seen.count === 1 ? '' : 's'}, last ${when(g.seen.last)}`);
    for (const g of role.unused) out.push(`  unused  ${describeGrant(g)}`);
  }
  const unknown = Object.entries(r.unknownMethods);
  if (unknown.length > 0) out.push('', `Methods this tool has no privilege for (a newer server's?): ${unknown.map(([m, n]) => `${m} (${n})`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

export function renderUsageMarkdown(r: UsageReport): string {
  const out: string[] = [`### rbac usage: ${r.lines.access} calls, ${when(r.window.first)} to ${when(r.window.last)}`, ''];
  out.push('| user | used | denied |', '|---|---|---|');
  for (const u of r.users) out.push(`| ${u.name || '(none)'} | ${u.used.reduce((n, c) => n + c.seen.count, 0)} | ${u.denied.reduce((n, c) => n + c.seen.count, 0)} |`);
  const denied = r.users.flatMap((u) => u.denied.map((c) => `- **${u.name}**: ${deniedLine(c)}`));
  if (denied.length > 0) out.push('', '#### Denied', '', ...denied);
  const unused = r.roles.flatMap((role) => role.unused.map((g) => `- ${role.name}: ${describeGrant(g)}`));
  if (unused.length > 0) out.push('', '#### Grants never used in this window', '', ...unused);
  return `${out.join('\n')}\n`;
}
