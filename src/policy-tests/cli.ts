import type { ExplainSource } from '../explain/source.js';
import { accessIndexFor } from '../explain/index.js';
import { loadTests, PolicyTestError, renderTestsText, runTests, testsJson } from './run.js';

/** `rbac test` as a function: load the assertions, check them against the source, render. */
export async function runPolicyTests(file: string, source: ExplainSource, format: 'text' | 'json'): Promise<{ exitCode: number; output: string; errors: string }> {
  let loaded;
  try {
    loaded = await loadTests(file);
  } catch (error) {
    if (error instanceof PolicyTestError) return { exitCode: 1, output: '', errors: `${error.message}\n` };
    throw error;
  }
  const outcomes = runTests(loaded, accessIndexFor(source));
  const failed = outcomes.some((o) => !o.passed);
  return { exitCode: failed ? 1 : 0, output: format === 'json' ? testsJson(file, outcomes, source.origin) : renderTestsText(file, outcomes, source.origin), errors: '' };
}
