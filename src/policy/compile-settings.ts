import type { ServerSettings } from '../model/desired.js';
import { checkUserName } from '../model/names.js';
import type { CompileContext } from './context.js';
import { requireVersion } from './context.js';
import { at } from './definitions.js';
import type { MergedPolicy } from './merge.js';

/**
 * `target.settings`: Milvus configuration that changes what root and `public` can do and that no
 * API reports, so the policy has to say it. Versions and keys from milvus-io/milvus
 * pkg/util/paramtable/component_param.go (docs/policy.md, `target.settings`).
 */

/** Where each setting first exists, and the milvus.yaml key that sets it there. */
const SINCE = {
  rootShouldBindRole: { version: '2.5.4', key: 'common.security.rootShouldBindRole' },
  // The key moved in 2.5.4; the older one still works there, so 2.4.3 is the real minimum.
  enablePublicPrivilege: { version: '2.4.3', key: 'proxy.enablePublicPrivilege (2.4.3+), common.security.enablePublicPrivilege (2.5.4+)' },
  superUsers: { version: '2.2.1', key: 'common.security.superUsers' },
} as const;

/** The declared settings, checked; undefined when the policy declares none. */
export function compileServerSettings(merged: MergedPolicy, ctx: CompileContext): ServerSettings | undefined {
  const target = merged.target;
  const spec = target?.value.settings;
  if (!target || !spec) return undefined;
  const where = (...path: (string | number)[]): ReturnType<typeof at> => at(target.origin, 'settings', ...path);
  const out: { rootShouldBindRole?: boolean; enablePublicPrivilege?: boolean; superUsers?: readonly string[] } = {};
  for (const name of ['rootShouldBindRole', 'enablePublicPrivilege'] as const) {
    const value = spec[name];
    if (value === undefined) continue;
    const since = SINCE[name];
    // Still compiled when too new: the error already fails the load, and the rest of the
    // policy gets checked as the author meant it.
    requireVersion(ctx, since.version, `target.settings.${name} (${since.key})`, ...where(name), true);
    out[name] = value;
  }
  if (spec.superUsers !== undefined) {
    requireVersion(ctx, SINCE.superUsers.version, `target.settings.superUsers (${SINCE.superUsers.key})`, ...where('superUsers'), true);
    const names = new Set<string>();
    spec.superUsers.forEach((name, i) => {
      // A name Milvus would refuse for a user can never be the caller, so it is a typo.
      const problem = name !== name.trim() ? 'starts or ends with spaces' : checkUserName(name);
      if (problem) ctx.reporter.error(...where('superUsers', i), { code: 'invalid-name', message: `superUsers: "${name}": ${problem}` });
      else names.add(name);
    });
    out.superUsers = [...names].sort();
  }
  // `settings: {}` says nothing: the same state, and the same hash, as no settings at all.
  return Object.keys(out).length > 0 ? out : undefined;
}
