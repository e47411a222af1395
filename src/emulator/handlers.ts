import type { RbacBackup, RbacEngine } from '../engine/engine.js';
import { RbacError } from '../engine/errors.js';
import { DEFAULT_DATABASE } from '../model/names.js';
import type { ObjectType } from '../model/types.js';
import { successStatus } from './status.js';

/**
 * One function per served RPC: reads the request as the proto loader decodes it, calls the
 * engine, and builds the response. No RBAC rule lives here; the engine decides, this file only
 * translates between wire shapes and engine calls.
 */

export interface CallContext {
  readonly engine: RbacEngine;
  /** The authenticated user. */
  readonly caller: string;
  /** The `dbname` header the SDK sends (client.use); `default` when absent. */
  readonly dbName: string;
  /** What GetVersion answers. */
  readonly versionString: string;
  /** What Connect's server_info.build_tags holds: the version on Milvus, a product description on Zilliz Cloud. */
  readonly description: string;
  readonly startedAt: number;
  readonly superUsers: readonly string[];
}

/** A decoded request: plain nested objects (the loader's `defaults: true` fills absent scalars). */
export type Request = Readonly<Record<string, unknown>>;
export type Response = Record<string, unknown>;
export type Handler = (request: Request, ctx: CallContext) => Response;

function obj(value: unknown): Request | null {
  return value !== null && typeof value === 'object' ? (value as Request) : null;
}

