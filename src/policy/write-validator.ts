import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, PRECOMPILED_VALIDATOR, schemaFingerprint } from './schema-check.js';
import { buildPolicySchema } from './schema.js';

/**
 * Run by `npm run build` on the built module: writes the policy's JSON Schema validator as
 * standalone code next to schema-check.js. Loading it takes a few milliseconds; compiling the
 * schema with Ajv at every start took 150–250 ms, most of `rbac validate`'s cold start.
 * The file records the fingerprint of the schema it was made from, so a stale one is ignored.
 */
const schema = buildPolicySchema();
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const code = standalone.default(ajv, ajv.compile(schema));
const target = fileURLToPath(new URL(PRECOMPILED_VALIDATOR, import.meta.url));
writeFileSync(target, `${code}\nmodule.exports.schemaFingerprint = ${JSON.stringify(schemaFingerprint(schema))};\n`);
process.stdout.write(`wrote ${target} (${code.length} bytes)\n`);
