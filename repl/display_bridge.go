package repl

import (
	"reflect"

	"github.com/seqlab/seqlab/display"
)

// asDisplay turns a display.Value into a display reply.
func asDisplay(v reflect.Value) (Reply, bool) {
	if !v.IsValid() || !v.CanInterface() {
		return Reply{}, false
	}
	dv, ok := v.Interface().(display.Value)
	if !ok || isNilPointer(v) {
		return Reply{}, false
	}
	data, err := display.Marshal(dv)
	if err != nil {
		return Reply{Type: TypeResult, Text: "[display: " + err.Error() + "]"}, true
	}
	return Reply{Type: TypeDisplay, Value: data}, true
}
