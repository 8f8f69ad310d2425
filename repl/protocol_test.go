package repl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// requestSeeds are request lines, real and broken, for the decoder's tests
// and fuzzer.
var requestSeeds = []string{
	`{"id":"r1","op":"execute","cell":"c3","code":"fmt.Println(1)"}`,
	`{"id":"r2","op":"interrupt"}`,
	`{"id":"r3","op":"restart"}`,
	`{"id":"r4","op":"complete","code":"lstm.Ti","pos":7}`,
	`{"id":"r5","op":"inspect","code":"lstm.New(","pos":6}`,
	`{"id":"r6","op":"shutdown"}`,
	`{"id":"r7","op":"complete","code":"héllo wörld","pos":2}`, // in the middle of é
	`{"id":"r8","op":"inspect","code":"x","pos":-1}`,
	`{"id":"r9","op":"complete","code":"x","pos":99}`,
	`{"id":"r10","op":"complete","code":"x","pos":1e30}`,
	`{"id":"r11","op":"complete","code":"x","pos":1.5}`,
	`{"id":"r12","op":"launch"}`,
	`{"id":"","op":"execute","code":"1"}`,
	`{"op":"execute","code":"1"}`,
	`{"id":"r13"}`,
	`{"id":7,"op":"execute"}`,
	`{"id":"r14","op":"execute","code":"1"} trailing`,
	`{"id":"r15","op":"execute","code":"\xff\xfe"}`,
	`{"ID":"r16","OP":"execute"}`,
	`{"id":"r17","op":"execute","id":"r18"}`,
	`{"id":"` + strings.Repeat("x", 100) + `","op":"execute"}`,
	`{"id":"r19","op":"inspect","code":"a.b.c","pos":3,"extra":[1,2,{}]}`,
	`null`, `[]`, `{}`, `{`, ``, `"execute"`, `{"id":null,"op":null}`,
}

// replySeeds are reply lines, real and broken.
var replySeeds = []string{
	`{"type":"status","state":"starting"}`,
	`{"type":"status","state":"idle"}`,
	`{"id":"r1","type":"status","state":"busy"}`,
	`{"type":"status","state":"dead","text":"kernel: loading symbols: boom"}`,
	`{"id":"r1","type":"stream","name":"stdout","text":"1\n"}`,
	`{"type":"stream","name":"stderr","text":"from a stray goroutine\n"}`,
	`{"id":"r1","type":"display","value":{"kind":"lineplot","series":[]}}`,
	`{"id":"r1","type":"result","text":"42"}`,
	`{"id":"r1","type":"error","text":"undefined: x","line":3,"col":5}`,
	`{"id":"r1","type":"error","text":"type point is declared differently","restart":true}`,
	`{"type":"error","text":"kernel: malformed request"}`,
	`{"id":"r1","type":"done","ok":true,"ms":12}`,
	`{"id":"r4","type":"complete","items":["lstm.Tiny"],"start":0}`,
	`{"id":"r5","type":"inspect","text":"lstm.New: func(...)"}`,
	`{"id":"r1","type":"stream","name":"stdin","text":"x"}`,
	`{"id":"r1","type":"display"}`,
	`{"id":"r1","type":"display","value":}`,
	`{"type":"status","state":"sleeping"}`,
	`{"type":"done","ok":true}`,
	`{"id":"r1","type":"error","line":-3}`,
	`{"id":"r1","type":"done","ms":-1}`,
	`{"id":"r1","type":"complete","start":-5}`,
	`{"id":"r1","type":"telemetry"}`,
	`{"id":"r1","type":"result","text":"\ud800"}`,
	`null`, `{}`, `{"type":""}`, `[`, ``, `{"type":"status","state":"idle"}{"type":"status"}`,
}

func TestDecodeRequest(t *testing.T) {
	for _, tc := range []struct {
		line    string
		wantErr string // "" for none
		wantID  string // on an error, the id the kernel answers with
	}{
		{requestSeeds[0], "", ""},
		{requestSeeds[3], "", ""},
		{requestSeeds[6], "", ""},
		{requestSeeds[7], "kernel: inspect: cursor -1 is outside the code (0 to 1)", "r8"},
		{requestSeeds[8], "kernel: complete: cursor 99 is outside the code (0 to 1)", "r9"},
		{requestSeeds[9], "malformed request", "r10"},
		{requestSeeds[10], "malformed request", "r11"},
		{requestSeeds[11], `kernel: unknown op "launch"`, "r12"},
		{requestSeeds[12], `kernel: request without an id (op "execute")`, ""},
		{requestSeeds[14], "kernel: request without an op", "r13"},
		{requestSeeds[16], "malformed request", ""},
		{requestSeeds[20], "kernel: bad request id", ""},
		{`null`, `kernel: request without an id (op "")`, ""},
		{``, "malformed request", ""},
	} {
		req, err := decodeRequest([]byte(tc.line))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.line, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err = %v; want %q", tc.line, err, tc.wantErr)
		case tc.wantErr != "" && req.ID != tc.wantID:
			t.Errorf("%s: answered as %q; want %q", tc.line, req.ID, tc.wantID)
		}
	}
}

func TestDecodeReply(t *testing.T) {
	ok := map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true, 12: true, 13: true, 23: true}
	for i, line := range replySeeds {
		_, err := decodeReply([]byte(line))
		if ok[i] != (err == nil) {
			t.Errorf("%s: err = %v; want ok = %v", line, err, ok[i])
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		req, err := decodeRequest(line)
		if err != nil {
			if req.ID != "" && (len(req.ID) > maxIDLen || !utf8.ValidString(req.ID)) {
				t.Fatalf("error %v answered with the bad id %q", err, req.ID)
			}
			return
		}
		checkRequest(t, req)
		// What the client encodes of it decodes to the same request.
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeRequest(again)
		if err != nil || back != req {
			t.Fatalf("%q decoded to %+v; encoded again and decoded: %+v, %v", line, req, back, err)
		}
	})
}

