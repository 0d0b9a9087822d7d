#!/usr/bin/env bash
# Completion for real: bash, zsh and fish each load `k2calc completion SHELL` in a tmux pane,
# a partial command is typed and Tab pressed, and the pane must then show the completed food.
# Needs k2calc on PATH and tmux, zsh and fish installed (.ci/run installs them).
set -euo pipefail

failed=0
checks=0
socket=""
trap '[ -z "$socket" ] || tmux -L "$socket" kill-server 2>/dev/null || true' EXIT

# check SHELL_COMMAND LOAD TYPED EXPECTED: start the shell, load completion, type, press Tab.
check() {
    local shell_command=$1 load=$2 typed=$3 expected=$4 pane=""
    [ -z "$socket" ] || tmux -L "$socket" kill-server 2>/dev/null || true
    checks=$((checks + 1))
    socket="k2calc-completion-$$-$checks"  # a server of its own for each shell
    tmux -L "$socket" new-session -d -x 150 -y 30 "$shell_command"
    sleep 1
    tmux -L "$socket" send-keys "$load" Enter
    sleep 2
    tmux -L "$socket" send-keys "$typed" Tab
    for _ in $(seq 1 40); do  # the first completion builds the food table's cache
        sleep 0.5
        pane=$(tmux -L "$socket" capture-pane -p)
        if grep -qF -- "$expected" <<<"$pane"; then
            echo "completion ok: ${shell_command%% *}: '$typed' + Tab -> '$expected'"
            return 0
        fi
    done
    echo "completion FAILED: ${shell_command%% *}: '$typed' + Tab did not give '$expected'; the pane:" >&2
    echo "$pane" >&2
    failed=1
}

check "bash --norc --noprofile" 'eval "$(k2calc completion bash)"' "k2calc show natt" "k2calc show natto"
check "zsh -f" 'autoload -Uz compinit && compinit -u && eval "$(k2calc completion zsh)"' \
    "k2calc show natt" "k2calc show natto"
check "fish --no-config" "k2calc completion fish | source" "k2calc show natt" "k2calc show natto"
check "fish --no-config" "k2calc completion fish | source" "k2calc compare egg\\ yol" \
    "k2calc compare egg\\ yolk"
exit "$failed"
