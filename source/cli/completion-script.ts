/** Printed alone when the word being completed is a path: the shell completes file names itself. */
export const FILES = "__files__";

export const SHELLS = ["bash", "zsh", "fish"] as const;

/** The script for `eval "$(hpm completion bash)"` and its zsh and fish twins. */
export function completionScript(shell: string): string | undefined {
	switch (shell) {
		case "bash":
			return `# hpm completion for bash: eval "$(hpm completion bash)" in ~/.bashrc
_hpm_complete() {
  # the words as typed up to the cursor (COMP_WORDS would split --flag=value at the =)
  local line=\${COMP_LINE:0:COMP_POINT}
  local -a words
  read -ra words <<< "$line"
  [[ "$line" =~ [[:space:]]$ ]] && words+=("")
  local cur=\${words[\${#words[@]}-1]}
  local IFS=$'\\n'
  local out
  out=$(hpm __complete "\${words[@]:1}" 2>/dev/null)
  if [[ "$out" == ${FILES} ]]; then
    COMPREPLY=($(compgen -f -- "\${cur#*=}"))
    return
  fi
  COMPREPLY=($(compgen -W "$out" -- "$cur"))
  # bash replaces only what follows the = of --flag=value
  if [[ "$cur" == --*=* && "$COMP_WORDBREAKS" == *=* ]]; then
    local prefix="\${cur%%=*}="
    COMPREPLY=("\${COMPREPLY[@]#"$prefix"}")
  fi
}
complete -o default -F _hpm_complete hpm
`;
		case "zsh":
			return `#compdef hpm
# hpm completion for zsh: eval "$(hpm completion zsh)" in ~/.zshrc (after compinit)
_hpm() {
  local -a candidates
  candidates=("\${(@f)$(hpm __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${candidates[1]}" == ${FILES} ]]; then
    _files
  else
    compadd -a candidates
  fi
}
compdef _hpm hpm
`;
		case "fish":
			return `# hpm completion for fish: hpm completion fish > ~/.config/fish/completions/hpm.fish
function __hpm_complete
    set -l tokens (commandline -opc) (commandline -ct)
    set -l words (hpm __complete $tokens[2..-1] 2>/dev/null)
    if test "$words" = "${FILES}"
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $words
    end
end
complete -c hpm -f -a '(__hpm_complete)'
`;
		default:
			return undefined;
	}
}
