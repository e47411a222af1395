import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * examples/ holds policies (files and merged directories), under ci/ pipeline and cron configs,
 * and under fleet/ a targets config whose policies apply per target (test/e2e/fleet-example.test.ts).
 */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
const NOT_POLICIES = new Set(['ci', 'fleet']);
const FLEET_POLICIES = join(EXAMPLES_DIR, 'fleet', 'policy');

/** Each policy example as `rbac -f` takes it: a .yaml file or a directory of them. */
export const POLICY_EXAMPLES: readonly string[] = readdirSync(EXAMPLES_DIR)
  .filter((name) => !NOT_POLICIES.has(name) && (name.endsWith('.yaml') || statSync(join(EXAMPLES_DIR, name)).isDirectory()))
  .sort();

const yamlIn = (dir: string): string[] => readdirSync(dir).filter((file) => file.endsWith('.yaml')).map((file) => join(dir, file));

/** Every policy file of the examples, directories opened, the fleet's included. */
export function policyExampleFiles(): string[] {
  const files = POLICY_EXAMPLES.flatMap((name) => {
    const path = join(EXAMPLES_DIR, name);
    return statSync(path).isDirectory() ? yamlIn(path) : [path];
  });
  return [...files, ...yamlIn(FLEET_POLICIES)];
}
