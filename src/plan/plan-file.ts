import { readFile } from 'node:fs/promises';
import { writeAtomically } from '../write-atomically.js';
import { PHASE_ORDER } from '../model/operations.js';
import type { Operation, OperationKind, PasswordSource } from '../model/operations.js';
import type { Grant, ObjectType } from '../model/types.js';
import { PLAN_FORMAT_VERSION } from './types.js';
import type { Plan, PlanStep, UnmanagedObjects } from './types.js';

/**
 * Saved plans (`rbac plan --out plan.json`): written as the Plan itself, read back with every field
 * checked, so `rbac apply plan.json` never executes a file it does not fully understand. Extra
 * fields are ignored, which lets the output of `--format json` be used as a plan file too.
 */

export class PlanFileError extends Error {
  override readonly name = 'PlanFileError';
}

type Json = unknown;

class Reader {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new PlanFileError(`${this.source} is not a valid plan file: ${path ? `${path}: ` : ''}${problem}`);
  }

  object(value: Json, path: string): Record<string, Json> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'expected an object');
    return value as Record<string, Json>;
  }

  string(value: Json, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'expected a string');
    return value;
  }

  stringList(value: Json, path: string): string[] {
    if (!Array.isArray(value)) this.fail(path, 'expected a list of strings');
    return value.map((v, i) => this.string(v, `${path}[${i}]`));
  }

  integer(value: Json, path: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) this.fail(path, 'expected a positive integer');
    return value;
  }
}

const OBJECT_TYPES: readonly ObjectType[] = ['Global', 'Collection', 'User'];

function readGrant(r: Reader, value: Json, path: string): Grant {
  const o = r.object(value, path);
  const objectType = r.string(o.objectType, `${path}.objectType`);
  if (!OBJECT_TYPES.includes(objectType as ObjectType)) r.fail(`${path}.objectType`, `unknown object type "${objectType}"`);
  return {
    objectType: objectType as ObjectType,
    objectName: r.string(o.objectName, `${path}.objectName`),
    dbName: r.string(o.dbName, `${path}.dbName`),
    privilege: r.string(o.privilege, `${path}.privilege`),
  };
}

/** Only where a password comes from: a plan file holding anything else is refused. */
function readPasswordSource(r: Reader, value: Json, path: string): PasswordSource {
  const o = r.object(value, path);
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === 'env') return { env: r.string(o.env, `${path}.env`) };
  if (keys.length === 1 && keys[0] === 'file') return { file: r.string(o.file, `${path}.file`) };
  return r.fail(path, 'expected { env: NAME } or { file: PATH } (a plan never holds a password)');
}

function readOperation(r: Reader, value: Json, path: string): Operation {
  const o = r.object(value, path);
  const kind = r.string(o.kind, `${path}.kind`) as OperationKind;
  const s = (key: string): string => r.string(o[key], `${path}.${key}`);
  switch (kind) {
    case 'createPrivilegeGroup':
    case 'dropPrivilegeGroup':
      return { kind, group: s('group') };
    case 'addPrivilegesToGroup':
    case 'removePrivilegesFromGroup':
      return { kind, group: s('group'), privileges: r.stringList(o.privileges, `${path}.privileges`) };
    case 'createRole':
    case 'dropRole':
      return { kind, role: s('role') };
    case 'setRoleDescription':
      return { kind, role: s('role'), description: s('description') };
    case 'setUserDescription':
      return { kind, user: s('user'), description: s('description') };
    case 'grant':
    case 'revoke': {
      const form = s('form');
      if (form !== 'v1' && form !== 'v2') r.fail(`${path}.form`, `expected "v1" or "v2", got "${form}"`);
      return { kind, role: s('role'), grant: readGrant(r, o.grant, `${path}.grant`), form };
    }
    case 'createUser':
      return { kind, user: s('user'), password: readPasswordSource(r, o.password, `${path}.password`) };
    case 'updatePassword': {
      const password = readPasswordSource(r, o.password, `${path}.password`);
      if (o.oldPassword === undefined) return { kind, user: s('user'), password };
      return { kind, user: s('user'), password, oldPassword: readPasswordSource(r, o.oldPassword, `${path}.oldPassword`) };
    }
    case 'dropUser':
      return { kind, user: s('user') };
    case 'bindRole':
    case 'unbindRole':
      return { kind, user: s('user'), role: s('role') };
    default:
      return r.fail(`${path}.kind`, `unknown operation "${String(kind)}" (known: ${PHASE_ORDER.join(', ')})`);
  }
}

