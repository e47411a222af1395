import { BUILTIN_GROUP_ALIASES, BUILTIN_GROUP_NAMES, SINGLE_PRIVILEGE_NAMES } from './privileges.js';

/**
 * The JSON Schema of a policy file (draft-07, the dialect YAML editors understand best).
 * schema/policy.schema.json is this object written out (`npx tsx src/policy/write-schema.ts`);
 * a test keeps the two identical. The loader validates with this object, so the published schema
 * and the checks the loader runs cannot drift apart.
 *
 * Union types use if/then/else rather than oneOf so that a mistake yields one clear error from the
 * branch the author meant, not a list of errors from every branch.
 */

type JsonSchema = Record<string, unknown>;

export const POLICY_FORMAT_VERSION = 1;

const nameString = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description });

/** A value that may be written as one string or as a list of strings. */
function oneOrMany(item: JsonSchema, description: string): JsonSchema {
  return {
    description,
    if: { type: 'string' },
    then: item,
    else: { type: 'array', items: item, minItems: 1 },
  };
}

const privilegeName: JsonSchema = {
  description:
    'A built-in privilege (Search), a built-in privilege group by its name (CollectionReadOnly) or short alias (COLL_RO), or a custom privilege group defined under privilegeGroups.',
  anyOf: [
    { enum: [...SINGLE_PRIVILEGE_NAMES, ...BUILTIN_GROUP_NAMES, ...BUILTIN_GROUP_ALIASES] },
    { type: 'string', minLength: 1 },
  ],
};

const databaseName = nameString('A database name, or `*` for every database (cluster-wide, Milvus >= 2.4.18).');

// Shared pieces live once under `definitions`: inlined, the privilege enum appeared ~17 times
// and compiling the schema dominated `rbac validate`'s start-up.
const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });

const privilegesField = oneOrMany(ref('privilegeName'), 'One privilege or a list; each is combined with every database and collection or object name of the grant.');
const databasesField = oneOrMany(databaseName, 'One database or a list. Default: `default`.');

const v2Grant: JsonSchema = {
  type: 'object',
  description:
    'A grant by level (OperatePrivilegeV2, Milvus >= 2.4.18). The level is inferred from the privileges when omitted. Expands to every combination of privileges x databases x collections.',
  additionalProperties: false,
  properties: {
    privileges: privilegesField,
    privilege: privilegesField,
    level: {
      enum: ['cluster', 'database', 'collection'],
      description:
        'cluster: the whole instance (database and collection `*`); database: every collection of the databases; collection: the named collections. Default: the level of the privileges.',
    },
    databases: databasesField,
    database: databasesField,
    collections: oneOrMany(nameString('A collection name or `*` for every collection of the database.'), 'Collections, for level collection. `*` means every collection.'),
    collection: oneOrMany(nameString('A collection name or `*` for every collection of the database.'), 'Collections, for level collection. `*` means every collection.'),
  },
};

const v1Grant: JsonSchema = {
  type: 'object',
  description:
    'A grant on an object (OperatePrivilege, every Milvus version). Expands to every combination of privileges x object names x databases.',
  additionalProperties: false,
  required: ['object'],
  properties: {
    object: {
      enum: ['Global', 'Collection', 'User'],
      description: 'The object type. Global: instance-wide privileges (object name `*`); Collection: a collection; User: a user.',
    },
    objectNames: oneOrMany(nameString('A collection name, a user name, or `*`.'), 'Object names. Default `*`; Global requires `*`.'),
    objectName: oneOrMany(nameString('A collection name, a user name, or `*`.'), 'Object names. Default `*`; Global requires `*`.'),
    privileges: privilegesField,
    privilege: privilegesField,
    databases: databasesField,
    database: databasesField,
  },
};

const grant: JsonSchema = {
  description: 'One grant entry: written by object type (`object:`) or by level (no `object:`).',
  type: 'object',
  if: { type: 'object', required: ['object'], properties: { object: true } },
  then: v1Grant,
  else: v2Grant,
};

const grantList: JsonSchema = { type: 'array', items: ref('grant'), description: 'Grant entries.' };

