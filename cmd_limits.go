package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/seqlab/seqlab/internal/bytesize"
	"github.com/seqlab/seqlab/internal/settings"
	"github.com/seqlab/seqlab/repl"
)

// limits are the flags that protect the machine from a runaway cell, shared
// by the app and `seqlab run`: their defaults come from the settings file
// (internal/settings), and a flag given on the command line wins.
type limits struct {
	memory      string
	cellTimeout time.Duration
	settingsDir string
	notice      error // the settings file was not valid (it was replaced)
}

// limitFlags defines --memory-limit and --cell-timeout on fs.
func limitFlags(fs *flag.FlagSet) *limits {
	o := new(limits)
	fs.StringVar(&o.memory, "memory-limit", "", "the most memory the kernel may use, e.g. 2GiB or 512MiB; a cell that needs more is stopped (default: memory_limit in the settings file, else half the machine's memory, 512 MiB to 4 GiB)")
	fs.DurationVar(&o.cellTimeout, "cell-timeout", 0, "interrupt a cell that runs longer than this, e.g. 30s (default: cell_timeout in the settings file, else no limit)")
	return o
}

// apply reads the settings file and fills in the memory limit (bytes), the
// cell timeout and, if autosave is not nil, the autosave interval: from the
// flags where they were given, else from the settings. A settings file that
// is not valid is no error here: it has been moved aside and replaced by the
// defaults, and o.notice says so, for the caller to show.
func (o *limits) apply(fs *flag.FlagSet, memory *int64, cellTimeout, autosave *time.Duration) error {
	v, err := settings.Effective(o.settingsDir)
	if err != nil {
		o.notice = err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	*memory, *cellTimeout = v.MemoryLimit, v.CellTimeout
	if autosave != nil {
		*autosave = v.Autosave
	}
	if set["memory-limit"] {
		n, err := bytesize.Parse(o.memory)
		if err != nil {
			return fmt.Errorf("--memory-limit: %w", err)
		}
		*memory = n
	}
	if *memory != 0 && *memory < repl.MinMemoryLimit {
		from := "memory_limit in " + settings.Path(o.settingsDir)
		if set["memory-limit"] {
			from = "--memory-limit"
		}
		return fmt.Errorf("%s is %s, less than the %s a kernel needs", from, bytesize.Format(*memory), bytesize.Format(repl.MinMemoryLimit))
	}
	if set["cell-timeout"] {
		if o.cellTimeout < 0 {
			return fmt.Errorf("--cell-timeout %v: a timeout cannot be negative; 0 means no limit", o.cellTimeout)
		}
		*cellTimeout = o.cellTimeout
	}
	return nil
}
