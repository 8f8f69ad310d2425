#!/usr/bin/env bash
# End-to-end test of the notebook app: starts the real binary in tmux, opens
# a notebook, trains a model with a live progress bar and a chart, interrupts
# an endless cell, edits and saves, reopens and checks the file. Every wait
# is for text on the screen, never for a fixed time, so a slow machine only
# makes it slower.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v tmux >/dev/null || { echo "e2e: tmux is not installed (apt-get install tmux)"; exit 1; }
work=$(mktemp -d)
sock="seqlab-e2e-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/seqlab" .
cp tui/e2e/notebook.md "$work/nb.md"
export XDG_STATE_HOME="$work/state"

screen() { tmux -L "$sock" capture-pane -p -t e2e; }
fail() { echo "e2e FAILED: $*"; echo "---- screen ----"; screen || true; exit 1; }
wait_for() { # text [seconds]
	local deadline=$((SECONDS + ${2:-120}))
	until screen | grep -qF -- "$1"; do
		[ $SECONDS -lt $deadline ] || fail "no \"$1\" on the screen after ${2:-120} s"
		sleep 0.2
	done
}
keys() { tmux -L "$sock" send-keys -t e2e "$@"; }
start() {
	tmux -L "$sock" new-session -d -s e2e -x 120 -y 40 "cd $work && ./seqlab nb.md; echo seqlab-exited-\$?; sleep 600"
}

start
wait_for "End-to-end check" 30
echo "e2e: opened the notebook"

keys j                       # the training cell (below the Markdown one)
keys C-r
wait_for "steps/s" 120       # the live progress bar
echo "e2e: progress bar is live"
# (the cell's code contains "trained: recall" and "loss curve": wait for
# what only its output has)
wait_for "trained: recall 1.00" 300
wait_for "● rnn"
wait_for "kernel idle" 30
echo "e2e: trained, chart shown"

keys C-r                     # the endless cell is selected now
wait_for "[*]" 30
keys i i
wait_for "interrupted" 60
echo "e2e: interrupted the endless loop"

keys Enter                   # run-next left a new empty cell below: edit it
keys -l 'fmt.Println("e2e-" + "saved")'
keys C-r                     # ctrl+r runs from the editor too
wait_for "e2e-saved" 60
keys C-s
wait_for "saved nb.md" 10
keys C-q
wait_for "seqlab-exited-0" 30
echo "e2e: saved and quit"

grep -qF 'fmt.Println("e2e-" + "saved")' "$work/nb.md" || fail "the new cell is not in the file"
grep -qF 'trained: recall 1.00' "$work/nb.md" || fail "the outputs were not saved"
grep -qF '"kind":"lineplot"' "$work/nb.md" || fail "the chart was not saved"

tmux -L "$sock" kill-session -t e2e
start
wait_for "End-to-end check" 30
keys G                       # the last cells, with the saved output
wait_for "e2e-saved" 10
keys C-q
wait_for "seqlab-exited-0" 30
echo "e2e: reopened with the saved cell; all good"
