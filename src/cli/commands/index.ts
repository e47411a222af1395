import type { Command } from 'commander';
import { register as registerApply } from './apply.js';
import { register as registerCompletion } from './completion.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerDrift } from './drift.js';
import { register as registerEmulator } from './emulator.js';
import { register as registerExport } from './export.js';
import { register as registerExplain } from './explain.js';
import { register as registerGraph } from './graph.js';
import { register as registerLint } from './lint.js';
import { register as registerPlan } from './plan.js';
import { register as registerShow } from './show.js';
import { register as registerTest } from './test.js';
import { register as registerUsage } from './usage.js';
import { register as registerValidate } from './validate.js';
import { register as registerWhoCan } from './who-can.js';

/**
 * Each command lives in its own module exporting `register(program)`. Modules here must not
 * import the Milvus SDK or the emulator at load time: `rbac --help` and `rbac validate` have to
 * start fast, so heavy modules are imported inside the action handlers.
 */
export function registerCommands(program: Command): void {
  registerValidate(program);
  registerLint(program);
  registerPlan(program);
  registerShow(program);
  registerApply(program);
  registerDrift(program);
  registerExport(program);
  registerDoctor(program);
  registerUsage(program);
  registerTest(program);
  registerGraph(program);
  registerExplain(program);
  registerWhoCan(program);
  registerEmulator(program);
  registerCompletion(program);
}
