import { grantEffect } from '../explain/effective.js';
import type { EffectiveEntry } from '../explain/effective.js';
import { describeGrant } from '../explain/render.js';
import { AccessIndex, NEWEST_RULES_VERSION } from '../model/access.js';
import { ALL_PRIVILEGE, ANY, LEGACY_PRIVILEGE_GROUPS } from '../model/catalogue.js';
import { compareGrants, grantKey } from '../model/canonical.js';
import type { DesiredState } from '../model/desired.js';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { Grant } from '../model/types.js';
import type { PolicyLocator } from '../policy/locate.js';
import type { MilvusVersion } from '../model/versions.js';

/**
 * Policy lints: things Milvus accepts but a reviewer should look at twice. Every finding is a
 * warning; `rbac lint --strict` turns their presence into a failing exit code.
 */

export type LintCode =
  | 'broad-grant'
  | 'role-without-users'
  | 'user-without-roles'
  | 'redundant-grant'
  | 'no-effect'
  | 'wider-than-written'
  | 'unused-grant';

export interface LintSubject {
  readonly kind: 'user' | 'role' | 'grant';
  /** The user or role name (for a grant: its role). */
  readonly name: string;
  readonly grant?: Grant;
}

export interface LintFinding {
  readonly code: LintCode;
  readonly severity: 'warning';
  readonly message: string;
  readonly subject: LintSubject;
}

export interface LintOptions {
  /** Whose rules decide what a grant does (default: the newest known). */
  readonly version?: MilvusVersion;
  /** `rbac usage --format json` of an access log: grants it never saw used are findings. */
  readonly usage?: UsageEvidence;
}

/** What the unused-grant rule reads of a usage report. */
export interface UsageEvidence {
  readonly window: { readonly first: string | null; readonly last: string | null };
  readonly lines: { readonly access: number };
  readonly roles: readonly { readonly name: string; readonly unused: readonly Grant[] }[];
}

/** Grants of the policy that the access log's window never used. */
function unusedGrants(desired: DesiredState, usage: UsageEvidence): LintFinding[] {
  const unused = new Set(usage.roles.flatMap((r) => r.unused.map((g) => `${r.name}\u0000${grantKey(g)}`)));
  const window = `${usage.window.first ?? '?'} to ${usage.window.last ?? '?'}`;
  return desired.state.roles.flatMap((role) =>
    role.grants
      .filter((g) => unused.has(`${role.name}\u0000${grantKey(g)}`))
      .map((g) => grantFinding('unused-grant', role.name, g, `was never used in the access log from ${window} (${usage.lines.access} calls); take it away, or keep it and accept it here`)),
  );
}

/** Names that hand out everything (or everything of a cluster) at once. */
const BROAD_NAMES = new Set([ALL_PRIVILEGE, ANY, 'ClusterAdmin', 'Admin']);
const LEGACY_NAMES = new Set<string>(LEGACY_PRIVILEGE_GROUPS.map((g) => g.name));

function grantFinding(code: LintCode, role: string, grant: Grant, message: string): LintFinding {
  return { code, severity: 'warning', message: `role ${role}: grant ${describeGrant(grant)}: ${message}`, subject: { kind: 'grant', name: role, grant } };
}

function broadGrants(desired: DesiredState): LintFinding[] {
  const groups = new Map(desired.state.privilegeGroups.map((g) => [g.name, g.privileges]));
  const out: LintFinding[] = [];
  for (const role of desired.state.roles) {
    for (const grant of role.grants) {
      const name = grant.privilege;
      if (BROAD_NAMES.has(name)) {
        const what = name === ANY ? 'every privilege of the object' : name === ALL_PRIVILEGE ? 'every privilege in the database' : `the cluster-admin group ${name}`;
        out.push(grantFinding('broad-grant', role.name, grant, `grants ${what}; prefer the narrowest privileges or group that does the job`));
      } else if (name === 'DatabaseAdmin' && grant.dbName === ANY) {
        out.push(grantFinding('broad-grant', role.name, grant, 'grants DatabaseAdmin on every database'));
      } else {
        const inside = (groups.get(name) ?? []).filter((m) => BROAD_NAMES.has(m));
        if (inside.length > 0) {
          out.push(grantFinding('broad-grant', role.name, grant, `custom group ${name} contains ${inside.join(', ')}, which grants far more than its other members`));
        }
      }
    }
  }
  return out;
}

