package prepass_test

import (
	"fmt"
	"go/importer"

	"github.com/seqlab/seqlab/repl/prepass"
)

func ExampleState_Prepare() {
	st := prepass.NewState(importer.Default(), map[string]string{"fmt": "fmt"})
	cell := "func double(x int) int { return 2 * x }\n" +
		"n := 3\n" +
		"for i := range n {\n" +
		"    fmt.Println(double(i))\n" +
		"}\n" +
		"double(n)"
	p, err := st.Prepare(cell)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range p.Segments {
		fmt.Printf("decl=%v:%s\n", s.Decl, s.Src)
	}
	fmt.Println("show:", p.Show)
	// Output:
	// decl=true:
	// //line _.go:1:1
	// func double(x int) int { return 2 * x }
	// decl=false:;
	// //line _.go:2:1
	// n := 3
	// for __seqlab_i1, __seqlab_n2 := 0, /*line _.go:3:16*/n; __seqlab_i1 < __seqlab_n2; __seqlab_i1++ { i := __seqlab_i1;/*line _.go:3:19*/
	//     fmt.Println(double(i))
	// }
	// double(n)
	// show: true
}
