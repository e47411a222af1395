import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isPolicyFileName } from '../policy/index.js';

/**
 * An output (a saved plan, a metrics file) must never replace an input: `rbac plan -f p.yaml
 * --out p.yaml` would silently swap the policy for its plan. Paths are compared after resolving
 * links; a `-f` directory covers the policy files in it.
 */


function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Not there yet: its folder may still be a link.
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A message when `output` is one of `inputs` (or a policy file inside an input directory); null otherwise. */
export function overwritesInput(output: string, inputs: readonly string[], what: string): string | null {
  const target = real(output);
  for (const input of inputs) {
    const source = real(input);
    const inside = isDirectory(input) && dirname(target) === source && isPolicyFileName(target);
    if (target === source || inside) {
      return `${what} ${output} is ${inside ? 'a policy file in' : 'the policy file'} ${input}: refusing to write over an input; choose another path`;
    }
  }
  return null;
}
