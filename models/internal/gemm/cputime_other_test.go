//go:build !unix

package gemm

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