func checkRequest(t *testing.T, req Request) {
	t.Helper()
	switch req.Op {
	case OpExecute, OpInterrupt, OpRestart, OpShutdown:
	case OpComplete, OpInspect:
		if req.Pos < 0 || req.Pos > len(req.Code) {
			t.Fatalf("accepted %s with pos %d in %d bytes", req.Op, req.Pos, len(req.Code))
		}
	default:
		t.Fatalf("accepted op %q", req.Op)
	}
	if req.ID == "" || len(req.ID) > maxIDLen || !utf8.ValidString(req.ID) {
		t.Fatalf("accepted id %q", req.ID)
	}
}

func FuzzDecodeReply(f *testing.F) {
	for _, s := range replySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := decodeReply(line)
		if err != nil {
			return
		}
		switch r.Type {
		case TypeStream:
			if r.Name != "stdout" && r.Name != "stderr" {
				t.Fatalf("accepted stream %q", r.Name)
			}
		case TypeDisplay:
			if !json.Valid(r.Value) {
				t.Fatalf("accepted display value %q", r.Value)
			}
		case TypeStatus:
			if !kernelStates[r.State] {
				t.Fatalf("accepted state %q", r.State)
			}
		case TypeError:
		case TypeResult, TypeDone, TypeComplete, TypeInspect:
			if r.ID == "" {
				t.Fatalf("accepted a %s reply without an id", r.Type)
			}
		default:
			t.Fatalf("accepted type %q", r.Type)
		}
		if r.Line < 0 || r.Col < 0 || r.Ms < 0 || r.Start < 0 || len(r.ID) > maxIDLen {
			t.Fatalf("accepted %+v", r)
		}
		// What the kernel encodes of it decodes to the same reply.
		enc, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeReply(enc)
		if err != nil {
			t.Fatalf("%q decoded to %+v; encoded again: %v", line, r, err)
		}
		enc2, _ := json.Marshal(back)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("%q: %s became %s", line, enc, enc2)
		}
	})
}

var (
	fuzzSessionOnce sync.Once
	fuzzSession     *Session
)

// session is one Session for the lookup tests, with a variable and a
// struct value to inspect.
func session(t testing.TB) *Session {
	fuzzSessionOnce.Do(func() {
		s, err := NewSession(SessionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Execute(t.Context(), "héllo := 3\ntype pt struct{ X, Y int }\np := &pt{1, 2}\nvar nilPt *pt", func(Reply) {}); err != nil {
			t.Fatal(err)
		}
		fuzzSession = s
	})
	if fuzzSession == nil {
		t.Fatal("no session")
	}
	return fuzzSession
}

// TestLookupAnyPos: Complete and Inspect answer for every cursor position,
// including negative ones, ones past the end and ones inside a character.
func TestLookupAnyPos(t *testing.T) {
	s := session(t)
	for _, code := range []string{"", "héllo", "p.X + héllo", "lstm.Ti", "x := 世界.", "\xff\xfe.a", "nilPt.X", "for", "1.5", "a..b", ".", "p..", "p.X.Y.Z"} {
		for _, pos := range []int{math.MinInt, -1, 0, 1, 2, 3, len(code) - 1, len(code), len(code) + 1, math.MaxInt} {
			start, items := s.Complete(code, pos)
			if start < 0 || start > len(code) {
				t.Errorf("Complete(%q, %d): start %d", code, pos, start)
			}
			for _, it := range items {
				if !utf8.ValidString(it) {
					t.Errorf("Complete(%q, %d): item %q", code, pos, it)
				}
			}
			s.Inspect(code, pos)
		}
	}
	if _, items := s.Complete("hé", 2); len(items) != 1 || items[0] != "héllo" {
		t.Errorf("completing hé in the middle of é: %q; want héllo", items)
	}
	if doc := s.Inspect("héllo + 1", 3); doc != "héllo int = 3" {
		t.Errorf("inspecting héllo from the middle of é: %q", doc)
	}
}

// FuzzSessionLookup feeds complete and inspect requests, as the kernel
// decodes them, and raw positions to a real Session: neither may panic.
func FuzzSessionLookup(f *testing.F) {
	for _, s := range []struct {
		code string
		pos  int
	}{{"lstm.Ti", 7}, {"lstm.New(", 6}, {"héllo", 2}, {"p.X", 3}, {"nilPt.X", 7}, {"x", -1}, {"x", 99}, {"世界", 1}, {"\xff.\xfe", 1}, {"p..X", 3}} {
		f.Add(s.code, s.pos)
	}
	f.Fuzz(func(t *testing.T, code string, pos int) {
		s := session(t)
		// A lookup that hangs hangs the kernel's request loop: fail, with
		// the input, instead of stalling the fuzzer.
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				panic(fmt.Sprintf("lookup of %q at %d did not return within 5 s", code, pos))
			}
		}()
		defer close(done)
		for _, op := range []string{OpComplete, OpInspect} {
			line, _ := json.Marshal(Request{ID: "r1", Op: op, Code: code, Pos: pos})
			req, err := decodeRequest(line)
			if err != nil {
				continue
			}
			if op == OpComplete {
				start, _ := s.Complete(req.Code, req.Pos)
				if start < 0 || start > req.Pos {
					t.Fatalf("Complete(%q, %d): start %d", req.Code, req.Pos, start)
				}
			} else {
				s.Inspect(req.Code, req.Pos)
			}
		}
		s.Complete(code, pos)
		s.Inspect(code, pos)
	})
}
