package tasks_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/seqlab/seqlab/tasks"
)

func ExampleDelayed() {
	task, err := tasks.Delayed(4)
	if err != nil {
		fmt.Println(err)
		return
	}
	rng := rand.New(rand.NewPCG(1, 1))
	batch := tasks.NewBatch(task, 3, rng)

	s := task.Spec()
	fmt.Println(s)
	for b := range batch.B {
		fmt.Println("sequence", b, batch.Tokens[b*s.T:(b+1)*s.T])
	}
	fmt.Println("queried at", batch.Pos, "answers", batch.Targets)

	// A model that always says key 0 scores at the queried rows only.
	out := mat.NewDense(batch.B*batch.T, s.Outputs, nil)
	for _, p := range batch.Pos {
		out.Set(p, 0, 1)
	}
	fmt.Printf("accuracy of always 0: %.2f\n", batch.Accuracy(out))
	// Output:
	// delayed lag=4 (T=6, V=17, chance 0.125)
	// sequence 0 [0 11 12 12 13 16]
	// sequence 1 [6 10 13 11 12 16]
	// sequence 2 [5 10 15 14 13 16]
	// queried at [5 11 17] answers [0 6 5]
	// accuracy of always 0: 0.33
}

func ExampleNew() {
	// A size from each task's standard sweep.
	size := map[string]int{"delayed": 64, "adding": 100, "mqar": 8, "induction": 64}
	for _, name := range tasks.Names() {
		task, err := tasks.New(name, size[name])
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(task.Spec())
	}
	_, err := tasks.New("mqar", 30)
	fmt.Println(err)
	// Output:
	// delayed lag=64 (T=66, V=17, chance 0.125)
	// adding T=100 (F=2, regression, baseline MSE 0.167)
	// mqar N=8 (T=64, V=128, 8 queries, chance 0.0156)
	// induction T=64 (V=21, chance 0.05)
	// tasks: mqar with 30 pairs needs T ≥ 90 (2N for the pairs, N for the queries), but T=64; use N ≤ 21 or T ≥ 90
}
