/**
 * Why a plan cannot be made. A PlanError is the user's to fix (the policy asks for something the
 * target cannot do); an InternalPlanError is ours: the computed steps would not produce the
 * desired state, so no plan is shown rather than a wrong one.
 */

export class PlanError extends Error {
  override readonly name = 'PlanError';
  /** One line per problem, already phrased for the user. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? (problems[0] as string) : `the plan cannot be made:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export class InternalPlanError extends Error {
  override readonly name = 'InternalPlanError';
  readonly differences: readonly string[];

  constructor(summary: string, differences: readonly string[]) {
    const shown = differences.slice(0, 20);
    const more = differences.length > shown.length ? `\n  … and ${differences.length - shown.length} more` : '';
    super(`${summary}${shown.map((d) => `\n  ${d}`).join('')}${more}`);
    this.differences = differences;
  }
}
