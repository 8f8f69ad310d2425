//go:build !amd64 || purego

package vmath

// useAsm is false: this build has only the pure-Go code.
var useAsm = false

// expBlocks, expShiftBlocks and erfBlocks leave all of dst to the Go loops.
func expBlocks(dst, x []float64) int                                    { return 0 }
func expShiftBlocks(dst, x []float64, shift float64, s *[4]float64) int { return 0 }
func erfBlocks(dst, x []float64) int                                    { return 0 }
