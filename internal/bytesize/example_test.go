package bytesize_test

import (
	"fmt"

	"github.com/seqlab/seqlab/internal/bytesize"
)

func ExampleParse() {
	for _, s := range []string{"512MiB", "4G", "1.5GB", "1.5GiB", "1048576", "lots"} {
		n, err := bytesize.Parse(s)
		fmt.Println(n, err)
	}
	// Output:
	// 536870912 <nil>
	// 4294967296 <nil>
	// 1500000000 <nil>
	// 1610612736 <nil>
	// 1048576 <nil>
	// 0 invalid size "lots": not a size; write a number of bytes with a unit, such as "512MiB", "4GiB" or "1.5GB" (KiB, MiB, GiB, TiB, and K, M, G, T, are powers of 1024; kB, MB, GB, TB powers of 1000), or plain bytes such as "1048576"
}

func ExampleFormat() {
	for _, n := range []int64{512, 1536, 300 << 20, 4 << 30} {
		fmt.Println(bytesize.Format(n))
	}
	// Output:
	// 512 bytes
	// 1.5 KiB
	// 300.0 MiB
	// 4.0 GiB
}
