/**
 * JSON Schemas of every `--format json` output, written to schema/ by
 * `npx tsx src/schemas/write-outputs.ts` (a test checks the files are current and that the
 * tool's real outputs validate against them). Top-level fields are exact; nested records that
 * mirror the model (grants, states) are described field by field where readers depend on them.
 */

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer', minimum: 0 };
const strings = { type: 'array', items: str };
const formatVersion = { const: 1, description: 'Raised when a change could break a reader.' };

const grant: Schema = {
  type: 'object',
  required: ['objectType', 'objectName', 'dbName', 'privilege'],
  properties: { objectType: str, objectName: str, dbName: str, privilege: str },
  additionalProperties: false,
};

const diagnostic: Schema = {
  type: 'object',
  required: ['severity', 'file', 'line', 'column', 'message', 'code'],
  properties: { severity: { enum: ['error', 'warning'] }, file: str, line: int, column: int, message: str, hint: str, code: str },
  additionalProperties: false,
};

const finding: Schema = {
  type: 'object',
  required: ['code', 'severity', 'message', 'subject'],
  properties: {
    code: str,
    severity: { const: 'warning' },
    message: str,
    subject: { type: 'object', required: ['kind', 'name'], properties: { kind: { enum: ['user', 'role', 'grant'] }, name: str, grant } },
    position: { type: 'object', required: ['file', 'line', 'column'], properties: { file: str, line: int, column: int } },
  },
  additionalProperties: false,
};

const target: Schema = { type: 'object', required: ['address', 'milvusVersion'], properties: { address: str, milvusVersion: str }, additionalProperties: false };
const unmanaged: Schema = {
  type: 'object',
  required: ['users', 'roles', 'privilegeGroups'],
  properties: { users: strings, roles: strings, privilegeGroups: strings },
  additionalProperties: false,
};
const step: Schema = {
  type: 'object',
  required: ['id', 'phase', 'operation'],
  properties: { id: str, phase: { type: ['integer', 'string'] }, operation: { type: 'object', required: ['kind'], properties: { kind: str } }, affectsOperator: { type: 'boolean' } },
  additionalProperties: false,
};
const path: Schema = { type: 'object', required: ['role', 'grant', 'via'], properties: { role: str, grant, via: strings } };

const seen: Schema = {
  type: 'object',
  required: ['count', 'first', 'last'],
  additionalProperties: false,
  properties: { count: int, first: { type: ['string', 'null'] }, last: { type: ['string', 'null'] } },
};
const call = {
  type: 'object',
  required: ['privilege', 'objectType', 'database', 'collection', 'methods', 'seen'],
  additionalProperties: false,
  properties: { privilege: str, objectType: str, database: { type: ['string', 'null'] }, collection: { type: ['string', 'null'] }, methods: strings, seen },
} as const;

function schema(name: string, title: string, body: Schema): Schema {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: `output-${name}.schema.json`, title, ...body };
}