function membership(desired: DesiredState): LintFinding[] {
  const out: LintFinding[] = [];
  const bound = new Set(desired.state.users.flatMap((u) => u.roles));
  for (const role of desired.state.roles) {
    if (role.name === ADMIN_ROLE || role.name === PUBLIC_ROLE || bound.has(role.name)) continue;
    out.push({
      code: 'role-without-users',
      severity: 'warning',
      message: `role ${role.name} has no users in this policy: its grants reach nobody`,
      subject: { kind: 'role', name: role.name },
    });
  }
  // root needs no role while it bypasses the checks; once the policy says the server makes it
  // bind one (target.settings.rootShouldBindRole), a root without roles is as weak as anyone.
  const rootNeedsRoles = desired.serverSettings?.rootShouldBindRole === true;
  for (const user of desired.state.users) {
    if ((user.name === ROOT_USER && !rootNeedsRoles) || user.roles.length > 0) continue;
    out.push({
      code: 'user-without-roles',
      severity: 'warning',
      message: `user ${user.name} has no roles: it can do only what public allows${user.name === ROOT_USER ? ' (target.settings.rootShouldBindRole is true, so root no longer bypasses the checks)' : ''}`,
      subject: { kind: 'user', name: user.name },
    });
  }
  return out;
}

type Fact = Omit<EffectiveEntry, 'role'>;

/** Whether `wide` admits every request `narrow` admits (same privilege, equal or broader object). */
function factCovers(wide: Fact, narrow: Fact): boolean {
  if (wide.privilege !== narrow.privilege || wide.objectType !== narrow.objectType) return false;
  if (wide.dbName !== ANY && wide.dbName !== narrow.dbName) return false;
  if (wide.objectName !== ANY && wide.objectName !== narrow.objectName) return false;
  return !narrow.alsoUnnamedRequests || wide.alsoUnnamedRequests || wide.objectName === ANY;
}

/**
 * Grants whose every effect ONE other grant of the same role already gives (a group on the same
 * or a wider object). One covering grant, not a union of several: removing every flagged grant
 * then never loses access, because "covers" is an order and equal pairs keep their first grant.
 */
function redundantGrants(index: AccessIndex, desired: DesiredState): LintFinding[] {
  const out: LintFinding[] = [];
  for (const role of desired.state.roles) {
    const grants = [...role.grants].sort(compareGrants);
    const facts = grants.map((g) => grantEffect(index, g).entries);
    const covers = (by: number, of: number): boolean => facts[of]!.every((f) => facts[by]!.some((w) => factCovers(w, f)));
    // Only a grant with an effect covering a grant's first effect can cover it: that effect names
    // the same privilege and object type, and the same database and object or `*`. Indexed by
    // the whole tuple, a role of 10,000 grants on as many collections stays linear.
    const holders = new Map<string, number[]>();
    const keyOf = (f: Fact, db: string, object: string): string => `${f.privilege}\u0000${f.objectType}\u0000${db}\u0000${object}`;
    facts.forEach((list, j) => {
      for (const key of new Set(list.map((f) => keyOf(f, f.dbName, f.objectName)))) {
        const known = holders.get(key);
        if (known) known.push(j);
        else holders.set(key, [j]);
      }
    });
    grants.forEach((grant, i) => {
      const first = facts[i]![0];
      if (!first) return;
      const keys = new Set([keyOf(first, first.dbName, first.objectName), keyOf(first, first.dbName, ANY), keyOf(first, ANY, first.objectName), keyOf(first, ANY, ANY)]);
      const candidates = [...new Set([...keys].flatMap((key) => holders.get(key) ?? []))].sort((a, b) => a - b);
      const by = candidates.find((j) => j !== i && covers(j, i) && !(j > i && covers(i, j)));
      if (by === undefined) return;
      out.push(grantFinding('redundant-grant', role.name, grant, `already given by ${describeGrant(grants[by]!)}`));
    });
  }
  return out;
}