const nameMatcher: JsonSchema = {
  description:
    'Which objects of this kind the policy owns. `all`, or any of names / prefixes / patterns. Default: only the objects this policy defines.',
  if: { type: 'string' },
  then: { enum: ['all'], description: '`all`: every object of this kind (protected built-ins still need explicit mention).' },
  else: {
    type: 'object',
    additionalProperties: false,
    properties: {
      all: { type: 'boolean', description: 'Own every object of this kind.' },
      names: { type: 'array', items: nameString('An exact name.'), description: 'Exact names.' },
      prefixes: { type: 'array', items: nameString('A name prefix.'), description: 'Names starting with one of these.' },
      patterns: {
        type: 'array',
        items: nameString('A glob: `*` any run of characters, `?` one character.'),
        description: 'Globs: `*` matches any run of characters, `?` one character.',
      },
      protect: {
        type: 'array',
        items: nameString('An exact name or a glob.'),
        description:
          'Names or globs never dropped, also when the policy stops defining them: protection kept apart from the entries, so removing an entry cannot remove it.',
      },
    },
  },
};

const passwordSource: JsonSchema = {
  description:
    'Where the password comes from when the user is created or updatePassword is set. A literal password is not allowed in a policy.',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Name of an environment variable holding the password.' },
    file: nameString('Path of a file holding the password (relative paths are relative to the policy file).'),
  },
};

const include: JsonSchema = {
  description: 'A grant set to add to the role: its name, or its name with databases for grants that name none.',
  if: { type: 'string' },
  then: nameString('Name of a grant set.'),
  else: {
    type: 'object',
    additionalProperties: false,
    required: ['grantSet'],
    properties: {
      grantSet: nameString('Name of a grant set.'),
      databases: databasesField,
      database: databasesField,
    },
  },
};

const protect = { type: 'boolean', description: 'Never drop this object, whatever the scope says. Default false.' };
const description = {
  type: 'string',
  maxLength: 1024,
  description: 'Milvus 2.6.19+: the description the server keeps (at most 1024 bytes; "" clears it). Without this key the server\'s description is left as it is.',
};

const role: JsonSchema = {
  description: 'A role and its full set of grants. An empty entry declares a role without grants.',
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    grants: grantList,
    include: { type: 'array', items: include, description: 'Grant sets whose grants this role also holds.' },
    protect,
    description,
    keepOutsideMembers: {
      type: 'boolean',
      description: 'Leave bound the users outside the policy (outside scope.users) that are bound to this role. Default false: a role the policy defines owns its members, and plan unbinds the others.',
    },
  },
};

const user: JsonSchema = {
  description: 'A user and the roles bound to it (every user also has `public` implicitly).',
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    roles: { type: 'array', items: nameString('A role name.'), description: 'Roles bound to the user.' },
    password: passwordSource,
    updatePassword: {
      type: 'boolean',
      description:
        'Keep the existing user\'s password equal to `password`: plan logs in as the user with it and changes the password only when the login fails. Default false.',
    },
    oldPassword: {
      ...passwordSource,
      description:
        'Where the current password is read when updatePassword must change it (Milvus asks for it), unless the operator is one of target.settings.superUsers.',
    },
    protect,
    description,
  },
};

const privilegeGroup: JsonSchema = {
  description: 'A custom privilege group (Milvus >= 2.4.18): a named set of privileges of one level.',
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    privileges: {
      type: 'array',
      items: { enum: SINGLE_PRIVILEGE_NAMES, description: 'A built-in single privilege.' },
      description: 'Member privileges; all of one level (cluster, database or collection).',
    },
    protect,
  },
};

