import { Argument } from 'commander';
import type { Command } from 'commander';

/** `rbac completion bash|zsh|fish`: a completion script for the commands registered here. */
export function register(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script for rbac (bash, zsh or fish).')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', '\nExamples:\n  eval "$(rbac completion bash)"\n  rbac completion zsh > "${fpath[1]}/_rbac"\n  rbac completion fish > ~/.config/fish/completions/rbac.fish\n')
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('../../completion/scripts.js');
      // Commander's own description of the commands: names, flags and the values of --choices.
      const commands = program.commands
        .filter((c) => c.name() !== 'completion' && c.name() !== 'help')
        .map((c) => ({
          name: c.name(),
          description: c.description(),
          flags: c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string' && !o.hidden)),
          choices: Object.fromEntries(c.options.filter((o) => o.long && o.argChoices).map((o) => [o.long as string, o.argChoices as string[]])),
        }));
      process.stdout.write(completionScript(shell, commands));
    });
}
