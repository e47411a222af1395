import type { Grant, ObjectType, RbacState } from '../model/types.js';
import type { EmulatorSeed } from './server.js';

/**
 * The `--seed state.json` format: an RbacState (users, roles with grants, privilegeGroups) plus
 * optional `passwords` (user → password). See docs/emulator.md. Every problem is reported with
 * its JSON path; a bad seed starts nothing.
 */

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

const OBJECT_TYPES: readonly string[] = ['Global', 'Collection', 'User'];

function fail(path: string, what: string): never {
  throw new SeedError(`seed ${path}: ${what}`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'must be an object');
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') fail(path, 'must be a non-empty string');
  return value;
}

function grantOf(value: unknown, path: string): Grant {
  const g = record(value, path);
  const objectType = text(g.objectType, `${path}.objectType`);
  if (!OBJECT_TYPES.includes(objectType)) fail(`${path}.objectType`, `must be one of ${OBJECT_TYPES.join(', ')}`);
  return {
    objectType: objectType as ObjectType,
    objectName: g.objectName === undefined ? '*' : text(g.objectName, `${path}.objectName`),
    dbName: g.dbName === undefined ? 'default' : text(g.dbName, `${path}.dbName`),
    privilege: text(g.privilege, `${path}.privilege`),
  };
}

/** Parses the seed file's text. Errors never quote password values. */
export function parseSeed(json: string): EmulatorSeed {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new SeedError(`seed is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const top = record(raw, '$');
  const known = new Set(['users', 'roles', 'privilegeGroups', 'passwords', '$schema', 'description']);
  for (const key of Object.keys(top)) if (!known.has(key)) fail(`$.${key}`, `unknown key (expected ${[...known].join(', ')})`);
  const state: RbacState = {
    users: array(top.users, '$.users').map((u, i) => {
      const user = record(u, `$.users[${i}]`);
      return {
        name: text(user.name, `$.users[${i}].name`),
        roles: array(user.roles, `$.users[${i}].roles`).map((r, j) => text(r, `$.users[${i}].roles[${j}]`)),
      };
    }),
    roles: array(top.roles, '$.roles').map((r, i) => {
      const role = record(r, `$.roles[${i}]`);
      return {
        name: text(role.name, `$.roles[${i}].name`),
        grants: array(role.grants, `$.roles[${i}].grants`).map((g, j) => grantOf(g, `$.roles[${i}].grants[${j}]`)),
      };
    }),
    privilegeGroups: array(top.privilegeGroups, '$.privilegeGroups').map((g, i) => {
      const group = record(g, `$.privilegeGroups[${i}]`);
      return {
        name: text(group.name, `$.privilegeGroups[${i}].name`),
        privileges: array(group.privileges, `$.privilegeGroups[${i}].privileges`).map((p, j) =>
          text(p, `$.privilegeGroups[${i}].privileges[${j}]`),
        ),
      };
    }),
  };
  const passwords: Record<string, string> = {};
  if (top.passwords !== undefined) {
    for (const [user, value] of Object.entries(record(top.passwords, '$.passwords'))) {
      if (typeof value !== 'string') fail(`$.passwords.${user}`, 'must be a string');
      passwords[user] = value;
    }
  }
  return { state, passwords };
}
