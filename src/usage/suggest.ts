import { canonicalState } from '../model/canonical.js';
import type { Grant, RbacState } from '../model/types.js';
import { formatVersion } from '../model/versions.js';
import type { MilvusVersion } from '../model/versions.js';
import { exportPolicy } from '../policy/export.js';
import type { DeniedCall, UsageReport, UsedCall } from './report.js';

/**
 * A least-privilege policy from observed use: per user, one role holding exactly the grants that
 * cover what the user did in the log, on the collections the log names (on every collection of
 * the database where the log does not say which), and nothing else.
 */

export interface SuggestOptions {
  /** Role names: prefix + user name. */
  readonly rolePrefix?: string;
  /** Also grant what was denied (what the users needed and lacked). */
  readonly includeDenied?: boolean;
  /** Written as target.minVersion when known. */
  readonly version?: MilvusVersion;
}

export interface Suggestion {
  readonly policy: string;
  /** Grants of the compared state that the window never used, per role. */
  readonly unused: readonly { readonly role: string; readonly grant: Grant }[];
  readonly roles: number;
  readonly grants: number;
}

/**
 * The grant covering a call. Where the log names no database, the one the compared state let
 * the call through in; without that, nothing is suggested (null).
 */
function grantFor(c: UsedCall | DeniedCall): Grant | null {
  const via = 'via' in c && c.via !== null && typeof c.via === 'object' ? c.via.grant : undefined;
  const dbName = c.database ?? via?.dbName ?? null;
  if (dbName === null) return null;
  if (c.objectType === 'Collection') return { objectType: 'Collection', objectName: c.collection ?? '*', dbName, privilege: c.privilege };
  if (c.objectType === 'User') return { objectType: 'User', objectName: '*', dbName, privilege: c.privilege };
  return { objectType: 'Global', objectName: '*', dbName, privilege: c.privilege };
}

const when = (iso: string | null): string => (iso ? iso.replace(/\.\d+Z$/, 'Z') : 'time unknown');

export function suggestPolicy(report: UsageReport, options: SuggestOptions): Suggestion {
  const prefix = options.rolePrefix ?? 'least_';
  const roles: RbacState['roles'][number][] = [];
  const users: RbacState['users'][number][] = [];
  const evidence: string[] = [];
  for (const u of report.users) {
    // Root and admins pass every check: nothing to learn from their calls. Anonymous calls have no user to give a role.
    if (!u.name || u.used.some((c) => c.via === 'root' || c.via === 'admin')) continue;
    // What public allows, every user has without a grant of its own.
    const needed = u.used.filter((c) => !c.publicCovers);
    const calls = [...needed.map((c) => ({ c, note: '' })), ...(options.includeDenied ? u.denied.map((c) => ({ c, note: ', denied in the log' })) : [])];
    if (calls.length === 0) continue;
    const role = `${prefix}${u.name}`;
    const grants = new Map<string, Grant>();
    for (const { c, note } of calls) {
      const g = grantFor(c);
      if (!g) {
        evidence.push(`#   ${role}: ${c.privilege}: ${c.seen.count} call${c.seen.count === 1 ? '' : 's'} (${c.methods.join(', ')}) not covered: the log names no database, and the compared state does not allow them anywhere`);
        continue;
      }
      grants.set(`${g.objectType}\u0000${g.dbName}\u0000${g.objectName}\u0000${g.privilege}`, g);
      const widened = c.objectType === 'Collection' && !c.collection ? ' (the log names no collection: every collection of the database)' : '';
      const object = c.objectType === 'Collection' ? `${g.dbName}.${c.collection ?? '*'}` : g.dbName;
      evidence.push(`#   ${role}: ${c.privilege} on ${object}: ${c.seen.count} call${c.seen.count === 1 ? '' : 's'} (${c.methods.join(', ')}), last ${when(c.seen.last)}${note}${widened}`);
    }
    if (grants.size === 0) continue;
    roles.push({ name: role, grants: [...grants.values()] });
    users.push({ name: u.name, roles: [role] });
  }
  const state = canonicalState({ users, roles, privilegeGroups: [] });
  const header = [
    '# Suggested by rbac suggest from the access log, least privilege: each user gets one role with',
    `# the grants that cover the calls seen from ${when(report.window.first)} to ${when(report.window.last)}, and nothing more.`,
    `# Compared with ${report.source}. Evidence:`,
    ...evidence.sort(),
    '#',
  ].join('\n');
  const body = exportPolicy(state, { ...(options.version ? { targetVersion: formatVersion(options.version) } : {}), preferForm: 'object' });
  const unused = report.roles.flatMap((r) => r.unused.map((grant) => ({ role: r.name, grant })));
  return { policy: `${header}\n${body}`, unused, roles: roles.length, grants: roles.reduce((n, r) => n + r.grants.length, 0) };
}
