import { RbacError } from './errors.js';
import type { NameProblem } from '../model/names.js';

/**
 * Turns a name problem from names.ts into the RbacError Milvus raises, splitting off the detail
 * merr appends after ": invalid parameter" (its WrapErrParameterInvalid / …Range helpers), so
 * the wire reason reads as Milvus's does (measured on 2.3.5, docs/real-milvus-2.3.5-probe.json):
 *   "invalid password length: invalid parameter[5 out of range 6 <= value <= 256]"
 *   "role name should be not empty: invalid parameter[expected=not empty][actual=]"
 *   "the first character of role name must be an underscore or letter: invalid parameter[expected=95][actual=49]"
 * Milvus formats some user-name messages with mismatched Go verbs; those are reproduced too.
 */
export function nameError(problem: string, name: string): RbacError {
  const range = /^(.*): value (\d+) out of range \[(\d+), (\d+)\]$/.exec(problem);
  if (range) {
    return new RbacError('ParameterInvalid', range[1] as string, {
      detail: `[${range[2]} out of range ${range[3]} <= value <= ${range[4]}]`,
    });
  }
  if (/^(role name|collection name) should be not empty$/.test(problem)) {
    return new RbacError('ParameterInvalid', problem, { detail: '[expected=not empty][actual=]' });
  }
  if (/^the first character of (role name|collection name) must be an underscore or letter$/.test(problem)) {
    const first = name.trim().charCodeAt(0);
    return new RbacError('ParameterInvalid', problem, { detail: `[expected=95][actual=${first}]` });
  }
  const goByte = /^(invalid user name .*, but got )(.)$/su.exec(problem);
  if (goByte) {
    const byte = Buffer.from(goByte[2] as string, 'utf8')[0];
    return new RbacError('ParameterInvalid', `${goByte[1]}%!s(uint8=${byte})`);
  }
  const goLimit = /^(invalid username .* must be less than )(\d+)$/.exec(problem);
  if (goLimit) return new RbacError('ParameterInvalid', `${goLimit[1]}%!d(string=${goLimit[2]})`);
  return new RbacError('ParameterInvalid', problem);
}

/** Throws the RbacError for a problem, if there is one. */
export function requireName(problem: NameProblem, name: string): void {
  if (problem !== null) throw nameError(problem, name);
}

/**
 * Database names fail with merr DatabaseNameInvalid (code 802): "<problem>: invalid database
 * name[database=<name>]"; the empty name reads "database name couldn't be empty" (measured on 2.3.5).
 */
export function requireDatabaseName(problem: NameProblem, name: string): void {
  if (problem === null) return;
  const message = problem === 'database name should be not empty' ? "database name couldn't be empty" : problem;
  throw new RbacError('ParameterInvalid', message, { merr: 'DatabaseNameInvalid', detail: `[database=${name}]` });
}

/** An empty privilege name: "Privilege should be not empty: invalid parameter[expected=not empty][actual=]" (measured). */
export function requirePrivilegeName(name: string): void {
  if (name.trim() === '') {
    throw new RbacError('ParameterInvalid', 'Privilege should be not empty', { detail: '[expected=not empty][actual=]' });
  }
}
