import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/model/operations.js';
import { featuresOf } from '../../src/model/versions.js';
import type { VersionProfile } from '../../src/model/versions.js';
import { diffStates } from '../../src/plan/diff.js';
import { PlanError } from '../../src/plan/errors.js';
import { stepId } from '../../src/plan/order.js';
import { coll, desired, fresh, glob, versionOf } from './helpers.js';
import type { DesiredSpec, StateSpec } from './helpers.js';

function diff(liveSpec: StateSpec, want: DesiredSpec, profile: VersionProfile = '2.5', limits = { maxUsers: 100, maxRoles: 10 }): string[] {
  const result = diffStates({ live: fresh(liveSpec), desired: desired(want), features: featuresOf(versionOf(profile)), limits, versionLabel: `v${profile}` });
  return result.operations.map((o) => stepId(o.operation)).sort();
}

function operations(liveSpec: StateSpec, want: DesiredSpec, profile: VersionProfile = '2.5'): Operation[] {
  return diffStates({ live: fresh(liveSpec), desired: desired(want), features: featuresOf(versionOf(profile)) }).operations.map((o) => o.operation);
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof PlanError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a PlanError');
}

describe('diffStates: grant forms', () => {
  it('uses v1 for single privileges and v2 for groups and cluster-level grants where Milvus has v2', () => {
    const ops = operations({}, { roles: { r: [coll('books', 'Search'), glob('ClusterReadOnly', '*'), glob('ShowCollections', '*')] } }, '2.5');
    const forms = Object.fromEntries(ops.flatMap((o) => (o.kind === 'grant' ? [[o.grant.privilege, o.form]] : [])));
    expect(forms).toEqual({ Search: 'v1', ClusterReadOnly: 'v2', ShowCollections: 'v2' });
  });

  it('uses v1 for db * grants on Milvus without OperatePrivilegeV2 (2.3 stores them that way)', () => {
    // public's built-in grants live under db *: owning public and keeping one revokes the other two.
    const ops = operations({}, { roles: { public: [glob('ShowCollections', '*')] } }, '2.3');
    expect(ops.map((o) => (o.kind === 'revoke' ? `${o.grant.privilege}:${o.form}` : o.kind)).sort()).toEqual(['DescribeCollection:v1', 'IndexDetail:v1']);
  });

  it('refuses privilege groups on a Milvus without them, naming the version and the feature', () => {
    const found = problems(() => diff({}, { groups: { g: ['Search'] }, roles: { r: [glob('g', 'default', 'books'), glob('DatabaseReadOnly')] } }, '2.4'));
    expect(found.join('\n')).toMatch(/custom privilege groups \("g"\).*2\.4\.18.*v2\.4/);
    expect(found.join('\n')).toMatch(/DatabaseReadOnly to role "r".*OperatePrivilegeV2/);
  });
});

