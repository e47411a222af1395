import type { AccessIndex } from '../model/access.js';
import type { BuiltinGroupMembers } from '../model/access-policies.js';
import { findBuiltinGroup, findPrivilege } from '../model/catalogue.js';
import { catalogueAt } from '../model/catalogue-at-version.js';
import type { MilvusVersion } from '../model/versions.js';

/**
 * How a live server's built-in groups differ from the tool's catalogue for its version. Effective
 * access follows the server (it expands grants with its own lists); saying so keeps a reader from
 * trusting a catalogue the server does not use.
 */

export interface BuiltinGroupDifference {
  readonly group: string;
  /** Members the server lists and the catalogue does not, in the server's order. */
  readonly added: readonly string[];
  /** Members the catalogue has and the server does not list, in the catalogue's order. */
  readonly missing: readonly string[];
}

/**
 * Every built-in group the server lists whose members are not the catalogue's (order ignored), in
 * the catalogue's order. A group the server does not list is not a difference: access falls back
 * to the catalogue for it (AccessIndex), so nothing is claimed about it.
 */
export function builtinGroupDifferences(version: MilvusVersion, server: BuiltinGroupMembers): BuiltinGroupDifference[] {
  const out: BuiltinGroupDifference[] = [];
  for (const group of catalogueAt(version).builtinGroups) {
    const listed = server.get(group.name);
    if (!listed) continue;
    const known = new Set(group.privileges);
    const served = new Set(listed);
    const added = listed.filter((p) => !known.has(p));
    const missing = group.privileges.filter((p) => !served.has(p));
    if (added.length > 0 || missing.length > 0) out.push({ group: group.name, added, missing });
  }
  return out;
}

/** The differences behind an index built with a server's lists; none for the catalogue's own. */
export function serverGroupDifferences(index: AccessIndex): BuiltinGroupDifference[] {
  return index.builtinGroups ? builtinGroupDifferences(index.version, index.builtinGroups) : [];
}

/** The milvus.yaml key that sets a v2 group's members; legacy groups have none. */
export function milvusYamlKey(group: string): string | undefined {
  const info = findBuiltinGroup(group);
  if (!info || info.name !== group) return undefined;
  const kind = group.endsWith('ReadOnly') ? 'readonly' : group.endsWith('ReadWrite') ? 'readwrite' : 'admin';
  return `common.security.rbac.${info.level}.${kind}.privileges`;
}

/** One line for people, e.g. "Note: on this server ClusterReadOnly also has X and lacks Y (…)". */
export function describeGroupDifference(d: BuiltinGroupDifference): string {
  const parts: string[] = [];
  if (d.added.length > 0) parts.push(`also has ${d.added.join(', ')}`);
  if (d.missing.length > 0) parts.push(`lacks ${d.missing.join(', ')}`);
  const key = milvusYamlKey(d.group);
  const cause = key ? `milvus.yaml ${key} overrides it, or the release is one the tool does not know` : 'a release the tool does not know';
  // The tool cannot know on which object type the server checks a name it has never seen.
  const unknown = d.added.filter((p) => !findPrivilege(p));
  const unknownText = unknown.length > 0 ? `; ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} unknown to the tool and taken as Global` : '';
  return `Note: on this server ${d.group} ${parts.join(' and ')} (${cause}); effective access uses the server's lists${unknownText}`;
}
