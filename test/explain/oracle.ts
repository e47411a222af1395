import {
  BUILTIN_PRIVILEGE_GROUPS,
  LEGACY_PRIVILEGE_GROUPS,
  OBJECT_TYPE_PRIVILEGES,
  RELATED_PRIVILEGES,
} from '../../src/model/catalogue.js';
import type { Grant, ObjectType, RbacState } from '../../src/model/types.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { featuresOf } from '../../src/model/versions.js';

/**
 * A brute-force reference for effective access, written as a literal transliteration of the
 * server's model and deliberately NOT sharing code with src/model/access*.ts: grants become
 * policy strings `<Type>-<db>.<name>` exactly like the proxy's cache, and a request string is
 * matched against them with a real glob and the three-branch casbin matcher.
 */

export interface OracleQuery {
  readonly privilege: string;
  readonly objectType: ObjectType;
  readonly objectName: string;
  readonly dbName: string;
}

interface Line {
  readonly sub: string;
  readonly obj: string;
  readonly act: string;
  readonly grant: Grant;
}

function typeOfName(name: string): ObjectType {
  for (const type of ['Collection', 'User', 'Global'] as const) {
    if (OBJECT_TYPE_PRIVILEGES[type].includes(name)) return type;
  }
  return 'Global';
}

const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let out = '';
  for (const ch of pattern) out += ch === '*' ? '[^/]*' : ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${out}$`);
  compiled.set(pattern, re);
  return re;
}

const glob = (value: string, pattern: string): boolean => globToRegExp(pattern).test(value);

function dbPart(obj: string): string {
  const rest = obj.slice(obj.indexOf('-') + 1);
  return rest.includes('.') ? rest.split('.')[0]! : 'default';
}

function namePart(obj: string): string {
  const rest = obj.slice(obj.indexOf('-') + 1);
  return rest.includes('.') ? rest.split('.')[1]! : rest;
}

function linesOfGrant(state: RbacState, version: MilvusVersion, role: string, grant: Grant): Line[] {
  const features = featuresOf(version);
  const raw: { act: string; type: ObjectType; name: string; direct: boolean }[] = [];
  if (!features.privilegeGroups) {
    raw.push({ act: grant.privilege, type: grant.objectType, name: grant.objectName, direct: true });
  } else {
    const custom = state.privilegeGroups.find((g) => g.name === grant.privilege);
    const builtin = BUILTIN_PRIVILEGE_GROUPS.find((g) => g.name === grant.privilege);
    const members = custom ? custom.privileges : builtin ? builtin.members : null;
    const names = members ?? [grant.privilege];
    for (const m of names) {
      const type = typeOfName(m);
      raw.push({ act: m, type, name: type === 'Global' ? '*' : grant.objectName, direct: members === null });
    }
  }
  if (features.relatedPrivileges) {
    for (const r of [...raw]) {
      if (!r.direct) continue;
      for (const extra of RELATED_PRIVILEGES[r.act] ?? []) raw.push({ ...r, act: extra });
    }
  }
  return raw.map((r) => ({ sub: role, obj: `${r.type}-${grant.dbName}.${r.name}`, act: r.act, grant }));
}

function groupContains(version: MilvusVersion, requestAct: string, policyAct: string, requestObj: string, policyObj: string): boolean {
  if (policyAct === 'All') return true;
  if (!featuresOf(version).privilegeGroups) return false;
  const legacy = LEGACY_PRIVILEGE_GROUPS.find((g) => g.name === policyAct);
  if (!legacy) return false;
  if (legacy.name !== 'Admin') {
    const a = namePart(requestObj);
    const b = namePart(policyObj);
    if (!(a === '*' || b === '*' || a === b)) return false;
  }
  return legacy.members.includes(requestAct);
}

function lineAdmits(version: MilvusVersion, line: Line, role: string, obj: string, act: string): boolean {
  if (line.sub !== role) return false;
  if (glob(obj, line.obj) && glob(act, line.act)) return true;
  return dbPart(obj) === dbPart(line.obj) && groupContains(version, act, line.act, obj, line.obj);
}

function rolesOf(state: RbacState, user: string): string[] {
  return [...(state.users.find((u) => u.name === user)?.roles ?? []), 'public'];
}

/** The (role, grant) pairs through which `user` reaches the query; root/admin/self excluded. */
export function oracleGrantPaths(state: RbacState, version: MilvusVersion, user: string, q: OracleQuery): Set<string> {
  const obj = `${q.objectType}-${q.dbName}.${q.objectName}`;
  const out = new Set<string>();
  for (const role of rolesOf(state, user)) {
    for (const grant of state.roles.find((r) => r.name === role)?.grants ?? []) {
      const lines = linesOfGrant(state, version, role, grant);
      if (lines.some((l) => lineAdmits(version, l, role, obj, q.privilege))) out.add(pathKey(role, grant));
    }
  }
  return out;
}

export function pathKey(role: string, g: Grant): string {
  return `${role}|${g.dbName}|${g.objectType}|${g.objectName}|${g.privilege}`;
}

export function oracleAllowed(state: RbacState, version: MilvusVersion, user: string, q: OracleQuery): boolean {
  if (user === 'root') return true;
  if (q.objectType === 'User' && q.objectName === user) return true;
  if (rolesOf(state, user).includes('admin')) return true;
  return oracleGrantPaths(state, version, user, q).size > 0;
}

/** Every single privilege with the object type requests for it carry. */
export function requestablePrivileges(): { privilege: string; objectType: ObjectType }[] {
  const groupNames = new Set([...BUILTIN_PRIVILEGE_GROUPS.map((g) => g.name), ...LEGACY_PRIVILEGE_GROUPS.map((g) => g.name), 'All']);
  const out: { privilege: string; objectType: ObjectType }[] = [];
  for (const type of ['Collection', 'Global', 'User'] as const) {
    for (const p of OBJECT_TYPE_PRIVILEGES[type]) {
      if (groupNames.has(p)) continue;
      out.push({ privilege: p, objectType: type });
    }
  }
  return out;
}
