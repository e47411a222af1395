import { afterEach, describe, expect, it } from 'vitest';
import { fromThrown } from '../../src/milvus/errors.js';
import { clearRegisteredSecrets, registerSecret } from '../../src/milvus/secrets.js';
import { EXIT_CODES, failureJson, failureOf, failureText } from '../../src/pipeline/failure.js';
import { InternalPlanError, PlanError } from '../../src/plan/errors.js';

afterEach(() => clearRegisteredSecrets());

describe('failures: redaction covers what came from outside, never the tool\'s own words', () => {
  it('keeps "Milvus" in the tool\'s messages when the password is Milvus, and masks it in the server\'s text', () => {
    registerSecret('Milvus');
    const internal = failureOf(new InternalPlanError('the plan is wrong: Milvus would refuse step revoke:r:x', []), '127.0.0.1:19530');
    expect(internal).toEqual({ kind: 'internal', message: 'the plan is wrong: Milvus would refuse step revoke:r:x' });
    const plan = failureOf(new PlanError(['Milvus refuses a group mixing levels']), '127.0.0.1:19530');
    expect(plan.message).toBe('Milvus refuses a group mixing levels');
    // Server text is redacted where it enters (fromThrown / checkStatus), before any of our words join it.
    const server = failureOf(fromThrown(Object.assign(new Error('x'), { code: 13, details: 'echoed password Milvus in a request' }), 'SelectUser'), '127.0.0.1:19530');
    expect(server.message).toContain('echoed password *** in a request');
    expect(server.message).not.toContain('password Milvus');
  });
});

describe('failure rendering', () => {
  it('text: diagnostics, then one line of cause and one of fix', () => {
    expect(failureText({ kind: 'connection', message: 'cannot reach Milvus at 127.0.0.1:1: refused', fix: 'start it', diagnostics: ['p.yaml:1:1: warning: w'] })).toBe(
      'p.yaml:1:1: warning: w\nError: cannot reach Milvus at 127.0.0.1:1: refused\n  Fix: start it\n',
    );
    expect(failureText({ kind: 'internal', message: 'bug' })).toBe('Internal error: bug\n');
  });

  it('json: a versioned object with the kind and its exit code', () => {
    expect(JSON.parse(failureJson({ kind: 'refused', message: 'no' }))).toEqual({ formatVersion: 1, error: { kind: 'refused', exitCode: 5, message: 'no' } });
  });

  it('every kind has its own exit code, none of them 0 or 2', () => {
    const codes = Object.values(EXIT_CODES).filter((c) => c !== EXIT_CODES.internal && c !== EXIT_CODES['invalid-input']);
    expect(new Set(codes).size).toBe(codes.length);
    expect(Object.values(EXIT_CODES)).not.toContain(0);
    expect(Object.values(EXIT_CODES)).not.toContain(2);
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(Object.keys(EXIT_CODES).length);
  });
});
