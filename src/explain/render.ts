import { JSON_FORMAT_VERSION } from '../report/format-version.js';
import type { AccessPath } from '../model/access.js';
import type { Grant } from '../model/types.js';
import type { EffectiveAccess, EffectiveEntry, IneffectiveGrant } from './effective.js';
import type { WhoCanAnswer } from './who-can.js';

/** Text and JSON views of explain / who-can answers. Pure: strings and plain objects out. */

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function describeGrant(grant: Grant): string {
  return `${grant.privilege} on ${grant.objectType} ${grant.objectName} in db ${grant.dbName}`;
}

export function describePath(path: AccessPath): string {
  const chain = path.via.length > 0 ? ` (via ${path.via.join(' > ')})` : '';
  return `role ${path.role}: grant ${describeGrant(path.grant)}${chain}`;
}

/** A path as seen from one listed privilege: a plain grant of exactly that line is just "direct". */
function describeLinePath(line: PrivilegeLine, path: AccessPath): string {
  const g = path.grant;
  const exact =
    path.via.length === 0 && g.privilege === line.privilege && g.dbName === line.dbName && g.objectType === line.objectType && g.objectName === line.objectName;
  return exact ? `role ${path.role} (direct grant)` : describePath(path);
}

export interface PrivilegeLine {
  readonly dbName: string;
  readonly objectType: string;
  readonly objectName: string;
  readonly privilege: string;
  /** See EffectiveEntry.alsoUnnamedRequests. */
  readonly alsoUnnamedRequests: boolean;
  readonly paths: AccessPath[];
}

/** Entries merged per (database, object, privilege), sorted, each with all its paths. */
export function groupEntries(entries: readonly EffectiveEntry[]): PrivilegeLine[] {
  const lines = new Map<string, PrivilegeLine>();
  for (const e of entries) {
    const key = [e.dbName, e.objectType, e.objectName, e.privilege, e.alsoUnnamedRequests].join('\u0000');
    let line = lines.get(key);
    if (!line) {
      line = { dbName: e.dbName, objectType: e.objectType, objectName: e.objectName, privilege: e.privilege, alsoUnnamedRequests: e.alsoUnnamedRequests, paths: [] };
      lines.set(key, line);
    }
    const path = { role: e.role, grant: e.grant, via: e.via };
    if (!line.paths.some((p) => describePath(p) === describePath(path))) line.paths.push(path);
  }
  return [...lines.values()].sort(
    (a, b) =>
      byText(a.dbName, b.dbName) ||
      byText(a.objectType, b.objectType) ||
      byText(a.objectName, b.objectName) ||
      byText(a.privilege, b.privilege),
  );
}

function unconditionalText(access: EffectiveAccess): string | null {
  if (access.unconditional === 'root') {
    return `${access.user} is the root user: it bypasses every privilege check (common.security.rootShouldBindRole is false, Milvus's default), so every request is allowed without any grant.`;
  }
  if (access.unconditional === 'admin') return `${access.user} holds the admin role: every request is allowed without any grant.`;
  return null;
}

function ineffectiveLine(i: IneffectiveGrant): string {
  return `  role ${i.role}: grant ${describeGrant(i.grant)}: ${i.reason}`;
}

export function renderExplainText(access: EffectiveAccess): string {
  const out: string[] = [];
  out.push(`user ${access.user}; roles: ${access.roles.join(', ')}`);
  // Notes qualify everything below them, so they come before the listing, not after it.
  out.push(...(access.notes ?? []));
  const unconditional = unconditionalText(access);
  if (unconditional) out.push(unconditional);
  const lines = groupEntries(access.entries);
  out.push(`${lines.length} effective privilege${lines.length === 1 ? '' : 's'} from grants${lines.length ? ':' : '.'}`);
  let db = '';
  let object = '';
  for (const line of lines) {
    if (line.dbName !== db) {
      db = line.dbName;
      object = '';
      out.push(db === '*' ? 'every database (*)' : `database ${db}`);
    }
    const objectLabel = `${line.objectType} ${line.objectName}`;
    if (objectLabel !== object) {
      object = objectLabel;
      out.push(`  ${line.objectType} ${line.objectName === '*' ? '* (all)' : line.objectName}`);
    }
    const unnamed = line.alsoUnnamedRequests ? ' (also requests naming no object)' : '';
    out.push(`    ${line.privilege}${unnamed}  <- ${line.paths.map((p) => describeLinePath(line, p)).join('; ')}`);
  }
  out.push(`${access.user} may always read and change their own user (SelectUser / UpdateUser on User ${access.user}).`);
  if (access.ineffective.length > 0) {
    out.push('grants that give nothing:');
    for (const i of access.ineffective) out.push(ineffectiveLine(i));
  }
  return `${out.join('\n')}\n`;
}

export function explainJson(access: EffectiveAccess): object {
  return {
    formatVersion: JSON_FORMAT_VERSION,
    user: access.user,
    unconditional: access.unconditional,
    roles: access.roles,
    privileges: groupEntries(access.entries),
    ineffective: access.ineffective,
    // Only when there is something to say, so answers from a policy keep their shape.
    ...(access.builtinGroupDifferences ? { builtinGroupDifferences: access.builtinGroupDifferences } : {}),
    ...(access.notes ? { notes: access.notes } : {}),
  };
}

export function renderWhoCanText(answer: WhoCanAnswer): string {
  const q = answer.query;
  const out: string[] = [`who can ${q.privilege} on ${q.objectType} ${q.objectName} in db ${q.dbName}:`];
  out.push(...(answer.notes ?? []));
  out.push(`users (${answer.users.length}):`);
  for (const u of [...answer.users].sort((a, b) => byText(a.user, b.user))) {
    if (u.because === 'root') out.push(`  ${u.user}  (root user: bypasses privilege checks, as common.security.rootShouldBindRole is false)`);
    else if (u.because === 'admin') out.push(`  ${u.user}  (admin role: always allowed)`);
    else if (u.because === 'self') out.push(`  ${u.user}  (acting on their own user)`);
    else {
      out.push(`  ${u.user}`);
      for (const p of u.paths) out.push(`    <- ${describePath(p)}`);
    }
  }
  out.push(`roles (${answer.roles.length}):`);
  for (const r of [...answer.roles].sort((a, b) => byText(a.role, b.role))) {
    if (r.unconditional) {
      out.push(`  ${r.role}  (always allowed)`);
      continue;
    }
    out.push(`  ${r.role}`);
    for (const p of r.paths) out.push(`    <- grant ${describeGrant(p.grant)}${p.via.length ? ` (via ${p.via.join(' > ')})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

export function whoCanJson(answer: WhoCanAnswer): object {
  return answer;
}