describe('diffStates: managed scope', () => {
  it('drops managed objects the policy does not define, revoking grants before dropping a role', () => {
    expect(diff({ users: { svc_old: [] }, roles: { team_old: [coll('books', 'Query')] }, groups: { grp_old: ['Search'] } }, {
      scope: { users: { prefixes: ['svc_'] }, roles: { prefixes: ['team_'] }, privilegeGroups: { prefixes: ['grp_'] } },
    })).toEqual(['dropPrivilegeGroup:grp_old', 'dropRole:team_old', 'dropUser:svc_old', 'revoke:team_old:default:Collection:books:Query']);
  });

  it('lists objects outside the scope and never changes them, nor their grants and bindings', () => {
    const live = fresh({ users: { bob: ['legacy'] }, roles: { legacy: [coll('books', 'Query')] }, groups: { manual: ['Query'] } });
    const result = diffStates({ live, desired: desired({ roles: { reader: [] } }), features: featuresOf(versionOf('2.5')) });
    expect(result.operations.map((o) => stepId(o.operation))).toEqual(['createRole:reader']);
    expect(result.unmanaged).toEqual({ users: ['bob'], roles: ['legacy'], privilegeGroups: ['manual'] });
  });

  it('never drops root, admin, public or protected roles, even with scope all', () => {
    expect(diff({ roles: { keep: [] }, users: {} }, { scope: { users: { all: true }, roles: { all: true } }, roles: { keep: [] }, protectedRoles: ['keep'] })).toEqual([]);
  });

  it('owns a defined role\'s grants and a defined user\'s bindings, but not the implicit public binding', () => {
    expect(diff({ users: { alice: ['old'] }, roles: { reader: [coll('books', 'Insert')], old: [] } }, {
      users: { alice: ['reader', 'public'] },
      roles: { reader: [coll('books', 'Search')] },
    })).toEqual(['bindRole:alice:reader', 'grant:reader:default:Collection:books:Search', 'revoke:reader:default:Collection:books:Insert', 'unbindRole:alice:old']);
  });

  it('updates a password only when asked, and needs a password source to create a user', () => {
    expect(diff({ users: { alice: [] } }, { users: { alice: [] } })).toEqual([]);
    expect(diff({ users: { alice: [] } }, { users: { alice: [] }, userSpecs: { alice: { updatePassword: true, oldPassword: { env: 'ALICE_OLD' } } } })).toEqual(['updatePassword:alice']);
    const noCurrent = problems(() => diff({ users: { alice: [] } }, { users: { alice: [] }, userSpecs: { alice: { updatePassword: true } } }));
    expect(noCurrent).toEqual([expect.stringContaining('user "alice" gets a new password (its password is not the policy\'s), and Milvus asks for the current one')]);
    const found = problems(() => diff({}, { users: { alice: [], bob: [] }, userSpecs: { alice: { password: undefined }, bob: { password: undefined } } }));
    expect(found).toEqual(['users "alice", "bob" must be created but the policy gives no password source (password: { env: … } or { file: … })']);
  });

  it('refuses to drop a group that a role it does not manage still holds', () => {
    const found = problems(() => diff({ roles: { other: [glob('grp_a', 'default', 'books')] }, groups: { grp_a: ['Search'] } }, { scope: { privilegeGroups: { prefixes: ['grp_'] } } }));
    expect(found[0]).toMatch(/"grp_a" would be dropped, but role "other", which the policy does not manage, is still granted it/);
  });

  it('refuses a binding to a role that will not exist', () => {
    const found = problems(() => diff({}, { users: { alice: ['ghost'] } }));
    expect(found[0]).toBe('user "alice" is bound to role "ghost", which the policy does not define and the server does not have');
  });
});

describe('diffStates: privilege groups', () => {
  it('creates a group with its members and edits members of an existing one', () => {
    expect(diff({ groups: { g1: ['Search', 'Insert'] } }, { groups: { g0: ['Query'], g1: ['Search', 'Query'] } })).toEqual([
      'addPrivilegesToGroup:g0', 'addPrivilegesToGroup:g1', 'createPrivilegeGroup:g0', 'removePrivilegesFromGroup:g1',
    ]);
  });

  it('refuses to change the level of a group (Milvus refuses mixed levels)', () => {
    const found = problems(() => diff({ groups: { g: ['Search'] } }, { groups: { g: ['CreateCollection'] } }));
    expect(found[0]).toMatch(/privilege group "g" would change level/);
  });
});

describe('diffStates: related privileges', () => {
  it('does not revoke GetLoadState held beside a Load the policy keeps', () => {
    expect(diff({ roles: { r: [coll('books', 'Load'), coll('books', 'GetLoadState')] } }, { roles: { r: [coll('books', 'Load')] } })).toEqual([]);
  });

  it('grants again, after the revokes, a related privilege a v1 revoke of Load takes with it', () => {
    const result = diffStates({
      live: fresh({ roles: { r: [coll('books', 'Load')] } }),
      desired: desired({ roles: { r: [coll('books', 'GetLoadState')] } }),
      features: featuresOf(versionOf('2.5')),
    });
    expect(result.operations.map((o) => [stepId(o.operation), o.afterRevokes ?? false])).toEqual([
      ['grant:r:default:Collection:books:GetLoadState', true],
      ['revoke:r:default:Collection:books:Load', false],
    ]);
  });
});

describe('diffStates: limits', () => {
  it('says before anything runs that the creations would pass the role limit, counting admin and public', () => {
    const roles = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`r${i}`, []]));
    const found = problems(() => diff({}, { roles }));
    expect(found[0]).toMatch(/creates 9 roles while 2 exist .*11 is more than the server's limit of 10 \(proxy\.maxRoleNum\)/);
    expect(diff({}, { roles }, '2.5', { maxUsers: 100, maxRoles: 11 })).toHaveLength(9);
  });

  it('counts users outside the scope and root towards the user limit', () => {
    const found = problems(() => diff({ users: { a: [], b: [] } }, { users: { c: [] } }, '2.5', { maxUsers: 3, maxRoles: 10 }));
    expect(found[0]).toMatch(/creates 1 user while 3 exist \(root included\)/);
  });
});
