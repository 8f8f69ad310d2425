package bench

import (
	"fmt"
	"io"
)

// Units are the benchfmt metadata lines for seqlab's custom units: which
// direction is better, and which are exact measurements (benchstat then
// compares them without assuming noise).
var Units = []string{
	"Unit recall better=higher assume=exact",
	"Unit mse better=lower assume=exact",
	"Unit loss better=lower assume=exact",
	"Unit steps better=lower assume=exact",
	"Unit state-B better=lower assume=exact",
	"Unit peak-B better=lower",
	"Unit ns/token better=lower",
	"Unit tokens/s better=higher",
}

// WriteUnits writes the Unit lines; benchmark output that starts with them
// tells benchstat how to read the custom units.
func WriteUnits(w io.Writer) {
	for _, u := range Units {
		fmt.Fprintln(w, u)
	}
}