/** The request's database, else the connection's (the SDK's `use`). */
function dbOf(req: Request, ctx: CallContext): string {
  return str(req.db_name) || ctx.dbName;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function nameOf(value: unknown): string {
  return str(obj(value)?.name);
}

function invalid(message: string): RbacError {
  return new RbacError('ParameterInvalid', message);
}

/** The SDK sends passwords base64-encoded; the proxy decodes them before any check. */
function decodePassword(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf8');
}

const ok = (): Response => ({ status: successStatus() });

function grantEntityOut(role: string, g: { objectType: string; objectName: string; dbName: string; privilege: string; grantor: string }): Response {
  return {
    role: { name: role, description: '' },
    object: { name: g.objectType },
    object_name: g.objectName,
    db_name: g.dbName,
    grantor: { user: { name: g.grantor }, privilege: { name: g.privilege } },
  };
}

export const HANDLERS: Readonly<Record<string, Handler>> = {
  Connect: (_req, ctx) => ({
    status: successStatus(),
    server_info: {
      build_tags: ctx.description,
      build_time: new Date(ctx.startedAt).toUTCString(),
      git_commit: 'emulator',
      go_version: 'none (milvus-rbac emulator, a test double, not Milvus)',
      deploy_mode: 'STANDALONE',
      reserved: {},
    },
    identifier: String(ctx.startedAt),
  }),

  GetVersion: (_req, ctx) => ({ status: successStatus(), version: ctx.versionString }),

  CheckHealth: () => ({ status: successStatus(), isHealthy: true, reasons: [], quota_states: [] }),

  ListDatabases: (_req, ctx) => {
    const names = ctx.engine.listDatabases();
    return { status: successStatus(), db_names: names, created_timestamp: names.map(() => String(ctx.startedAt)), db_ids: [] };
  },

  CreateDatabase: (req, ctx) => {
    ctx.engine.createDatabase(str(req.db_name));
    return ok();
  },

  DropDatabase: (req, ctx) => {
    ctx.engine.dropDatabase(str(req.db_name));
    return ok();
  },

  // Collections and aliases, only as far as grants need them (src/engine/collections.ts).
  CreateCollection: (req, ctx) => {
    ctx.engine.createCollection(dbOf(req, ctx), str(req.collection_name));
    return ok();
  },

  DropCollection: (req, ctx) => {
    ctx.engine.dropCollection(dbOf(req, ctx), str(req.collection_name));
    return ok();
  },

  RenameCollection: (req, ctx) => {
    const db = dbOf(req, ctx);
    ctx.engine.renameCollection(db, str(req.oldName), str(req.newDBName) || db, str(req.newName));
    return ok();
  },

  ShowCollections: (req, ctx) => {
    const names = ctx.engine.listCollections(dbOf(req, ctx));
    return {
      status: successStatus(),
      collection_names: names,
      collection_ids: names.map((_, i) => String(i + 1)),
      created_timestamps: names.map(() => String(ctx.startedAt)),
      created_utc_timestamps: names.map(() => String(ctx.startedAt)),
      inMemory_percentages: names.map(() => '0'),
      query_service_available: names.map(() => false),
    };
  },

  CreateAlias: (req, ctx) => {
    ctx.engine.createAlias(dbOf(req, ctx), str(req.alias), str(req.collection_name));
    return ok();
  },

  AlterAlias: (req, ctx) => {
    ctx.engine.alterAlias(dbOf(req, ctx), str(req.alias), str(req.collection_name));
    return ok();
  },

  DropAlias: (req, ctx) => {
    ctx.engine.dropAlias(dbOf(req, ctx), str(req.alias));
    return ok();
  },

  DescribeAlias: (req, ctx) => {
    const db = dbOf(req, ctx);
    const alias = str(req.alias);
    const collection = ctx.engine.describeAlias(db, alias);
    if (collection === undefined) throw new RbacError('NotFound', `alias not found[database=${db}][alias=${alias}]`, { layer: 'proxy', typed: false });
    return { status: successStatus(), db_name: db, alias, collection };
  },

  ListAliases: (req, ctx) => {
    const db = dbOf(req, ctx);
    const collection = str(req.collection_name);
    return { status: successStatus(), db_name: db, collection_name: collection, aliases: ctx.engine.listAliases(db, collection || undefined) };
  },

  CreateCredential: (req, ctx) => {
    ctx.engine.createUser(str(req.username), decodePassword(str(req.password)), str(req.description));
    return ok();
  },

  UpdateCredential: (req, ctx) => {
    // 2.6.19+: a description without a new password changes only the description, unchecked.
    if (ctx.engine.features.descriptions && typeof req.description === 'string' && str(req.newPassword) === '') {
      ctx.engine.updateUserDescription(str(req.username), req.description);
      return ok();
    }
    // The proxy skips the current-password check for a caller in common.security.superUsers
    // (impl.go UpdateCredential, since 2.2.1).
    const oldPassword = ctx.superUsers.includes(ctx.caller) ? undefined : decodePassword(str(req.oldPassword));
    ctx.engine.updatePassword(str(req.username), oldPassword, decodePassword(str(req.newPassword)));
    if (ctx.engine.features.descriptions && typeof req.description === 'string') ctx.engine.updateUserDescription(str(req.username), req.description);
    return ok();
  },

  DeleteCredential: (req, ctx) => {
    ctx.engine.deleteUser(str(req.username));
    return ok();
  },

  ListCredUsers: (_req, ctx) => ({ status: successStatus(), usernames: ctx.engine.listUsers() }),

  CreateRole: (req, ctx) => {
    ctx.engine.createRole(nameOf(req.entity), str(obj(req.entity)?.description));
    return ok();
  },

  AlterRole: (req, ctx) => {
    ctx.engine.alterRole(str(req.role_name), str(req.description));
    return ok();
  },

  DropRole: (req, ctx) => {
    ctx.engine.dropRole(str(req.role_name), req.force_drop === true);
    return ok();
  },

  OperateUserRole: (req, ctx) => {
    const user = str(req.username);
    const role = str(req.role_name);
    if (req.type === 'RemoveUserFromRole') ctx.engine.unbindUser(user, role);
    else ctx.engine.bindUser(user, role);
    return ok();
  },

  SelectRole: (req, ctx) => {
    const withUsers = req.include_user_info === true;
    const results = ctx.engine.selectRoles(nameOf(req.role)).map((r) => ({
      role: { name: r.name, description: r.description },
      users: withUsers ? r.users.map((name) => ({ name })) : [],
    }));
    return { status: successStatus(), results };
  },

  SelectUser: (req, ctx) => {
    const withRoles = req.include_role_info === true;
    const results = ctx.engine.selectUsers(nameOf(req.user)).map((u) => ({
      user: { name: u.name },
      roles: withRoles ? u.roles.map((name) => ({ name, description: '' })) : [],
      description: u.description,
    }));
    return { status: successStatus(), results };
  },

  OperatePrivilege: (req, ctx) => {
    const entity = obj(req.entity);
    if (!entity) throw invalid('the entity in the request is nil');
    const grantor = obj(entity.grantor);
    const input = {
      role: nameOf(entity.role),
      objectType: nameOf(entity.object),
      objectName: str(entity.object_name),
      dbName: str(entity.db_name) || ctx.dbName,
      privilege: nameOf(grantor?.privilege),
    };
    if (req.type === 'Revoke') ctx.engine.revokeV1(input, ctx.caller);
    else ctx.engine.grantV1(input, ctx.caller);
    return ok();
  },

  OperatePrivilegeV2: (req, ctx) => {
    const input = {
      role: nameOf(req.role),
      privilege: nameOf(obj(req.grantor)?.privilege),
      dbName: str(req.db_name),
      collectionName: str(req.collection_name),
    };
    if (req.type === 'Revoke') ctx.engine.revokeV2(input, ctx.caller);
    else ctx.engine.grantV2(input, ctx.caller);
    return ok();
  },

  SelectGrant: (req, ctx) => {
    const entity = obj(req.entity);
    if (!entity) throw invalid('the entity in the request is nil');
    if (!obj(entity.role)) throw invalid('the role entity in the grant entity is nil');
    const role = nameOf(entity.role);
    const objectType = obj(entity.object) ? nameOf(entity.object) : undefined;
    const grants = ctx.engine.selectGrants(role, {
      dbName: str(entity.db_name) || ctx.dbName,
      ...(objectType !== undefined ? { objectType, objectName: str(entity.object_name) } : {}),
    });
    return { status: successStatus(), entities: grants.map((g) => grantEntityOut(role, g)) };
  },

  CreatePrivilegeGroup: (req, ctx) => {
    ctx.engine.createPrivilegeGroup(str(req.group_name));
    return ok();
  },

  DropPrivilegeGroup: (req, ctx) => {
    ctx.engine.dropPrivilegeGroup(str(req.group_name));
    return ok();
  },

  ListPrivilegeGroups: (_req, ctx) => ({
    status: successStatus(),
    privilege_groups: ctx.engine.listPrivilegeGroups().map((g) => ({
      group_name: g.name,
      privileges: g.privileges.map((name) => ({ name })),
    })),
  }),

  OperatePrivilegeGroup: (req, ctx) => {
    const group = str(req.group_name);
    const privileges = (Array.isArray(req.privileges) ? req.privileges : []).map(nameOf);
    if (req.type === 'RemovePrivilegesFromGroup') ctx.engine.removePrivilegesFromGroup(group, privileges);
    else ctx.engine.addPrivilegesToGroup(group, privileges);
    return ok();
  },

  BackupRBAC: (_req, ctx) => {
    const backup = ctx.engine.backup();
    return {
      status: successStatus(),
      RBAC_meta: {
        users: backup.users.map((u) => ({ user: u.name, password: u.passwordHash, roles: u.roles.map((name) => ({ name })) })),
        roles: backup.roles.map((name) => ({ name, description: '' })),
        grants: backup.grants.map((g) => grantEntityOut(g.role, g)),
        privilege_groups: backup.privilegeGroups.map((g) => ({
          group_name: g.name,
          privileges: g.privileges.map((name) => ({ name })),
        })),
      },
    };
  },

  RestoreRBAC: (req, ctx) => {
    ctx.engine.restore(backupFromWire(obj(req.RBAC_meta)));
    return ok();
  },
};

function list(value: unknown): Request[] {
  return Array.isArray(value) ? value.map(obj).filter((v): v is Request => v !== null) : [];
}

function backupFromWire(meta: Request | null): RbacBackup {
  return {
    users: list(meta?.users).map((u) => ({ name: str(u.user), passwordHash: str(u.password), roles: list(u.roles).map((r) => str(r.name)) })),
    roles: list(meta?.roles).map((r) => str(r.name)),
    grants: list(meta?.grants).map((g) => {
      const grantor = obj(g.grantor);
      return {
        role: nameOf(g.role),
        objectType: nameOf(g.object) as ObjectType,
        objectName: str(g.object_name),
        dbName: str(g.db_name) || DEFAULT_DATABASE,
        privilege: nameOf(grantor?.privilege),
        grantor: nameOf(grantor?.user),
      };
    }),
    privilegeGroups: list(meta?.privilege_groups).map((g) => ({
      name: str(g.group_name),
      privileges: list(g.privileges).map((p) => str(p.name)),
    })),
  };
}

/** Whether a method name is one the emulator serves. */
export function isServed(method: string): boolean {
  return Object.hasOwn(HANDLERS, method);
}