export const OUTPUT_SCHEMAS: Readonly<Record<string, Schema>> = {
  plan: schema('plan', 'rbac plan --format json (also rbac show --format json)', {
    type: 'object',
    required: ['formatVersion', 'toolVersion', 'createdAt', 'target', 'policyHash', 'liveFingerprint', 'digest', 'summary', 'changes', 'steps', 'unmanaged', 'warnings'],
    additionalProperties: false,
    properties: {
      formatVersion,
      toolVersion: str,
      createdAt: str,
      target,
      policyHash: str,
      liveFingerprint: str,
      digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
      summary: { type: 'object', required: ['add', 'change', 'destroy', 'steps'], properties: { add: int, change: int, destroy: int, steps: int }, additionalProperties: false },
      changes: {
        type: 'array',
        items: { type: 'object', required: ['kind', 'name', 'action', 'steps'], properties: { kind: { enum: ['privilegeGroup', 'role', 'user'] }, name: str, action: { enum: ['create', 'update', 'delete'] }, steps: strings }, additionalProperties: false },
      },
      steps: { type: 'array', items: step },
      unmanaged,
      warnings: strings,
      promotion: {
        description: 'With --compare-with: which steps are already live on the other target (docs/targets.md)',
        type: 'object',
        required: ['from', 'steps', 'live', 'missing'],
        additionalProperties: false,
        properties: {
          from: { type: 'object', required: ['name', 'address', 'milvusVersion'], properties: { name: str, address: str, milvusVersion: str }, additionalProperties: false },
          steps: int,
          live: int,
          missing: { type: 'array', items: { type: 'object', required: ['id', 'operation'], properties: { id: str, operation: { type: 'object', required: ['kind'], properties: { kind: str } } }, additionalProperties: false } },
        },
      },
    },
  }),
  doctor: schema('doctor', 'rbac doctor --format json', {
    type: 'object',
    required: ['formatVersion', 'address', 'server', 'caller', 'counts', 'limits', 'probes', 'writeProbe', 'leftBehind', 'builtinGroupDifferences', 'conclusions', 'targetSettings'],
    additionalProperties: false,
    properties: {
      formatVersion,
      address: str,
      server: {
        type: 'object',
        required: ['reported', 'description', 'milvusVersion', 'platform'],
        additionalProperties: false,
        properties: { reported: str, description: str, milvusVersion: str, platform: { enum: ['milvus', 'zilliz-cloud'] }, tier: { enum: ['dedicated', 'serverless', 'free'] } },
      },
      caller: {
        type: 'object',
        required: ['user', 'roles', 'passesEveryCheck', 'grants'],
        additionalProperties: false,
        properties: { user: { type: ['string', 'null'] }, roles: { type: ['array', 'null'], items: str }, passesEveryCheck: { type: ['boolean', 'null'] }, grants: strings },
      },
      counts: {
        type: 'object',
        required: ['users', 'roles', 'customPrivilegeGroups'],
        additionalProperties: false,
        properties: { users: { type: ['integer', 'null'] }, roles: { type: ['integer', 'null'] }, customPrivilegeGroups: { type: ['integer', 'null'] } },
      },
      limits: { type: 'object', required: ['maxUsers', 'maxRoles', 'source'], additionalProperties: false, properties: { maxUsers: int, maxRoles: int, source: str } },
      probes: {
        type: 'array',
        items: { type: 'object', required: ['name', 'call', 'answer'], additionalProperties: false, properties: { name: str, call: str, answer: { enum: ['supported', 'unsupported', 'denied', 'refused'] }, detail: str } },
      },
      writeProbe: { enum: ['run', 'not run'] },
      leftBehind: strings,
      builtinGroupDifferences: { type: 'array', items: { type: 'object', required: ['group', 'extra', 'missing'], additionalProperties: false, properties: { group: str, extra: strings, missing: strings } } },
      conclusions: strings,
      targetSettings: { type: 'string', description: 'The target: block to declare in the policy, as YAML' },
    },
  }),
  usage: schema('usage', 'rbac usage --format json', {
    type: 'object',
    required: ['formatVersion', 'source', 'window', 'lines', 'users', 'roles', 'unknownMethods'],
    additionalProperties: false,
    properties: {
      formatVersion,
      source: str,
      window: seen,
      lines: { type: 'object', required: ['read', 'access', 'unchecked'], additionalProperties: false, properties: { read: int, access: int, unchecked: int } },
      users: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'inState', 'roles', 'used', 'denied', 'unauthenticated'],
          additionalProperties: false,
          properties: {
            name: str,
            inState: { type: 'boolean' },
            roles: strings,
            used: { type: 'array', items: { ...call, required: [...call.required, 'via', 'publicCovers'], properties: { ...call.properties, publicCovers: { type: 'boolean', description: 'public allows these calls to every user' }, via: { description: 'The grant that let the calls through, "root" or "admin", or null when the compared state would not allow them', anyOf: [{ type: 'null' }, { enum: ['root', 'admin', 'self'] }, { type: 'object', required: ['role', 'grant', 'collectionGuessed'], additionalProperties: false, properties: { role: str, grant, collectionGuessed: { type: 'boolean' } } }] } } } },
            denied: { type: 'array', items: call },
            unauthenticated: int,
          },
        },
      },
      roles: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'users', 'used', 'unused'],
          additionalProperties: false,
          properties: { name: str, users: strings, used: { type: 'array', items: { type: 'object', required: ['grant', 'seen'], additionalProperties: false, properties: { grant, seen } } }, unused: { type: 'array', items: grant } },
        },
      },
      unknownMethods: { type: 'object', additionalProperties: int },
    },
  }),
  test: schema('test', 'rbac test --format json', {
    type: 'object',
    required: ['formatVersion', 'file', 'against', 'passed', 'failed', 'tests'],
    additionalProperties: false,
    properties: {
      formatVersion,
      file: str,
      against: str,
      passed: int,
      failed: int,
      tests: {
        type: 'array',
        items: { type: 'object', required: ['name', 'line', 'column', 'passed', 'failures'], additionalProperties: false, properties: { name: str, line: int, column: int, passed: { type: 'boolean' }, failures: strings } },
      },
    },
  }),
  fleet: schema('fleet', 'rbac plan, drift or apply with --target / --all-targets and --format json', {
    type: 'object',
    required: ['formatVersion', 'command', 'exitCode', 'targets'],
    additionalProperties: false,
    properties: {
      formatVersion,
      command: { enum: ['plan', 'drift', 'apply'] },
      exitCode: int,
      targets: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'address', 'exitCode', 'result'],
          additionalProperties: false,
          properties: { name: str, address: str, exitCode: int, result: { description: "The target's own output (output-plan, -drift or -apply) or its error (output-error)", type: ['object', 'null'] } },
        },
      },
      notAttempted: { ...strings, description: 'apply: targets not reached after one that did not finish' },
    },
  }),
  drift: schema('drift', 'rbac drift --format json', {
    type: 'object',
    required: ['formatVersion', 'target', 'policyHash', 'liveFingerprint', 'inSync', 'counts', 'steps', 'objects', 'unmanaged', 'waiting', 'outsideMembers'],
    additionalProperties: false,
    properties: {
      formatVersion,
      target,
      policyHash: str,
      liveFingerprint: str,
      inSync: { type: 'boolean' },
      counts: { type: 'object', required: ['privilegeGroup', 'role', 'user'], properties: { privilegeGroup: int, role: int, user: int }, additionalProperties: false },
      steps: int,
      objects: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'name', 'action', 'policy', 'milvus', 'fix'],
          properties: { kind: { enum: ['privilegeGroup', 'role', 'user'] }, name: str, action: { enum: ['create', 'update', 'delete'] }, policy: { type: ['object', 'null'] }, milvus: { type: ['object', 'null'] }, fix: strings },
          additionalProperties: false,
        },
      },
      unmanaged,
      waiting: strings,
      outsideMembers: { type: 'array', items: { type: 'object', required: ['user', 'role'], properties: { user: str, role: str }, additionalProperties: false } },
    },
  }),
  validate: schema('validate', 'rbac validate --format json', {
    type: 'object',
    required: ['formatVersion', 'valid', 'diagnostics'],
    additionalProperties: false,
    properties: {
      formatVersion,
      valid: { type: 'boolean' },
      files: strings,
      hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      summary: { type: 'object', required: ['users', 'roles', 'privilegeGroups', 'grants'], properties: { users: int, roles: int, privilegeGroups: int, grants: int }, additionalProperties: false },
      diagnostics: { type: 'array', items: diagnostic },
      lint: { type: 'array', items: finding },
    },
  }),
  lint: schema('lint', 'rbac lint --format json', {
    type: 'object',
    required: ['formatVersion', 'files', 'findings', 'accepted', 'disabled'],
    additionalProperties: false,
    properties: { formatVersion, files: strings, findings: { type: 'array', items: finding }, accepted: int, disabled: int },
  }),
  explain: schema('explain', 'rbac explain user --format json', {
    type: 'object',
    required: ['formatVersion', 'user', 'unconditional', 'roles', 'privileges', 'ineffective'],
    additionalProperties: false,
    properties: {
      formatVersion,
      user: str,
      unconditional: { type: ['string', 'null'] },
      roles: strings,
      privileges: {
        type: 'array',
        items: {
          type: 'object',
          required: ['dbName', 'objectType', 'objectName', 'privilege', 'paths'],
          properties: { dbName: str, objectType: str, objectName: str, privilege: str, alsoUnnamedRequests: { type: 'boolean' }, paths: { type: 'array', items: path } },
        },
      },
      ineffective: { type: 'array' },
      builtinGroupDifferences: { type: 'array' },
      notes: strings,
    },
  }),
  'who-can': schema('who-can', 'rbac who-can --format json', {
    type: 'object',
    required: ['formatVersion', 'query', 'users', 'roles'],
    additionalProperties: false,
    properties: {
      formatVersion,
      query: { type: 'object', required: ['privilege', 'objectType', 'objectName', 'dbName'], properties: { privilege: str, objectType: str, objectName: str, dbName: str } },
      users: { type: 'array', items: { type: 'object', required: ['user', 'because', 'paths'], properties: { user: str, because: str, paths: { type: 'array', items: path } } } },
      roles: { type: 'array', items: { type: 'object', required: ['role'], properties: { role: str } } },
      builtinGroupDifferences: { type: 'array' },
      notes: strings,
    },
  }),
  apply: schema('apply', 'rbac apply --format json', {
    type: 'object',
    required: ['formatVersion', 'status', 'steps', 'done', 'failed', 'notAttempted', 'retries', 'durations', 'verification', 'refusals', 'warnings', 'exitCode'],
    additionalProperties: false,
    properties: {
      formatVersion,
      status: { enum: ['applied', 'no-changes', 'failed', 'interrupted', 'refused', 'cancelled', 'verification-failed', 'error'] },
      target,
      operator: str,
      steps: { type: 'object', required: ['total', 'done', 'failed', 'notAttempted'], properties: { total: int, done: int, failed: int, notAttempted: int }, additionalProperties: false },
      done: { type: 'array', items: { type: 'object', required: ['id', 'operation'], properties: { id: str, operation: str } } },
      failed: { type: 'array', items: { type: 'object', required: ['id', 'operation', 'error'], properties: { id: str, operation: str, error: { type: 'object', required: ['kind', 'code', 'reason'], properties: { kind: str, code: str, reason: str } } } } },
      notAttempted: { type: 'array', items: { type: 'object', required: ['id', 'operation'], properties: { id: str, operation: str } } },
      retries: int,
      durations: { type: 'object', required: ['totalMs', 'phases'], properties: { totalMs: { type: 'number' }, phases: { type: 'array' } } },
      verification: { type: ['object', 'null'] },
      refusals: { type: 'array', items: { type: 'object', required: ['guard', 'message'], properties: { guard: str, message: str, stepId: str } } },
      warnings: strings,
      diagnostics: strings,
      error: str,
      errorKind: { enum: ['invalid-input', 'connection', 'credentials', 'refused', 'failed', 'internal', 'interrupted'] },
      fix: str,
      exitCode: int,
    },
  }),
  error: schema('error', 'The error object any --format json run prints instead of its result (docs/exit-codes.md)', {
    type: 'object',
    required: ['formatVersion', 'error'],
    additionalProperties: false,
    properties: {
      formatVersion,
      error: {
        type: 'object',
        required: ['kind', 'exitCode', 'message'],
        additionalProperties: false,
        properties: { kind: { enum: ['invalid-input', 'connection', 'credentials', 'refused', 'failed', 'internal', 'interrupted'] }, exitCode: int, message: str, fix: str, diagnostics: strings },
      },
    },
  }),
};
