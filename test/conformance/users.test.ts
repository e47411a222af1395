import { describe, expect, it } from 'vitest';
import { expectError, expectGrpcError, expectOk } from './expect.js';
import { ON_REAL, source, useTarget } from './target.js';

/** Users: CreateCredential, UpdateCredential, DeleteCredential, ListCredUsers, SelectUser. */
describe('users', () => {
  const target = useTarget();
  const PASSWORD = 'secret_pw1';

  it(`${source('internal/proxy/impl.go CreateCredential; probe 2.3.5')} creates a user that ListCredUsers then lists`, async () => {
    const t = target();
    const root = await t.client();
    expectOk(await root.createUser({ username: t.name('u1'), password: PASSWORD }));
    expect((await root.listUsers()).usernames).toContain(t.name('u1'));
  });

  it(`${source('rootcoord CreateCredential: errUserAlreadyExists; probe 2.3.5')} refuses a duplicate user`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('dup'), password: PASSWORD });
    expectError(await root.createUser({ username: t.name('dup'), password: PASSWORD }), {
      error_code: 'CreateCredentialFailure',
      exact: `user already exists: ${t.name('dup')}`,
      detail: '',
    });
  });

  describe(`${source('internal/proxy/util.go ValidateUsername')} user name rules`, () => {
    it('refuses an empty name', async () => {
      const root = await target().client();
      expectError(await root.createUser({ username: '', password: PASSWORD }), {
        error_code: 'IllegalArgument',
        code: 1100,
        exact: 'username must be not empty: invalid parameter',
        detail: 'username must be not empty: invalid parameter',
      });
    });

    it('refuses a first character that is not a letter (digit or underscore)', async () => {
      const t = target();
      const root = await t.client();
      for (const name of [`1${t.name('x')}`, `_${t.name('x')}`]) {
        expectError(await root.createUser({ username: name, password: PASSWORD }), {
          error_code: 'IllegalArgument',
          code: 1100,
          reason: `invalid user name ${name}, the first character must be a letter`,
        });
      }
    });

    it('refuses characters other than letters, digits and underscores', async () => {
      const t = target();
      const root = await t.client();
      for (const name of [t.name('a-b'), t.name('a$b'), t.name('é')]) {
        expectError(await root.createUser({ username: name, password: PASSWORD }), {
          code: 1100,
          reason: 'username must contain only numbers, letters and underscores',
        });
      }
    });

    it('accepts 32 bytes and refuses 33 (proxy.maxUsernameLength = 32)', async () => {
      const t = target();
      const root = await t.client();
      const base = t.name('');
      const ok = base + 'x'.repeat(32 - base.length);
      expectOk(await root.createUser({ username: ok, password: PASSWORD }));
      expectError(await root.createUser({ username: `${ok}y`, password: PASSWORD }), {
        code: 1100,
        reason: `invalid username ${ok}y with length 33, the length of username must be less than`,
      });
    });
  });

  describe(`${source('internal/proxy/util.go ValidatePassword; bcrypt')} password rules`, () => {
    // proxy.maxPasswordLength: 256 before 2.5.0, 72 from 2.5.0 (commit 2208b7c2ef, #37983).
    const maxOf = (t: ReturnType<typeof target>): number => (t.version.major > 2 || t.version.minor >= 5 ? 72 : 256);

    it('refuses passwords shorter than 6 bytes with the range in the reason', async () => {
      const t = target();
      const root = await t.client();
      expectError(await root.createUser({ username: t.name('pw5'), password: '12345' }), {
        error_code: 'IllegalArgument',
        code: 1100,
        exact: `invalid password length: invalid parameter[5 out of range 6 <= value <= ${maxOf(t)}]`,
      });
    });

    it('accepts 6 and 72 bytes; refuses 73 (bcrypt before 2.5.0, the range from 2.5.0) and 257 (range)', async () => {
      const t = target();
      const root = await t.client();
      expectOk(await root.createUser({ username: t.name('pw6'), password: '123456' }));
      expectOk(await root.createUser({ username: t.name('pw72'), password: 'p'.repeat(72) }));
      if (maxOf(t) === 72) {
        expectError(await root.createUser({ username: t.name('pw73'), password: 'p'.repeat(73) }), {
          error_code: 'IllegalArgument',
          code: 1100,
          exact: 'invalid password length: invalid parameter[73 out of range 6 <= value <= 72]',
        });
      } else {
        expectError(await root.createUser({ username: t.name('pw73'), password: 'p'.repeat(73) }), {
          error_code: 'UnexpectedError',
          reason: 'bcrypt: password length exceeds 72 bytes',
        });
      }
      expectError(await root.createUser({ username: t.name('pw257'), password: 'p'.repeat(257) }), {
        code: 1100,
        reason: `[257 out of range 6 <= value <= ${maxOf(t)}]`,
      });
    });
  });

  it(`${source('measured 2.3.5: names keep their spaces; FeatureSet.trimsNames')} a name with surrounding spaces is ${'stored as sent on 2.3, trimmed later'}`, async () => {
    const t = target();
    const root = await t.client();
    const spaced = `  ${t.name('sp')}  `;
    expectOk(await root.createUser({ username: spaced, password: PASSWORD }));
    const users = (await root.listUsers()).usernames;
    expect(users).toContain(t.features.trimsNames ? t.name('sp') : spaced);
    await root.deleteUser({ username: spaced });
    await root.deleteUser({ username: t.name('sp') });
    expect((await root.listUsers()).usernames.filter((u) => u.includes(t.name('sp')))).toEqual([]);
  });

  it(`${source('internal/proxy/impl.go DeleteCredential: root')} refuses to delete root`, async () => {
    const root = await target().client();
    expectError(await root.deleteUser({ username: 'root' }), {
      code: 1401,
      exact: 'root user cannot be deleted: privilege not permitted',
    });
  });

  it(`${source('probe 2.3.5: deleteUser unknown')} deleting an unknown user succeeds`, async () => {
    const t = target();
    const root = await t.client();
    expectOk(await root.deleteUser({ username: t.name('nobody') }));
  });

  it(`${source('internal/proxy/impl.go UpdateCredential')} refuses a wrong old password, accepts the right one`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('upd'), password: PASSWORD });
    expectError(await root.updateUser({ username: t.name('upd'), oldPassword: 'wrong_pw', newPassword: 'password2' }), {
      code: 1400,
      exact: `old password not correct for ${t.name('upd')}: not authenticated`,
    });
    expectOk(await root.updateUser({ username: t.name('upd'), oldPassword: PASSWORD, newPassword: 'password2' }));
    const fresh = await t.client({ user: t.name('upd'), password: 'password2' });
    expectOk(await fresh.getVersion());
    const stale = t.looseClient({ user: t.name('upd'), password: PASSWORD });
    await expectGrpcError(stale.getVersion(), 16, 'auth check failure');
  });

  it(`${source('probe 2.3.5: deleteUser then createUser')} deleting a user removes its role bindings`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('gone'), password: PASSWORD });
    await root.createRole({ roleName: t.name('gone_r') });
    expectOk(await root.addUserToRole({ username: t.name('gone'), roleName: t.name('gone_r') }));
    expectOk(await root.deleteUser({ username: t.name('gone') }));
    await root.createUser({ username: t.name('gone'), password: PASSWORD });
    const described = await root.describeUser({ username: t.name('gone') });
    expect(described.results[0]?.roles ?? []).toEqual([]);
  });

  it(`${source('rootcoord SelectUser: KeyNotFound → empty')} SelectUser of an unknown user is an empty success; root shows no roles`, async () => {
    const t = target();
    const root = await t.client();
    const unknown = await root.describeUser({ username: t.name('nobody') });
    expectOk(unknown);
    expect(unknown.results).toEqual([]);
    const rootInfo = await root.describeUser({ username: 'root' });
    expect(rootInfo.results[0]?.user.name).toBe('root');
  });

  it(`${source('proxy.maxUserNum = 100, counting root; probe 2.3.5')} refuses the user beyond the limit`, async () => {
    const t = target();
    const root = await t.client();
    const existing = (await root.listUsers()).usernames.length;
    const limit = Number(process.env.MILVUS_MAX_USERS ?? 100);
    for (let i = existing; i < limit; i++) {
      expectOk(await root.createUser({ username: t.name(`lim${i}`), password: PASSWORD }));
    }
    expectError(await root.createUser({ username: t.name('over'), password: PASSWORD }), {
      error_code: 'CreateCredentialFailure',
      exact: 'unable to add user because the number of users has reached the limit',
    });
    for (let i = existing; i < limit; i++) await root.deleteUser({ username: t.name(`lim${i}`) });
  });
});

describe.skipIf(ON_REAL)('users: raised limit (emulator option --max-users; real servers: proxy.maxUserNum)', () => {
  const target = useTarget({ limits: { maxUsers: 3 } });
  it(`${source('proxy.maxUserNum configurable')} enforces a configured user limit`, async () => {
    const t = target();
    const root = await t.client();
    expectOk(await root.createUser({ username: t.name('a'), password: 'secret_pw1' }));
    expectOk(await root.createUser({ username: t.name('b'), password: 'secret_pw1' }));
    expectError(await root.createUser({ username: t.name('c'), password: 'secret_pw1' }), {
      reason: 'number of users has reached the limit',
    });
  });
});
