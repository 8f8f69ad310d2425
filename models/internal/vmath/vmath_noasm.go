//go:build !amd64 || purego

package vmath

import "math"

// useAsm is false: this build has only the pure-Go code.
var useAsm = false

// expBlocks, expShiftBlocks, erfBlocks, tanhBlocks, maxBlocks, scaleBlocks
// and addBlocks leave all of dst to the Go loops.
func expBlocks(dst, x []float64) int                                    { return 0 }
func expShiftBlocks(dst, x []float64, shift float64, s *[4]float64) int { return 0 }
func erfBlocks(dst, x []float64) int                                    { return 0 }
func tanhBlocks(dst, x []float64) int                                   { return 0 }
func maxBlocks(x []float64) (float64, int)                              { return math.Inf(-1), 0 }
func scaleBlocks(x []float64, s float64) int                            { return 0 }
func addBlocks(dst, x []float64) int                                    { return 0 }
