/**
 * Shell completion for `rbac`: command names, then each command's flags. Generated from the
 * command tree the CLI registers (`rbac completion bash|zsh|fish`), so it never falls behind.
 * Files and folders complete as the shell does by default.
 */

export interface CompletionCommand {
  readonly name: string;
  readonly description: string;
  /** Long and short flags, e.g. `--file`, `-f`. */
  readonly flags: readonly string[];
  /** Values a flag takes from a fixed set, e.g. `--format` → text, json. */
  readonly choices: Readonly<Record<string, readonly string[]>>;
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(commands: readonly CompletionCommand[]): string {
  const cases = commands
    .map((c) => {
      const choices = Object.entries(c.choices)
        .map(([flag, values]) => `        ${flag}) COMPREPLY=( $(compgen -W ${quote(values.join(' '))} -- "$cur") ); return ;;`)
        .join('\n');
      return `    ${c.name})\n      case "$prev" in\n${choices}${choices ? '\n' : ''}      esac\n      COMPREPLY=( $(compgen -W ${quote(c.flags.join(' '))} -- "$cur") $(compgen -f -- "$cur") ) ;;`;
    })
    .join('\n');
  return `# rbac completion for bash: eval "$(rbac completion bash)", or save it under bash_completion.d.
_rbac() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W ${quote(commands.map((c) => c.name).join(' '))} -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
}
complete -o default -F _rbac rbac
`;
}

function zsh(commands: readonly CompletionCommand[]): string {
  const list = commands.map((c) => `    ${quote(`${c.name}:${c.description.replace(/:/g, '\\:')}`)}`).join('\n');
  const cases = commands.map((c) => `    ${c.name}) _arguments ${c.flags.map((f) => quote(`${f}[]`)).join(' ')} '*:file:_files' ;;`).join('\n');
  return `#compdef rbac
# rbac completion for zsh: rbac completion zsh > "\${fpath[1]}/_rbac"
_rbac() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _rbac rbac
`;
}

function fish(commands: readonly CompletionCommand[]): string {
  const lines = ['# rbac completion for fish: rbac completion fish > ~/.config/fish/completions/rbac.fish', `complete -c rbac -f -n '__fish_use_subcommand' -a ${quote(commands.map((c) => c.name).join(' '))}`];
  for (const c of commands) {
    lines.push(`complete -c rbac -n '__fish_seen_subcommand_from ${c.name}' -d ${quote(c.description)}`);
    for (const flag of c.flags.filter((f) => f.startsWith('--'))) {
      const values = c.choices[flag];
      lines.push(`complete -c rbac -n '__fish_seen_subcommand_from ${c.name}' -l ${flag.slice(2)}${values ? ` -xa ${quote(values.join(' '))}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, commands: readonly CompletionCommand[]): string {
  switch (shell) {
    case 'bash':
      return bash(commands);
    case 'zsh':
      return zsh(commands);
    case 'fish':
      return fish(commands);
  }
}
