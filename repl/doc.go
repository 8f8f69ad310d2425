// Package repl is seqlab's notebook kernel: a yaegi Go interpreter preloaded
// with seqlab's models, tasks, training loop and display values, running in a
// child process (`seqlab kernel`) behind a small line-delimited JSON
// protocol, and the Go client the notebook and `seqlab run` talk to it with.
//
// # Why a child process
//
// yaegi cannot stop compiled code, and a panic in a goroutine started by
// interpreted code ends the whole process. So the interpreter lives in its
// own process: an interrupt cancels the cell's context (ctx in every cell,
// which compiled calls such as train.Train honour) and stops interpreted
// code; if the cell has not returned after a grace period (2 s) the client
// kills the kernel and starts a new one, and says that its state was lost.
// A kernel that dies any other way — a goroutine panic, a stack overflow,
// running out of memory — ends the running cell with a *KernelDiedError
// that says what happened in a learner's words (and carries the panic
// message); the notebook, owned by the client, loses nothing. A kernel that
// dies between cells (a goroutine a cell started panics later) is reported
// by the next cell, which runs in a new kernel. A cell timeout
// (ExecOptions.Timeout, Client.ExecuteWith) counts only the cell's own run,
// from the kernel's "busy", not the kernel's start or the replay of the
// cells above.
//
// # Memory and stack
//
// The kernel has a memory limit (KernelOptions.MemoryLimit, `seqlab kernel
// --memory-limit=2GiB`, ClientOptions.MemoryLimit; by default half the
// machine's memory, 512 MiB to 4 GiB). The garbage collector aims at 90% of
// it, and a watchdog goroutine looks every 10 ms at what the process holds
// (the Go runtime's memory, or the resident set if larger) and at the size
// of goroutine stacks. A runaway allocation or recursion cannot be stopped
// from inside the process, and the Go runtime's own "out of memory" and
// "stack overflow" are fatal errors that print only goroutine stacks; so
// the watchdog ends the kernel first, writing why on its standard error
// and exiting with a code of its own, and the client turns that into the
// cell's error ("the cell used more than 4.0 GiB of memory, the kernel's
// limit (--memory-limit); …"). What the watchdog cannot see coming — an
// allocation the system refuses at once — the client recognises from the
// runtime's crash report.
//
// # Cells
//
// Each cell goes through the pre-pass (package prepass), which splits mixed
// declarations and statements, rewrites what yaegi v0.16 lacks (range over
// integers and functions, per-iteration loop variables, min, max, clear) and
// keeps error positions the cell's own. The value of a bare final
// expression is shown (a *mat.Dense in rows, a display.Value as rich output).
// Everything written to the kernel's stdout and stderr — fmt, println, log,
// os.Stdout, output of compiled seqlab code — is captured through pipes and
// streamed while the cell runs, capped at 8 MiB a cell. os.Exit panics
// instead of ending the kernel; os/exec, syscall and unsafe exist only with
// --unrestricted. A cell that redefines a type (which a running Go program
// cannot do) makes the client restart the kernel and replay the cells above
// (Client.ExecuteWith).
//
// # Protocol
//
// The client writes one JSON Request per line to the kernel's stdin; the
// kernel writes one JSON Reply per line to its stdout. Requests:
//
//	{"id":"r1","op":"execute","cell":"c3","code":"fmt.Println(1)"}
//	{"id":"r2","op":"interrupt"}                       cancel the running cell
//	{"id":"r3","op":"restart"}                         a fresh interpreter in the same process
//	{"id":"r4","op":"complete","code":"lstm.Ti","pos":7}
//	{"id":"r5","op":"inspect","code":"lstm.New(","pos":6}
//	{"id":"r6","op":"shutdown"}
//
// Every request needs an id; complete and inspect need a pos within code.
// A request the kernel cannot read gets an error reply (with its id, when
// it has one, and then a done reply). decodeRequest and decodeReply are the
// two ends' readers.
//
// Replies carry the id of their request. An execute request gets, in order,
// stream replies ({"type":"stream","name":"stdout","text":"1\n"}) and
// display replies ({"type":"display","value":{"kind":"lineplot",...}}) as
// the cell produces them, a result reply for the value of a bare final
// expression ({"type":"result","text":"42"}), an error reply if it failed
// ({"type":"error","text":"undefined: x","line":3,"col":5}, with
// "restart":true when a type was redefined), and finally one done reply
// ({"type":"done","ok":true,"ms":12}). Complete answers with
// {"type":"complete","items":["lstm.Tiny"],"start":0}, inspect with
// {"type":"inspect","text":"lstm.New: func(...)\n\nNew returns ..."}; both
// also end with done. Status replies without an id announce the kernel's
// state: {"type":"status","state":"starting"|"idle"|"busy"|"dead"}.
//
// # Example
//
//	c := repl.NewClient(repl.ClientOptions{})
//	defer c.Close()
//	err := c.Execute(ctx, "c1", `fmt.Println("hello")`, func(ev repl.Event) {
//		fmt.Print(ev.Text)
//	})
package repl
