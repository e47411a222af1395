import { describeOperation } from '../milvus/describe.js';
import type { ApplyReport, ExecutableStep } from './executor.js';
import { stepErrorOf } from './result.js';

/** Where apply writes as it goes: kept whole for the result, streamed to a sink (stdout in the CLI). */
export class Output {
  /** Everything written, errors included, in order. */
  text = '';
  constructor(
    private readonly sink?: (text: string) => void,
    private readonly errorSink?: (text: string) => void,
  ) {}
  write(text: string): void {
    this.text += text;
    this.sink?.(text);
  }
  /** An error or refusal: to the error stream when there is one. */
  error(text: string): void {
    this.text += text;
    (this.errorSink ?? this.sink)?.(text);
  }
  line(text = ''): void {
    this.write(`${text}\n`);
  }
}

/** The end of an apply in words: done, failed and not attempted, and how to finish the job. */
export function printExecutionReport(out: Output, report: ApplyReport<ExecutableStep>, rerun: string): void {
  const seconds = (report.durations.totalMs / 1000).toFixed(2);
  if (report.interrupted && !report.failed) {
    out.line(`Apply interrupted after ${seconds} s: the calls in flight finished, no other step was started.`);
    out.line(`  done (${report.done.length}):`);
    for (const s of report.done) out.line(`    + ${s.id} ${describeOperation(s.operation)}`);
    out.line(`  not attempted (${report.notAttempted.length}):`);
    for (const s of report.notAttempted) out.line(`    - ${s.id} ${describeOperation(s.operation)}`);
    out.line(`Nothing needs cleaning up by hand: run ${rerun} again to finish.`);
    return;
  }
  if (!report.failed) {
    out.line(`Apply complete: ${report.done.length} step${report.done.length === 1 ? '' : 's'} done in ${seconds} s${report.retries ? ` (${report.retries} retried)` : ''}.`);
    return;
  }
  out.line(`Apply stopped at a failure after ${seconds} s.`);
  out.line(`  done (${report.done.length}):`);
  for (const s of report.done) out.line(`    + ${s.id} ${describeOperation(s.operation)}`);
  const failures = [report.failed, ...report.alsoFailed];
  out.line(`  failed (${failures.length}):`);
  for (const f of failures) {
    const e = stepErrorOf(f.error);
    out.line(`    ! ${f.step.id} ${describeOperation(f.step.operation)}`);
    out.line(`      Milvus said: ${e.reason} (${e.code}${f.attempts > 1 ? `, after ${f.attempts} attempts` : ''})`);
  }
  out.line(`  not attempted (${report.notAttempted.length}):`);
  for (const s of report.notAttempted) out.line(`    - ${s.id} ${describeOperation(s.operation)}`);
  out.line(`Nothing needs cleaning up by hand: run ${rerun} again to finish.`);
}
