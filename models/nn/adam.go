package nn

import (
	"fmt"
	"math"
)

// AdamConfig holds Adam's hyper-parameters. Zero values take PyTorch's
// defaults (β₁ 0.9, β₂ 0.999, ε 1e-8); LR has no default.
type AdamConfig struct {
	LR     float64 // e.g. 1e-3
	Beta1  float64 // e.g. 0.9
	Beta2  float64 // e.g. 0.999
	Eps    float64 // e.g. 1e-8
	Weight float64 // L2 weight decay added to the gradient, e.g. 0 (as torch.optim.Adam's weight_decay)
}

// Validate reports a configuration Adam cannot run with.
func (c AdamConfig) Validate() error {
	switch {
	case math.IsNaN(c.LR) || math.IsInf(c.LR, 0):
		return fmt.Errorf("nn: Adam learning rate is %v; use a finite positive value such as 1e-3", c.LR)
	case c.LR < 0:
		return fmt.Errorf("nn: Adam learning rate %g is negative; use a positive value such as 1e-3", c.LR)
	case c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1:
		return fmt.Errorf("nn: Adam betas (%g, %g) must lie in [0, 1); the usual ones are (0.9, 0.999)", c.Beta1, c.Beta2)
	case c.Eps < 0 || math.IsNaN(c.Eps):
		return fmt.Errorf("nn: Adam epsilon %g must be ≥ 0; the usual one is 1e-8", c.Eps)
	}
	return nil
}

// Adam is the Adam optimiser with bias correction (Kingma & Ba 2015), as
// torch.optim.Adam computes it. For each parameter θ with gradient g, at step t:
//
//	m ← β₁·m + (1−β₁)·g
//	v ← β₂·v + (1−β₂)·g²
//	θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
type Adam struct {
	AdamConfig
	Params []*Param

	t    int
	m, v [][]float64
}

// NewAdam returns an optimiser for params. Zero fields of cfg take the defaults.
func NewAdam(params []*Param, cfg AdamConfig) *Adam {
	if cfg.Beta1 == 0 {
		cfg.Beta1 = 0.9
	}
	if cfg.Beta2 == 0 {
		cfg.Beta2 = 0.999
	}
	if cfg.Eps == 0 {
		cfg.Eps = 1e-8
	}
	a := &Adam{AdamConfig: cfg, Params: params}
	for _, p := range params {
		a.m = append(a.m, make([]float64, p.Size()))
		a.v = append(a.v, make([]float64, p.Size()))
	}
	return a
}

// Steps is the number of updates made so far.
func (a *Adam) Steps() int { return a.t }

// Step updates every parameter from its gradient with the current a.LR.
func (a *Adam) Step() {
	a.t++
	b1, b2 := a.Beta1, a.Beta2
	c1 := 1 - math.Pow(b1, float64(a.t))
	c2 := 1 - math.Pow(b2, float64(a.t))
	stepSize := a.LR / c1
	sqrtC2 := math.Sqrt(c2)
	for k, p := range a.Params {
		w, g, m, v := p.Data(), p.GradData(), a.m[k], a.v[k]
		for i := range w {
			gi := g[i]
			if a.Weight != 0 {
				gi += a.Weight * w[i]
			}
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			w[i] -= stepSize * m[i] / (math.Sqrt(v[i])/sqrtC2 + a.Eps)
		}
	}
}

// WarmupLR is the learning rate at step (counting from 0) of a linear warm-up
// over the first warmup steps: base·min(1, (step+1)/warmup). warmup ≤ 0 means
// no warm-up.
func WarmupLR(base float64, step, warmup int) float64 {
	if warmup <= 0 || step+1 >= warmup {
		return base
	}
	return base * float64(step+1) / float64(warmup)
}
