import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildPolicySchema } from './schema.js';

/** Writes schema/policy.schema.json from the schema the loader uses: `npx tsx src/policy/write-schema.ts`. */
const target = fileURLToPath(new URL('../../schema/policy.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(buildPolicySchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
