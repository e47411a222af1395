import type { AccessQuery } from '../model/access.js';
import { ALL_PRIVILEGE, ANY, PRIVILEGES, findBuiltinGroup, findPrivilege, isBuiltinGroupName } from '../model/catalogue.js';
import { DEFAULT_DATABASE } from '../model/names.js';

/** Turns what a person types (`Search --collection c1 --db db1`) into one access question. */

export interface QueryInput {
  readonly privilege: string;
  readonly collection?: string;
  /** The user object, for User privileges (UpdateUser, SelectUser). */
  readonly userObject?: string;
  readonly db?: string;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
}

function closest(name: string): string | undefined {
  const lower = name.toLowerCase();
  return PRIVILEGES.find((p) => p.name.toLowerCase() === lower)?.name;
}

export function buildQuery(input: QueryInput): AccessQuery {
  const name = input.privilege.trim();
  if (name === ANY || name === ALL_PRIVILEGE) {
    throw new QueryError(`"${name}" is not one privilege: ask about a single privilege such as Search`);
  }
  if (isBuiltinGroupName(name) || findBuiltinGroup(name)) {
    throw new QueryError(`${name} is a privilege group: ask about one of its privileges (rbac explain lists them per user)`);
  }
  const info = findPrivilege(name);
  if (!info) {
    const hint = closest(name);
    throw new QueryError(`unknown privilege "${name}"${hint ? `; did you mean ${hint}?` : ''}`);
  }
  const dbName = input.db?.trim() || DEFAULT_DATABASE;
  if (info.objectType === 'Collection') {
    if (input.userObject !== undefined) throw new QueryError(`${name} is checked on collections: use --collection, not --object`);
    return { privilege: name, objectType: 'Collection', objectName: input.collection?.trim() || ANY, dbName };
  }
  if (info.objectType === 'User') {
    if (input.collection !== undefined) throw new QueryError(`${name} is checked on users: use --object <user>, not --collection`);
    return { privilege: name, objectType: 'User', objectName: input.userObject?.trim() || ANY, dbName };
  }
  if (input.userObject !== undefined) throw new QueryError(`${name} is not checked on users: drop --object`);
  // Some Global privileges (DescribeCollection) carry the collection name in the request.
  return { privilege: name, objectType: 'Global', objectName: input.collection?.trim() || ANY, dbName };
}
