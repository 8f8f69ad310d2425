package settings_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/seqlab/seqlab/internal/settings"
)

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "seqlab-config")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, settings.FileName), []byte(`{"memory_limit": "4GiB", "cell_timeout": "30s"}`), 0o644)

	s, err := settings.Load(dir)
	if err != nil {
		fmt.Println(err) // the file was bad: moved aside, s is the defaults
	}
	v, _ := s.Values()
	fmt.Println(v.MemoryLimit, v.CellTimeout, v.Autosave)
	// Output: 4294967296 30s 5s
}

func ExampleParseSize() {
	for _, s := range []string{"512MiB", "1.5GB", "1048576", "lots"} {
		n, err := settings.ParseSize(s)
		fmt.Println(n, err)
	}
	// Output:
	// 536870912 <nil>
	// 1500000000 <nil>
	// 1048576 <nil>
	// 0 invalid size "lots": not a size; write a number of bytes with a unit, such as "512MiB", "4GiB" or "1.5GB" (KiB, MiB, GiB, TiB, and K, M, G, T, are powers of 1024; kB, MB, GB, TB powers of 1000), or plain bytes such as "1048576"
}
