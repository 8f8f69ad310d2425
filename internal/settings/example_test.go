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