/** Grants, or parts of them, that Milvus stores but never matches, or matches more widely than written. */
function effectProblems(index: AccessIndex, desired: DesiredState): LintFinding[] {
  const out: LintFinding[] = [];
  for (const role of desired.state.roles) {
    for (const grant of role.grants) {
      const effect = grantEffect(index, grant);
      for (const p of effect.problems) {
        const part = p.via.length > 0 ? `${p.privilege} (inside ${p.via.join(' > ')}): ` : '';
        out.push(grantFinding('no-effect', role.name, grant, `${part}${p.reason}`));
      }
      if (grant.privilege === ANY && grant.objectType !== 'Global' && index.expandGrant(grant).some((p) => p.objectType === 'Global')) {
        out.push(
          grantFinding('no-effect', role.name, grant, `this Milvus version files \`*\` under Global objects, so it covers no ${grant.objectType} privilege`),
        );
      }
      if (grant.objectName !== ANY) {
        const widened = effect.entries.filter((e) => e.objectType === 'Global' && e.objectName === ANY && !LEGACY_NAMES.has(e.via.at(-1) ?? ''));
        const names = [...new Set(widened.map((e) => e.privilege))].sort();
        if (names.length > 0) {
          out.push(
            grantFinding(
              'wider-than-written',
              role.name,
              grant,
              `${names.join(', ')} ${names.length === 1 ? 'is a Global privilege and applies' : 'are Global privileges and apply'} to every object in db ${grant.dbName}, not only ${grant.objectName}`,
            ),
          );
        }
      }
    }
  }
  return out;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function lintPolicy(desired: DesiredState, options: LintOptions = {}): LintFinding[] {
  const index = new AccessIndex(desired.state, options.version ?? NEWEST_RULES_VERSION);
  const findings = [...broadGrants(desired), ...membership(desired), ...redundantGrants(index, desired), ...effectProblems(index, desired), ...(options.usage ? unusedGrants(desired, options.usage) : [])];
  return findings.sort((a, b) => byText(a.code, b.code) || byText(a.subject.name, b.subject.name) || byText(a.message, b.message));
}

/** Where a subject is written in the policy, when the loader can say (see docs/explain.md). */
export interface LintPosition {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export type LintLocator = (subject: LintSubject) => LintPosition | undefined;

/** Points a finding at its grant entry, else at the definition of its user or role. */
export function lintLocator(locator: PolicyLocator): LintLocator {
  return (subject) => {
    if (subject.kind === 'grant' && subject.grant) return locator.grant(subject.name, subject.grant) ?? locator.definition('role', subject.name);
    return locator.definition(subject.kind === 'grant' ? 'role' : subject.kind, subject.name);
  };
}

/** Findings with their place in the policy, for JSON output. */
export function locatedFindings(findings: readonly LintFinding[], locate: LintLocator): (LintFinding & { position?: LintPosition })[] {
  return findings.map((f) => {
    const position = locate(f.subject);
    return position ? { ...f, position } : f;
  });
}

/** `file:line:col: warning [code] message` when located, else `warning [code] message`. */
export function formatFinding(f: LintFinding, locate?: LintLocator): string {
  const at = locate?.(f.subject);
  const head = at ? `${at.file}:${at.line}:${at.column}: ` : '';
  return `${head}warning [${f.code}] ${f.message}`;
}
