package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// Fit y = 2x + 1 with one linear unit, Adam and the mean squared error.
func Example() {
	rng := rand.New(rand.NewPCG(1, 1))
	lin := nn.NewLinear("lin", 1, 1, rng)
	opt := nn.NewAdam(lin.Params(), nn.AdamConfig{LR: 0.1})
	x := mat.NewDense(4, 1, []float64{-1, 0, 1, 2})
	want := []float64{-1, 1, 3, 5}
	y, dy := mat.NewDense(4, 1, nil), mat.NewDense(4, 1, nil)
	var loss float64
	for range 500 {
		nn.ZeroGrad(lin.Params())
		lin.Forward(y, x)
		loss = nn.MSE(y, nil, want, dy)
		lin.Backward(nil, dy)
		opt.Step()
	}
	fmt.Printf("w = %.3f, b = %.3f, loss %.4f\n", lin.Weight.Data()[0], lin.Bias.Data()[0], loss)
	// Output:
	// w = 2.000, b = 1.000, loss 0.0000
}

// Check a layer's backward pass against finite differences.
func ExampleCheckGradients() {
	rng := rand.New(rand.NewPCG(1, 1))
	ln := nn.NewLayerNorm("ln", 4)
	x := mat.NewDense(3, 4, []float64{1, 2, 3, 4, -1, 0, 2, 5, 0.5, 0.1, -0.3, 2})
	y, dy := mat.NewDense(3, 4, nil), mat.NewDense(3, 4, nil)
	w := mat.NewDense(3, 4, nil) // a random projection makes the loss depend on every output
	for i := range 3 {
		for j := range 4 {
			w.Set(i, j, rng.NormFloat64())
		}
	}
	res := nn.CheckGradients(func() float64 {
		nn.ZeroGrad(ln.Params())
		ln.Forward(y, x)
		dy.Copy(w)
		ln.Backward(dy, dy)
		var l mat.Dense
		l.MulElem(w, y)
		return mat.Sum(&l)
	}, ln.Params(), nn.GradCheckConfig{})
	fmt.Println("all below 1e-6:", res.MaxRelErr() < 1e-6)
	// Output:
	// all below 1e-6: true
}
