//go:build (386 || amd64) && !amd64.v3

package gemm

// hasFMA reports whether math.FMA compiles to a bare instruction. Not in
// this build: below GOAMD64=v3 it tests the CPU at every call and the branch
// makes the compiler spill the kernel's accumulators, so the pure-Go kernel
// multiplies and adds separately instead (GOAMD64=v3 builds fuse them).
func hasFMA() bool { return false }
