import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA } from '../config/targets.js';
import { OUTPUT_SCHEMAS } from './outputs.js';

/** Writes schema/output-<name>.schema.json for every --format json output, and schema/config.schema.json for rbac.config.yaml. */
for (const [name, schema] of Object.entries(OUTPUT_SCHEMAS)) {
  writeFileSync(join('schema', `output-${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
writeFileSync(join('schema', 'config.schema.json'), `${JSON.stringify(configSchemaFile(), null, 2)}\n`);

function configSchemaFile(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'config.schema.json', title: 'rbac.config.yaml: named targets (docs/targets.md)', ...CONFIG_SCHEMA };
}
