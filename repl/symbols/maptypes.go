package symbols

import (
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"reflect"
)

// mapTypes tells the interpreter which interfaces a compiled function looks
// for in an interface{} argument, so that a value of an interpreted type is
// wrapped with its String, Format, MarshalJSON... methods when it crosses into
// compiled code: fmt.Println(x) calls the cell's x.String(). It follows
// github.com/traefik/yaegi/stdlib/maptypes.go and wrapper-composed.go
// (Apache-2.0), for the packages in Symbols.
var mapTypes = map[reflect.Value][]reflect.Type{}

func init() {
	Symbols["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}

	printing := []reflect.Type{
		reflect.TypeFor[fmt.Formatter](),
		reflect.TypeFor[fmt.Stringer](),
	}
	for _, f := range []any{
		fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln, fmt.Print, fmt.Printf, fmt.Println,
		fmt.Sprint, fmt.Sprintf, fmt.Sprintln, fmt.Append, fmt.Appendf, fmt.Appendln,
		log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln,
		log.Print, log.Printf, log.Println,
	} {
		mapTypes[reflect.ValueOf(f)] = printing
	}
	scanning := []reflect.Type{reflect.TypeFor[fmt.Scanner]()}
	for _, f := range []any{fmt.Scan, fmt.Scanf, fmt.Scanln, fmt.Fscan, fmt.Fscanf, fmt.Fscanln, fmt.Sscan, fmt.Sscanf, fmt.Sscanln} {
		mapTypes[reflect.ValueOf(f)] = scanning
	}
	mapTypes[reflect.ValueOf(json.Marshal)] = []reflect.Type{
		reflect.TypeFor[json.Marshaler](),
		reflect.TypeFor[encoding.TextMarshaler](),
	}
	mapTypes[reflect.ValueOf(json.MarshalIndent)] = mapTypes[reflect.ValueOf(json.Marshal)]
	mapTypes[reflect.ValueOf(json.Unmarshal)] = []reflect.Type{
		reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextUnmarshaler](),
	}

	// io.Copy looks for WriterTo on its Reader and ReaderFrom on its Writer.
	mapTypes[reflect.ValueOf((*_io_Reader)(nil))] = []reflect.Type{reflect.TypeFor[ioReaderWriteTo]()}
	mapTypes[reflect.ValueOf((*_io_Writer)(nil))] = []reflect.Type{reflect.TypeFor[ioWriterReadFrom]()}
}

// ioReaderWriteTo wraps an interpreted io.Reader that also has WriteTo.
// Field order matters: the interpreter matches the W-prefixed fields after
// IValue against the value's methods.
type ioReaderWriteTo struct {
	IValue   any
	WRead    func(p []byte) (n int, err error)
	WWriteTo func(w io.Writer) (n int64, err error)
}

func (w ioReaderWriteTo) Read(p []byte) (n int, err error)          { return w.WRead(p) }
func (w ioReaderWriteTo) WriteTo(wr io.Writer) (n int64, err error) { return w.WWriteTo(wr) }

// ioWriterReadFrom wraps an interpreted io.Writer that also has ReadFrom.
type ioWriterReadFrom struct {
	IValue    any
	WWrite    func(p []byte) (n int, err error)
	WReadFrom func(r io.Reader) (n int64, err error)
}

func (w ioWriterReadFrom) Write(p []byte) (n int, err error)         { return w.WWrite(p) }
func (w ioWriterReadFrom) ReadFrom(r io.Reader) (n int64, err error) { return w.WReadFrom(r) }
