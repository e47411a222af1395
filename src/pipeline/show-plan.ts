import { planFileProblems } from '../plan/digest.js';
import { PlanFileError, readPlanFile } from '../plan/plan-file.js';
import { renderPlan } from '../report/index.js';
import type { MarkdownOptions, PlanFormat } from '../report/index.js';
import { failureResult } from './failure.js';

/**
 * `rbac show PLAN`: a saved plan rendered as text, Markdown or JSON, without a server. What a
 * pull request shows and what `rbac apply PLAN` runs are then one file. A plan whose content no
 * longer matches its own digest (edited after it was made) is refused: showing it would present
 * as reviewed something no plan produced.
 */

export interface ShowPlanOptions {
  readonly file: string;
  readonly format?: PlanFormat;
  readonly colour?: boolean;
  readonly markdown?: MarkdownOptions;
}

export async function showPlan(options: ShowPlanOptions): Promise<{ exitCode: number; output: string; errors: string }> {
  const format = options.format ?? 'text';
  let plan;
  try {
    plan = await readPlanFile(options.file);
  } catch (error) {
    const message = error instanceof PlanFileError ? error.message : `cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    return failureResult({ kind: 'invalid-input', message }, format);
  }
  const problems = planFileProblems(plan);
  if (problems.length > 0) {
    return failureResult({ kind: 'invalid-input', message: `${options.file} is not as it was made: ${problems.join('; ')}`, fix: 'make the plan again with rbac plan --out' }, format);
  }
  return { exitCode: 0, output: renderPlan(plan, format, { colour: options.colour ?? false, ...(options.markdown ? { markdown: options.markdown } : {}) }), errors: '' };
}
