import type { BuiltinGroupMembers } from '../model/access-policies.js';
import { isBuiltinGroupName } from '../model/catalogue.js';
import { checkResponse, fromThrown } from './errors.js';
import type { MilvusConnection } from './connection.js';
import { apiPrivilegeName } from './privilege-names.js';

/**
 * The built-in privilege groups as the server itself lists them. From 2.4.18 ListPrivilegeGroups
 * returns the nine v2 groups and the legacy ReadOnly / ReadWrite / Admin with their members, and
 * operators can change the v2 ones in milvus.yaml (common.security.rbac.{cluster,database,
 * collection}.{readonly,readwrite,admin}.privileges); that list, not the tool's catalogue, is what
 * the server expands grants with.
 */

interface ListedGroup {
  readonly group_name?: string;
  readonly privileges?: readonly { readonly name?: string }[];
}

const OPERATION = 'ListPrivilegeGroups';
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * One ListPrivilegeGroups call: every built-in group the server lists, by name, with its members
 * in the server's order (API names, prefixes removed; names the tool does not know are kept as
 * they are). Custom groups are left out. Undefined on versions without privilege groups. Throws
 * {@link import('./errors.js').MilvusCallError} when the call fails (e.g. PERMISSION_DENIED).
 */
export async function readBuiltinGroups(conn: MilvusConnection): Promise<BuiltinGroupMembers | undefined> {
  if (!conn.features.privilegeGroups) return undefined;
  let listed: readonly ListedGroup[];
  try {
    listed = checkResponse(await conn.client.listPrivilegeGroups(), OPERATION).privilege_groups ?? [];
  } catch (error) {
    throw fromThrown(error, OPERATION);
  }
  // Group names first, with no custom names yet: a built-in one may come as PrivilegeGroup<Name>.
  const named = listed.map((g) => ({ name: apiPrivilegeName(g.group_name ?? '', NO_NAMES), privileges: g.privileges ?? [] }));
  // Knowing the custom names keeps apiPrivilegeName from stripping a prefix that is part of one.
  const customNames = new Set(named.map((g) => g.name).filter((name) => name !== '' && !isBuiltinGroupName(name)));
  const groups = new Map<string, readonly string[]>();
  for (const group of named) {
    if (!isBuiltinGroupName(group.name)) continue;
    const members: string[] = [];
    for (const p of group.privileges) {
      const member = p.name ? apiPrivilegeName(p.name, customNames) : '';
      if (member !== '' && !members.includes(member)) members.push(member);
    }
    groups.set(group.name, members);
  }
  return groups;
}