function readStep(r: Reader, value: Json, path: string): PlanStep {
  const o = r.object(value, path);
  const step: PlanStep = {
    id: r.string(o.id, `${path}.id`),
    phase: r.integer(o.phase, `${path}.phase`),
    operation: readOperation(r, o.operation, `${path}.operation`),
  };
  if (o.affectsOperator === undefined) return step;
  if (typeof o.affectsOperator !== 'boolean') r.fail(`${path}.affectsOperator`, 'expected true or false');
  return o.affectsOperator ? { ...step, affectsOperator: true } : step;
}

function readUnmanaged(r: Reader, value: Json): UnmanagedObjects {
  if (value === undefined) return { users: [], roles: [], privilegeGroups: [] };
  const o = r.object(value, 'unmanaged');
  return {
    users: r.stringList(o.users ?? [], 'unmanaged.users'),
    roles: r.stringList(o.roles ?? [], 'unmanaged.roles'),
    privilegeGroups: r.stringList(o.privilegeGroups ?? [], 'unmanaged.privilegeGroups'),
  };
}

/** Parses and checks a saved plan; `source` names it in errors. Throws PlanFileError. */
export function parsePlan(text: string, source = 'the plan'): Plan {
  const r = new Reader(source);
  let data: Json;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return r.fail('', `not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const o = r.object(data, '');
  if (o.formatVersion === undefined) r.fail('', 'no formatVersion (was it written by rbac plan --out?)');
  if (o.formatVersion !== PLAN_FORMAT_VERSION) {
    r.fail('formatVersion', `format version ${JSON.stringify(o.formatVersion)} is not supported: this rbac reads version ${PLAN_FORMAT_VERSION}; make the plan again with this rbac`);
  }
  const target = r.object(o.target, 'target');
  const rawSteps = o.steps;
  if (!Array.isArray(rawSteps)) return r.fail('steps', 'expected a list of steps');
  const steps = rawSteps.map((s: Json, i: number) => readStep(r, s, `steps[${i}]`));
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i] as PlanStep).phase < (steps[i - 1] as PlanStep).phase) r.fail(`steps[${i}].phase`, 'steps are not in phase order');
  }
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    toolVersion: r.string(o.toolVersion, 'toolVersion'),
    createdAt: r.string(o.createdAt, 'createdAt'),
    target: { address: r.string(target.address, 'target.address'), milvusVersion: r.string(target.milvusVersion, 'target.milvusVersion') },
    policyHash: r.string(o.policyHash, 'policyHash'),
    liveFingerprint: r.string(o.liveFingerprint, 'liveFingerprint'),
    steps,
    unmanaged: readUnmanaged(r, o.unmanaged),
    warnings: r.stringList(o.warnings ?? [], 'warnings'),
    digest: o.digest === undefined ? r.fail('digest', 'no digest (was it written by an older rbac plan? make the plan again)') : r.string(o.digest, 'digest'),
  };
}

/** The saved form: pretty JSON with a trailing newline (reviewable in a pull request). */
export function serialisePlan(plan: Plan): string {
  const { formatVersion, toolVersion, createdAt, target, policyHash, liveFingerprint, digest, steps, unmanaged, warnings } = plan;
  return `${JSON.stringify({ formatVersion, toolVersion, createdAt, target, policyHash, liveFingerprint, digest, steps, unmanaged, warnings }, null, 2)}\n`;
}

export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanFileError(`cannot read plan file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
  return parsePlan(text, path);
}

/** Written beside the target and renamed into place, so a crash never leaves half a plan. */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  try {
    await writeAtomically(path, serialisePlan(plan), 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanFileError(`cannot write plan file ${path}: ${code === 'ENOENT' ? 'no such directory' : (code ?? String(error))}`);
  }
}
