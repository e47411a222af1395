import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_SCHEMAS } from './outputs.js';

/** Writes schema/output-<name>.schema.json for every --format json output. */
for (const [name, schema] of Object.entries(OUTPUT_SCHEMAS)) {
  writeFileSync(join('schema', `output-${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
