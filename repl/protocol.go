package repl

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

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

// maxIDLen bounds request ids: the client numbers its requests ("r12").
const maxIDLen = 64

// decodeRequest reads one request line and checks it: a known op, an id,
// and for complete and inspect a cursor within the code. On an error the
// returned Request still carries the id, when the line had one, so that
// the kernel can end the request.
func decodeRequest(line []byte) (Request, error) {
	var req Request
	if err := json.Unmarshal(line, &req); err != nil {
		// A field of the wrong type leaves the others decoded: answer
		// with the id, if it is one, so that the request ends.
		if len(req.ID) > maxIDLen || !utf8.ValidString(req.ID) {
			req.ID = ""
		}
		return Request{ID: req.ID}, fmt.Errorf("kernel: malformed request (%v); requests are one JSON object per line", err)
	}
	if req.ID == "" || len(req.ID) > maxIDLen || !utf8.ValidString(req.ID) {
		id := req.ID
		req.ID = ""
		if id == "" {
			return req, fmt.Errorf("kernel: request without an id (op %q)", req.Op)
		}
		return req, fmt.Errorf("kernel: bad request id %.20q", id)
	}
	switch req.Op {
	case OpExecute, OpInterrupt, OpRestart, OpShutdown:
	case OpComplete, OpInspect:
		if req.Pos < 0 || req.Pos > len(req.Code) {
			return req, fmt.Errorf("kernel: %s: cursor %d is outside the code (0 to %d)", req.Op, req.Pos, len(req.Code))
		}
	case "":
		return req, errors.New("kernel: request without an op")
	default:
		return req, fmt.Errorf("kernel: unknown op %.40q", req.Op)
	}
	return req, nil
}

// Kernel states a status reply announces.
var kernelStates = map[string]bool{"starting": true, "idle": true, "busy": true, "dead": true}

// decodeReply reads one reply line and checks it: a known type, the
// fields that type needs, no negative positions or times.
func decodeReply(line []byte) (Reply, error) {
	var r Reply
	if err := json.Unmarshal(line, &r); err != nil {
		return Reply{}, fmt.Errorf("kernel: malformed reply (%v)", err)
	}
	bad := func(why string) (Reply, error) {
		return Reply{}, fmt.Errorf("kernel: bad %s reply: %s", r.Type, why)
	}
	if len(r.ID) > maxIDLen {
		return bad("id too long")
	}
	if r.Line < 0 || r.Col < 0 || r.Ms < 0 || r.Start < 0 {
		return bad("negative position or time")
	}
	switch r.Type {
	case TypeStream:
		if r.Name != "stdout" && r.Name != "stderr" {
			return bad(fmt.Sprintf("stream %.20q", r.Name))
		}
	case TypeDisplay:
		if len(r.Value) == 0 {
			return bad("no value")
		}
	case TypeStatus:
		if !kernelStates[r.State] {
			return bad(fmt.Sprintf("state %.20q", r.State))
		}
	case TypeError: // without an id: about a request the kernel could not read
	case TypeResult, TypeDone, TypeComplete, TypeInspect:
		if r.ID == "" {
			return bad("no id")
		}
	default:
		return Reply{}, fmt.Errorf("kernel: unknown reply type %.20q", r.Type)
	}
	return r, nil
}

// Exit codes of a kernel that stopped itself because of the running cell,
// after writing why on its standard error, in a line that starts with
// stoppedPrefix.
const (
	exitMemoryLimit   = 86 // the kernel used more than its memory limit
	exitStackOverflow = 87 // a goroutine's stack grew towards the most the runtime allows
	stoppedPrefix     = "seqlab kernel stopped: "
)
