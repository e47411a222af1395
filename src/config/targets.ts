import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parseDocument } from 'yaml';
import type { ConnectionFlags } from '../milvus/connection-settings.js';
import type { ServerSettings } from '../model/desired.js';
import type { ObjectLimits } from '../model/names.js';
import { MILVUS, PLATFORMS, platformFromAddress, ZILLIZ_FEATURES, ZILLIZ_TIERS } from '../model/platform.js';
import type { Platform, PlatformName, ZillizFeature, ZillizTier } from '../model/platform.js';

/**
 * Named targets, kept beside the policies in `rbac.config.yaml`: where each Milvus is, how to log
 * in (secrets only by environment variable or file, as everywhere), its limits and the policy
 * files that apply to it (a shared base plus its own). Paths are relative to the config file.
 */

type Secret = { readonly env: string } | { readonly file: string };

interface TargetSpec {
  readonly address?: string;
  readonly uri?: string;
  readonly token?: Secret;
  readonly user?: string;
  readonly password?: Secret;
  readonly tls?: boolean | { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly serverName?: string };
  readonly timeoutMs?: number;
  readonly limits?: Partial<ObjectLimits>;
  readonly policies?: readonly string[];
  readonly platform?: PlatformName;
  readonly settings?: ServerSettings;
  readonly zillizCloud?: { readonly tier?: ZillizTier; readonly enabled?: readonly ZillizFeature[] };
}

interface ConfigSpec {
  readonly version: 1;
  readonly policies?: readonly string[];
  readonly targets: Readonly<Record<string, TargetSpec>>;
}

export interface Target {
  readonly name: string;
  /** Connection flags as the command line gives them: secrets by variable name or file. */
  readonly connection: ConnectionFlags;
  readonly limits?: Partial<ObjectLimits>;
  /** The shared policies, then the target's own; absolute paths. */
  readonly policies: readonly string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const secret = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, file: { type: 'string', minLength: 1 } },
};
const paths = { type: 'array', items: { type: 'string', minLength: 1 } };

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'targets'],
  properties: {
    version: { const: 1 },
    policies: paths,
    targets: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          address: { type: 'string', minLength: 1 },
          uri: { type: 'string', minLength: 1 },
          token: secret,
          user: { type: 'string', minLength: 1 },
          password: secret,
          tls: {
            anyOf: [
              { type: 'boolean' },
              {
                type: 'object',
                additionalProperties: false,
                dependencies: { cert: ['key'], key: ['cert'] },
                properties: { ca: { type: 'string', minLength: 1 }, cert: { type: 'string', minLength: 1 }, key: { type: 'string', minLength: 1 }, serverName: { type: 'string', minLength: 1 } },
              },
            ],
          },
          timeoutMs: { type: 'integer', minimum: 1 },
          limits: { type: 'object', additionalProperties: false, properties: { maxUsers: { type: 'integer', minimum: 1 }, maxRoles: { type: 'integer', minimum: 2 } } },
          policies: paths,
          settings: {
            type: 'object',
            additionalProperties: false,
            description: "Server configuration no API reports, as a policy's target.settings (which wins key by key): docs/policy.md",
            properties: {
              rootShouldBindRole: { type: 'boolean' },
              enablePublicPrivilege: { type: 'boolean' },
              superUsers: { type: 'array', items: { type: 'string', minLength: 1 } },
            },
          },
          platform: { enum: [...PLATFORMS], description: 'zilliz-cloud: plan only what Zilliz Cloud accepts (docs/zilliz-cloud.md); detected from *.zillizcloud.com endpoints' },
          zillizCloud: {
            type: 'object',
            additionalProperties: false,
            properties: { tier: { enum: [...ZILLIZ_TIERS] }, enabled: { type: 'array', uniqueItems: true, items: { enum: [...ZILLIZ_FEATURES] } } },
          },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile<ConfigSpec>(CONFIG_SCHEMA);

/** The line of a path in the YAML document, for messages. */
function lineOf(doc: ReturnType<typeof parseDocument>, text: string, path: readonly (string | number)[]): number {
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0] ?? 0;
  return text.slice(0, offset).split('\n').length;
}

