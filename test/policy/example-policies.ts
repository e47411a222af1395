import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** examples/ holds policies (files and merged directories) and, under ci/, pipeline and cron configs. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
const NOT_POLICIES = new Set(['ci']);

/** Each policy example as `rbac -f` takes it: a .yaml file or a directory of them. */
export const POLICY_EXAMPLES: readonly string[] = readdirSync(EXAMPLES_DIR)
  .filter((name) => !NOT_POLICIES.has(name) && (name.endsWith('.yaml') || statSync(join(EXAMPLES_DIR, name)).isDirectory()))
  .sort();

/** Every policy file of the examples, directories opened. */
export function policyExampleFiles(): string[] {
  return POLICY_EXAMPLES.flatMap((name) => {
    const path = join(EXAMPLES_DIR, name);
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path).filter((file) => file.endsWith('.yaml')).map((file) => join(path, file));
  });
}
