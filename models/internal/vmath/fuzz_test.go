package vmath

import (
	"math"
	"testing"
)

// FuzzExp checks Exp against math.Exp: the results must be within 1 ulp of
// each other, or else Exp's within 1 ulp of the correctly rounded result
// (math.Exp is not always within 1 ulp: on amd64, its assembly returns +Inf
// for x in (709.44, 709.78] and is off by up to 1.5 ulp elsewhere). It also
// checks that the assembly and the Go code agree, in every lane.
func FuzzExp(f *testing.F) {
	for _, x := range []float64{
		0, 1, -1, 0.5, 1e-300, -1e-300, 10, -10, 88.7, -87.3, 700, -700, 708, -708,
		708.5, -708.5, 709.5, 709.782712893384, 709.7827128933841, -720, -745.1332191019411,
		-745.1332191019412, -745.2, 710, -746, math.Inf(1), math.Inf(-1), math.NaN(),
	} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		lanes := eachLane(Exp, x)
		got := lanes[0]
		for _, y := range lanes {
			if !same(y, got) {
				t.Fatalf("Exp(%v): %v and %v in different lanes or code paths", x, got, y)
			}
		}
		want := math.Exp(x)
		switch {
		case math.IsNaN(x):
			if !same(got, x) {
				t.Fatalf("Exp(%v) = %v, want x itself", x, got)
			}
		case ulpDist(got, want) <= 1:
		default:
			if cr, _ := refExp(x, got); ulpDist(got, cr) > 1 {
				t.Fatalf("Exp(%v) = %v, math.Exp %v, correctly rounded %v", x, got, want, cr)
			}
		}
	})
}