// Settings no Milvus API reports: declared so lock-out protection, explain and export reason
// about the server as it is configured, not as Milvus's defaults would have it.
const serverSettings: JsonSchema = {
  type: 'object',
  description: 'Milvus configuration that changes what root and public can do and that the tool cannot read from the server. Declare what milvus.yaml sets; absent keys mean Milvus\'s defaults.',
  additionalProperties: false,
  properties: {
    rootShouldBindRole: {
      type: 'boolean',
      description: 'common.security.rootShouldBindRole (Milvus >= 2.5.4, default false). true: root is checked like any user (its roles plus public; bind it to admin for full access).',
    },
    enablePublicPrivilege: {
      type: 'boolean',
      description: 'common.security.enablePublicPrivilege (Milvus >= 2.5.4; proxy.enablePublicPrivilege from 2.4.3; default true). false: Milvus does not give public its default grants at start-up.',
    },
    superUsers: {
      type: 'array',
      items: nameString('A user name.'),
      description: 'common.security.superUsers (default empty): users who may change a password without giving the old one. No other privilege.',
    },
  },
};

export function buildPolicySchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'milvus-rbac policy',
    description: 'Users, roles, privilege groups and grants a Milvus instance should have. See docs/policy.md.',
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    definitions: { privilegeName, grant },
    properties: {
      version: { enum: [POLICY_FORMAT_VERSION], description: 'Version of the policy format. Always 1 for now.' },
      target: {
        type: 'object',
        description: 'What the policy expects of the Milvus it is applied to.',
        additionalProperties: false,
        properties: {
          minVersion: {
            type: 'string',
            pattern: '^v?\\d+\\.\\d+(\\.\\d+)?$',
            description: 'Oldest Milvus version the policy must work on, e.g. "2.5". Features newer than this are errors.',
          },
          platform: {
            enum: ['milvus', 'zilliz-cloud'],
            description: 'Where the Milvus API is served: self-hosted Milvus (default), or Zilliz Cloud, which refuses v1 grants, grants only its built-in privilege groups by default and has its own built-in roles, limits and name and password rules (docs/zilliz-cloud.md).',
          },
          zillizCloud: {
            type: 'object',
            additionalProperties: false,
            description: 'With platform: zilliz-cloud. The cluster\'s plan, and the features Zilliz enabled for the organisation on request.',
            properties: {
              tier: { enum: ['dedicated', 'serverless', 'free'], description: 'Users and roles exist on Dedicated (and BYOC) clusters only; plan and apply refuse the others. Default: dedicated, or serverless for a *.serverless.* endpoint.' },
              enabled: {
                type: 'array',
                uniqueItems: true,
                items: { enum: ['customPrivilegeGroups', 'individualPrivileges'] },
                description: 'customPrivilegeGroups: custom privilege groups may be defined and granted. individualPrivileges: single privileges (Search, Insert…) may be granted, not only groups.',
              },
            },
          },
          limits: {
            type: 'object',
            description: 'The target server limits, when raised from Milvus defaults. Exceeding a declared limit is an error.',
            additionalProperties: false,
            properties: {
              maxUsers: { type: 'integer', minimum: 1, description: 'proxy.maxUserNum of the server (default 100, root counts).' },
              maxRoles: { type: 'integer', minimum: 1, description: 'proxy.maxRoleNum of the server (default 10, admin and public count).' },
            },
          },
          settings: serverSettings,
          serverPrivileges: {
            type: 'array',
            items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
            description:
              'Privileges the target server has that this tool does not know (a newer Milvus\'s). Grants by object may name them; nothing checks them. rbac export writes this list when it meets such a grant.',
          },
        },
      },
      scope: {
        type: 'object',
        description: 'The objects this policy owns; objects outside it are never changed or dropped.',
        additionalProperties: false,
        properties: { users: nameMatcher, roles: nameMatcher, privilegeGroups: nameMatcher },
      },
      databases: {
        type: 'array',
        items: databaseName,
        description: 'Databases grants may name. When present, a grant naming another database is an error (catches typos).',
      },
      // A section left empty (every entry commented out) is allowed: it defines nothing.
      privilegeGroups: { type: ['object', 'null'], additionalProperties: privilegeGroup, description: 'Custom privilege groups by name.' },
      grantSets: { type: ['object', 'null'], additionalProperties: grantList, description: 'Named lists of grants that roles include.' },
      roles: { type: ['object', 'null'], additionalProperties: role, description: 'Roles by name.' },
      users: { type: ['object', 'null'], additionalProperties: user, description: 'Users by name.' },
    },
  };
}
