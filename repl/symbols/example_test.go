package symbols_test

import (
	"fmt"

	"github.com/seqlab/seqlab/repl/symbols"
	"github.com/traefik/yaegi/interp"
)

// A notebook's interpreter: Symbols makes seqlab, gonum and the standard
// library importable from cells.
func Example() {
	i := interp.New(interp.Options{})
	if err := i.Use(symbols.Symbols); err != nil {
		panic(err)
	}
	for _, src := range []string{
		`import "strings"`,
		`import "github.com/seqlab/seqlab/models/lstm"`,
	} {
		if _, err := i.Eval(src); err != nil {
			panic(err)
		}
	}
	v, err := i.Eval(`strings.Fields("the cat sat")`)
	fmt.Println(v, err)
	v, err = i.Eval(`lstm.Tiny().Validate()`)
	fmt.Println(v, err)

	_, err = i.Eval(`import "os/exec"`)
	fmt.Println(err != nil) // only with Unrestricted
	// Output:
	// [the cat sat] <nil>
	// <nil> <nil>
	// true
}
