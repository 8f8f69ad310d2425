//go:build !386 && !(amd64 && !amd64.v3)

package gemm

import "runtime"

// hasFMA reports whether math.FMA compiles to a bare instruction: it does on
// these architectures, whose base instruction sets include a fused
// multiply-add, and on amd64 with GOAMD64=v3 or higher.
func hasFMA() bool {
	switch runtime.GOARCH {
	case "amd64", "arm64", "loong64", "ppc64", "ppc64le", "riscv64", "s390x":
		return true
	}
	return false
}
