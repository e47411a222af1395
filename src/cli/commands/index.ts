import type { Command } from 'commander';

/**
 * Each command lives in its own module exporting `register(program)`. Modules here must not
 * import the Milvus SDK or the emulator at load time: `rbac --help` and `rbac validate` have to
 * start fast, so heavy modules are imported inside the action handlers.
 */
export function registerCommands(_program: Command): void {}
