import { runApply } from '../apply/run.js';
import type { RunApplyOptions } from '../apply/run.js';
import { applyExitCode, APPLY_FORMAT_VERSION } from '../apply/result.js';
import type { ApplyResult } from '../apply/result.js';
import type { Target } from '../config/targets.js';
import { EXIT_CODES, failureKindOf } from '../pipeline/failure.js';
import { fleetExitCode, policiesOf, targetConnection } from './run.js';
import { textTable } from './table.js';

/**
 * `rbac apply --target a --target b` / `--all-targets`: target by target in the config's order
 * (staging before production), never in parallel, stopping at the first target that does not end
 * applied (or with nothing to do) unless told to go on. Each target is an ordinary apply, with its
 * own guards, lock and verification.
 */

export interface ApplyFleetOptions {
  readonly targets: readonly Target[];
  /** Everything an apply takes but where and what: the same for every target. */
  readonly apply: Omit<RunApplyOptions, 'connection' | 'source' | 'limits'>;
  /** Policy files for every target instead of each target's own. */
  readonly files?: readonly string[];
  readonly keepGoing?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly debug?: boolean;
}

interface Applied {
  readonly name: string;
  readonly address: string;
  readonly exitCode: number;
  readonly status: string;
  readonly result?: ApplyResult;
}


export async function applyFleet(options: ApplyFleetOptions): Promise<{ exitCode: number; output: string }> {
  const json = options.apply.format === 'json';
  const write = json ? (): void => undefined : (options.apply.write ?? ((): void => undefined));
  const done: Applied[] = [];
  let stoppedAt: number | undefined;
  for (const [index, target] of options.targets.entries()) {
    const address = target.connection.address ?? '';
    write(`${index > 0 ? '\n' : ''}== ${target.name} (${address})\n`);
    const made = targetConnection(target, options);
    if ('failure' in made) {
      write(`Error: ${made.failure.message}\n`);
      done.push({ name: target.name, address, exitCode: EXIT_CODES[made.failure.kind], status: 'error' });
    } else {
      const connection = made.connection;
      const files = policiesOf(target, options.files);
      const run = await runApply({
        ...options.apply,
        ...(json ? { write: undefined, writeError: undefined } : {}),
        connection,
        source: { policyFiles: files },
        ...(target.limits ? { limits: target.limits } : {}),
        ...(options.env ? { env: options.env } : {}),
      });
      done.push({ name: target.name, address, exitCode: run.exitCode, status: run.result.status, result: run.result });
    }
    const last = done[done.length - 1];
    if (last && last.exitCode !== 0 && !options.keepGoing) {
      stoppedAt = index;
      break;
    }
  }
  const notAttempted = stoppedAt === undefined ? [] : options.targets.slice(stoppedAt + 1).map((t) => t.name);
  const exitCode = fleetExitCode(done.map((d) => d.exitCode));
  if (json) {
    const targets = done.map((d) => ({ name: d.name, address: d.address, exitCode: d.exitCode, result: d.result ? { formatVersion: APPLY_FORMAT_VERSION, ...d.result, exitCode: applyExitCode(d.result) } : null }));
    return { exitCode, output: `${JSON.stringify({ formatVersion: APPLY_FORMAT_VERSION, command: 'apply', exitCode, targets, notAttempted }, null, 2)}\n` };
  }
  const rows = [
    ['target', 'exit', 'result'],
    ...done.map((d) => [d.name, String(d.exitCode), d.exitCode === 0 ? d.status : `${d.status} (${failureKindOf(d.exitCode) ?? 'error'})`]),
    ...notAttempted.map((name) => [name, '-', 'not attempted: an earlier target did not finish (--keep-going goes on)']),
  ];
  write(`\n${textTable(rows)}\n`);
  return { exitCode, output: '' };
}
