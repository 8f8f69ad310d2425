package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// GradCheckConfig tunes CheckGradients. Zero values take the defaults.
type GradCheckConfig struct {
	Eps         float64 // finite-difference step h; default 1e-3
	MaxPerParam int     // entries checked per parameter, chosen at random in larger ones; default 64, -1 checks all
	Floor       float64 // relative errors are measured against max(|analytic|, |numeric|, Floor); default 1e-6
	Seed        uint64  // picks the entries checked in large parameters
}

// ParamCheck is the result of checking one parameter.
type ParamCheck struct {
	Name      string
	Checked   int     // entries compared
	MaxRelErr float64 // largest relative error among them
	MaxAbsErr float64 // largest absolute error among them
	Worst     int     // flat index of the entry with the largest relative error
	Analytic  float64 // analytic gradient at Worst
	Numeric   float64 // central-difference gradient at Worst
}

// GradCheck is the result of CheckGradients.
type GradCheck []ParamCheck

// MaxRelErr is the largest relative error over all parameters.
func (g GradCheck) MaxRelErr() float64 {
	m := 0.0
	for _, p := range g {
		m = math.Max(m, p.MaxRelErr)
	}
	return m
}

// String is a table with a line per parameter.
func (g GradCheck) String() string {
	var sb strings.Builder
	for _, p := range g {
		fmt.Fprintf(&sb, "%-28s checked %4d  max rel err %.2e  (analytic %.6g, numeric %.6g)\n",
			p.Name, p.Checked, p.MaxRelErr, p.Analytic, p.Numeric)
	}
	return sb.String()
}

// CheckGradients compares analytic gradients with central finite differences.
//
// lossAndGrad must zero the gradients, run a forward and a backward pass and
// return the loss; it is called once to collect the analytic gradients, then
// four times per checked entry θᵢ to form the fourth-order central difference
//
//	numeric = (L(θᵢ−2h) − 8·L(θᵢ−h) + 8·L(θᵢ+h) − L(θᵢ+2h)) / 12h
//
// whose error is O(h⁴) instead of the O(h²) of the two-point formula: with
// h = 1e-3 both truncation and rounding stay near 1e-12, so float64 models
// can be held to relative errors below 1e-6.
//
// The relative error of an entry is |analytic − numeric| / max(|analytic|,
// |numeric|, Floor). Values are restored after each probe. Use it in tests
// and in the REPL to check a layer you wrote yourself.
func CheckGradients(lossAndGrad func() float64, params []*Param, cfg GradCheckConfig) GradCheck {
	if cfg.Eps == 0 {
		cfg.Eps = 1e-3
	}
	if cfg.MaxPerParam == 0 {
		cfg.MaxPerParam = 64
	}
	if cfg.Floor == 0 {
		cfg.Floor = 1e-6
	}
	lossAndGrad()
	analytic := make([][]float64, len(params))
	for k, p := range params {
		analytic[k] = append([]float64(nil), p.GradData()...)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	out := make(GradCheck, 0, len(params))
	for k, p := range params {
		w := p.Data()
		idx := make([]int, len(w))
		for i := range idx {
			idx[i] = i
		}
		if cfg.MaxPerParam > 0 && len(idx) > cfg.MaxPerParam {
			rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:cfg.MaxPerParam]
		}
		pc := ParamCheck{Name: p.Name, Checked: len(idx)}
		for _, i := range idx {
			orig, h := w[i], cfg.Eps
			at := func(x float64) float64 { w[i] = x; return lossAndGrad() }
			num := (at(orig-2*h) - 8*at(orig-h) + 8*at(orig+h) - at(orig+2*h)) / (12 * h)
			w[i] = orig
			an := analytic[k][i]
			abs := math.Abs(an - num)
			rel := abs / math.Max(math.Max(math.Abs(an), math.Abs(num)), cfg.Floor)
			if i == idx[0] || rel > pc.MaxRelErr {
				pc.MaxRelErr, pc.Worst, pc.Analytic, pc.Numeric = rel, i, an, num
			}
			pc.MaxAbsErr = math.Max(pc.MaxAbsErr, abs)
		}
		out = append(out, pc)
	}
	// Leave the analytic gradients in place, as after a normal backward pass.
	for k, p := range params {
		copy(p.GradData(), analytic[k])
	}
	return out
}
