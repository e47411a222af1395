/**
 * The version of the shape of every `--format json` output (drift, validate, lint, explain,
 * who-can; plan and apply carry their own). Each has a JSON Schema in schema/ (docs/json-outputs.md);
 * a change that could break a reader raises it.
 */
export const JSON_FORMAT_VERSION = 1;
