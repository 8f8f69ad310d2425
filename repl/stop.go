package repl

import (
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegiStop is the interpreter's own stop: it ends every running
// interpreted frame at its next step and unblocks its channel operations.
// yaegi only calls it from EvalWithContext, and then returns at once while
// the cell may still be inside a compiled call; the kernel must know when
// the cell has really finished (to restart the kernel if it never does), so
// it runs EvalWithContext with a context that is never cancelled and stops
// the interpreter itself.
//
//go:linkname yaegiStop github.com/traefik/yaegi/interp.(*Interpreter).stop
func yaegiStop(*interp.Interpreter)

var _ unsafe.Pointer // go:linkname needs the unsafe import
