// Package tui is seqlab's notebook app: a bubbletea (charm v2) program that
// shows a notebook of Markdown and Go cells, runs the cells in a kernel
// process (package repl) and draws what they print and show, live.
//
// The app never computes a model: code runs in the kernel, and the app
// renders the kernel's events (streams, results, errors and display values,
// drawn by package tui/render). A cell that panics, loops forever or kills
// its kernel costs the kernel, never the notebook.
//
// # Structure
//
// Model is the only tea.Model; the panes are its fields: the notebook
// (notebookPane: cells, selection, editor, run queue, scrolling), the lesson
// navigator (lessonPane) and the benchmark view (benchPane, which runs
// `seqlab bench` as a child process), plus overlays (help, the command
// palette, dialogs). Keys are in KeyMap (DefaultKeyMap), which the help
// screen reads. All I/O happens in tea.Cmds: a running cell's events come
// through a channel that a re-arming command reads (runState.listen),
// coalescing bursts so that a cell printing megabytes stays cheap to draw.
//
// # Never losing work
//
// Unsaved changes are marked (● in the title) and quitting asks first.
// Every Options.Autosave (5 s) the notebook, editor included, is written to
// a recovery file in the state directory (recovery.go); saving removes it,
// and opening a notebook whose recovery file differs offers it back.
// Lessons are edited in the learner's own copy under the state directory.
// A save that fails (a read-only folder, a full disk) leaves the file on
// disk as it was, keeps the notebook unsaved with its changes written to
// the recovery file, and says why in a dialog that offers Save as… and a
// retry (actions.go); a file changed on disk since it was opened is not
// overwritten without asking; and quitting without saving when even the
// recovery file cannot be written asks again.
//
// # Testing
//
// Tests drive Update with messages and compare ansi.Strip(View()) with
// golden screens at 80×24 and 120×40 (testdata/screens; -update rewrites
// them); a harness runs the commands as bubbletea would, with the test
// binary as the kernel. tui/e2e/run.sh (make e2e) drives the real binary in
// tmux.
//
// Example:
//
//	err := tui.Run(ctx, tui.Options{Path: "notes.md"})
package tui