function platformOf(t: TargetSpec): Platform {
  if (t.platform !== 'zilliz-cloud') return MILVUS;
  const tier = t.zillizCloud?.tier ?? platformFromAddress(t.address ?? t.uri ?? '')?.tier ?? 'dedicated';
  return { name: 'zilliz-cloud', tier, enabled: [...(t.zillizCloud?.enabled ?? [])].sort() };
}

function tlsFlags(tls: Exclude<TargetSpec['tls'], boolean | undefined>, absolute: (p: string) => string): ConnectionFlags {
  return {
    tls: true,
    ...(tls.ca ? { caFile: absolute(tls.ca) } : {}),
    ...(tls.cert ? { certFile: absolute(tls.cert) } : {}),
    ...(tls.key ? { keyFile: absolute(tls.key) } : {}),
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
  };
}

export async function loadTargets(file: string): Promise<Target[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new ConfigError(`${file}: ${doc.errors[0]?.message ?? 'not YAML'}`);
  const spec: unknown = doc.toJS();
  if (!validate(spec)) {
    const problems = (validate.errors ?? []).map((e) => {
      const path = e.instancePath.split('/').slice(1);
      return `${file}:${lineOf(doc, text, path)}: ${e.instancePath || 'the config'} ${e.message ?? 'is not valid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`;
    });
    throw new ConfigError(problems.join('\n'));
  }
  const base = dirname(resolve(file));
  const absolute = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  return Object.entries(spec.targets).map(([name, t]) => {
    const address = t.address ?? t.uri;
    if (!address) throw new ConfigError(`${file}:${lineOf(doc, text, ['targets', name])}: target "${name}" needs an address (or uri)`);
    if (t.password && !t.user) throw new ConfigError(`${file}:${lineOf(doc, text, ['targets', name])}: target "${name}" gives a password but no user`);
    if (t.zillizCloud && t.platform !== 'zilliz-cloud') throw new ConfigError(`${file}:${lineOf(doc, text, ['targets', name, 'zillizCloud'])}: target "${name}": zillizCloud needs platform: zilliz-cloud`);
    const connection: ConnectionFlags = {
      address,
      ...(t.token ? ('env' in t.token ? { tokenEnv: t.token.env } : { tokenFile: absolute(t.token.file) }) : {}),
      ...(t.user ? { user: t.user } : {}),
      ...(t.password ? ('env' in t.password ? { passwordEnv: t.password.env } : { passwordFile: absolute(t.password.file) }) : {}),
      ...(t.tls === true ? { tls: true } : {}),
      ...(typeof t.tls === 'object' ? tlsFlags(t.tls, absolute) : {}),
      ...(t.timeoutMs ? { timeoutMs: t.timeoutMs } : {}),
      ...(t.platform ? { platform: platformOf(t) } : {}),
      ...(t.settings && Object.keys(t.settings).length > 0 ? { serverSettings: { ...t.settings, ...(t.settings.superUsers ? { superUsers: [...new Set(t.settings.superUsers)].sort() } : {}) } } : {}),
    };
    return { name, connection, ...(t.limits ? { limits: t.limits } : {}), policies: [...(spec.policies ?? []), ...(t.policies ?? [])].map(absolute) };
  });
}

/** The targets named (in the config's order), or all of them. */
export function selectTargets(targets: readonly Target[], names: readonly string[], all: boolean): Target[] {
  if (all) return [...targets];
  const unknown = names.filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length > 0) throw new ConfigError(`no target ${unknown.map((n) => `"${n}"`).join(', ')} in the config (targets: ${targets.map((t) => t.name).join(', ')})`);
  return targets.filter((t) => names.includes(t.name));
}
