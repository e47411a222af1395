// Ad-hoc measurement (not a test): explain / who-can / lint on a large state.
import { AccessIndex } from '../../src/model/access.js';
import { effectiveAccess, whoCan } from '../../src/explain/index.js';
import { lintPolicy } from '../../src/lint/index.js';
import type { Grant } from '../../src/model/types.js';
const roles = Array.from({ length: 1000 }, (_, r) => ({
  name: `role${r}`,
  grants: Array.from({ length: 100 }, (_, i): Grant => ({ objectType: 'Collection', objectName: `c${(r * 7 + i) % 5000}`, dbName: `db${i % 10}`, privilege: i % 3 ? 'Search' : 'Query' })),
}));
const users = Array.from({ length: 10000 }, (_, u) => ({ name: `user${u}`, roles: [`role${u % 1000}`, `role${(u * 13) % 1000}`] }));
const state = { users, roles, privilegeGroups: [] };
let t = performance.now();
const index = new AccessIndex(state);
const q = { privilege: 'Search', objectType: 'Collection' as const, objectName: 'c42', dbName: 'db1' };
const answer = whoCan(index, q);
console.log(`who-can over 10k users / 100k grants: ${(performance.now() - t).toFixed(0)} ms, ${answer.users.length} users, ${answer.roles.length} roles`);
t = performance.now();
let n = 0;
for (let u = 0; u < 10000; u++) n += effectiveAccess(index, `user${u}`).entries.length;
console.log(`explain all 10k users: ${(performance.now() - t).toFixed(0)} ms, ${n} entries`);
t = performance.now();
const findings = lintPolicy({ state, users: {}, protectedRoles: [], protectedPrivilegeGroups: [], scope: { users: { all: true }, roles: { all: true }, privilegeGroups: { all: true } }, databases: [] });
console.log(`lint: ${(performance.now() - t).toFixed(0)} ms, ${findings.length} findings`);
