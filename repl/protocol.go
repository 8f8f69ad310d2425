package repl

import "encoding/json"

// Request is one line the client sends to the kernel.
type Request struct {
	ID   string `json:"id"`             // chosen by the client; every reply carries it
	Op   string `json:"op"`             // execute, interrupt, restart, complete, inspect, shutdown
	Cell string `json:"cell,omitempty"` // execute: the notebook cell's id, for messages
	Code string `json:"code,omitempty"` // execute, complete, inspect: the cell's source
	Pos  int    `json:"pos,omitempty"`  // complete, inspect: byte offset of the cursor in Code
}

// Operations a Request can ask for.
const (
	OpExecute   = "execute"
	OpInterrupt = "interrupt"
	OpRestart   = "restart"
	OpComplete  = "complete"
	OpInspect   = "inspect"
	OpShutdown  = "shutdown"
)

// Reply is one line the kernel sends to the client. Every request gets zero
// or more stream, display, result and error replies, then exactly one done
// reply; status replies (without an id) announce the kernel's state.
type Reply struct {
	ID   string `json:"id,omitempty"`
	Type string `json:"type"` // stream, display, result, error, done, status, complete, inspect

	Name  string          `json:"name,omitempty"`  // stream: stdout or stderr
	Text  string          `json:"text,omitempty"`  // stream, result, error: text; inspect: the doc
	Value json.RawMessage `json:"value,omitempty"` // display (and result of a display value): the value's JSON (package display)

	Line    int  `json:"line,omitempty"`    // error: position in the cell, 1-based, if known
	Col     int  `json:"col,omitempty"`     // error
	Restart bool `json:"restart,omitempty"` // error: the kernel must restart and replay the cells above (a type was redefined)

	State string   `json:"state,omitempty"` // status: starting, idle, busy
	OK    bool     `json:"ok,omitempty"`    // done: the request succeeded
	Ms    int64    `json:"ms,omitempty"`    // done: wall time of the request
	Items []string `json:"items,omitempty"` // complete: candidates
	Start int      `json:"start,omitempty"` // complete: byte offset where the completed word starts
}

// Reply types.
const (
	TypeStream   = "stream"
	TypeDisplay  = "display"
	TypeResult   = "result"
	TypeError    = "error"
	TypeDone     = "done"
	TypeStatus   = "status"
	TypeComplete = "complete"
	TypeInspect  = "inspect"
)
