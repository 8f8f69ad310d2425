package notebook_test

import (
	"fmt"

	"github.com/seqlab/seqlab/notebook"
)

func Example() {
	src := "# Sum\n\n```go\n1 + 2\n```\n\n```output result\n3\n```\n\nDone.\n"
	nb, err := notebook.Parse([]byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range nb.Cells {
		fmt.Printf("%s %s %q %v\n", c.ID, c.Kind, c.Source, c.Outputs)
	}

	c := nb.CodeCells()[0]
	c.Source = "1 + 2 + 3"
	c.Outputs = []notebook.Output{{Kind: notebook.Result, Text: "6"}}
	fmt.Print(string(nb.Markdown(true)))
	fmt.Println("--- without outputs:")
	fmt.Print(string(nb.Markdown(false)))
	// Output:
	// c1 markdown "# Sum\n\n" []
	// c2 code "1 + 2" [{result 3}]
	// c3 markdown "\nDone.\n" []
	// # Sum
	//
	// ```go
	// 1 + 2 + 3
	// ```
	//
	// ```output result
	// 6
	// ```
	//
	// Done.
	// --- without outputs:
	// # Sum
	//
	// ```go
	// 1 + 2 + 3
	// ```
	//
	// Done.
}

func ExampleParse_error() {
	_, err := notebook.Parse([]byte("# Lesson\n\n```go\nx := 1\n"))
	fmt.Println(err)
	// Output:
	// line 3: the ```go fence opened here is never closed
}
