package bench

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/models/transformer"
	"github.com/seqlab/seqlab/train"
	"gonum.org/v1/gonum/mat"
)

// MemoryCase is one point of the memory and cost scaling sweep: a model
// reading (mode infer) or training on (mode train) one sequence of T tokens.
type MemoryCase struct {
	Mode  string // infer: stream T tokens through Step; train: Forward and Backward over T tokens
	Model string // rnn, lstm, transformer
	T     int
}

// Name is the sub-benchmark name, e.g. "mode=infer/model=lstm/T=1024".
func (c MemoryCase) Name() string { return fmt.Sprintf("mode=%s/model=%s/T=%d", c.Mode, c.Model, c.T) }

// MemoryLengths is the sweep of BENCHMARKS.md; 4096 and 8192 run where the
// memory they need stays under memoryBudget.
var MemoryLengths = []int{64, 128, 256, 512, 1024, 2048, 4096, 8192}

// memoryBudget bounds what one case may need: the transformer's training step
// keeps Layers·Heads·T² attention weights (2 GiB at T = 8192).
const memoryBudget = 1 << 30

// Sizes of the memory sweep: the recall suite's models (hidden 64; d 64, 4
// heads, 2 layers, MLP 128), vocabulary 16, one sequence.
func memoryModel(model string, T int, rng *rand.Rand) (train.Model, error) {
	switch model {
	case "rnn":
		return rnn.New(rnn.Config{Vocab: Vocab, Embed: Embed, Hidden: 64, Outputs: Vocab}, rng)
	case "lstm":
		return lstm.New(lstm.Config{Vocab: Vocab, Embed: Embed, Hidden: 64, Outputs: Vocab, ForgetBias: 1}, rng)
	case "transformer":
		return transformer.New(transformer.Config{Vocab: Vocab, D: 64, Heads: 4, Layers: 2, FF: 128, MaxT: T, Outputs: Vocab}, rng)
	}
	return nil, fmt.Errorf("bench: no memory sweep for model %q", model)
}

// MemoryCases lists the sweep; short keeps T ≤ 128.
func MemoryCases(short bool) []MemoryCase {
	var cs []MemoryCase
	for _, mode := range []string{"infer", "train"} {
		for _, model := range []string{"rnn", "lstm", "transformer"} {
			for _, T := range MemoryLengths {
				if short && T > 128 {
					continue
				}
				if mode == "train" && model == "transformer" && 8*2*4*T*T > memoryBudget {
					continue
				}
				cs = append(cs, MemoryCase{mode, model, T})
			}
		}
	}
	return cs
}

// RunMemory measures one case. It reports ns/token (the time of one pass
// over the sequence divided by T, warm), peak-B (the most heap the first
// pass took above what the model's parameters already held, sampled with
// runtime/metrics while it ran: activations, caches and scratch) and, for
// inference, state-B (the recurrent state or the KV cache after T tokens).
func RunMemory(b *testing.B, c MemoryCase) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := memoryModel(c.Model, c.T, rng)
	if err != nil {
		b.Fatal(err)
	}
	tokens := randomTokens(rng, c.T)
	var pass func() int // runs once over the sequence; returns state bytes
	switch c.Mode {
	case "infer":
		pass = inferPass(m, tokens)
	case "train":
		in := nn.TokenInput(1, c.T, tokens)
		targets := randomTokens(rng, c.T)
		var dOut *mat.Dense
		pass = func() int {
			nn.ZeroGrad(m.Params())
			out, err := m.Forward(in)
			if err != nil {
				b.Fatal(err)
			}
			if dOut == nil {
				dOut = mat.NewDense(c.T, Vocab, nil)
			}
			nn.CrossEntropy(out, nil, targets, dOut)
			m.Backward(dOut)
			return 0
		}
	default:
		b.Fatalf("bench: unknown mode %q", c.Mode)
	}
	peak, state := measurePeak(pass)
	b.ResetTimer()
	for b.Loop() {
		pass()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.T), "ns/token")
	b.ReportMetric(float64(peak), "peak-B")
	if c.Mode == "infer" {
		b.ReportMetric(float64(state), "state-B")
	}
}

// inferPass streams tokens through a fresh state, one Step each, and returns
// the bytes the state holds at the end.
func inferPass(m train.Model, tokens []int) func() int {
	in := nn.TokenInput(1, 1, tokens[:1])
	switch m := m.(type) {
	case *rnn.Model:
		return func() int {
			s := m.NewState(1)
			for i := range tokens {
				in.Tokens = tokens[i : i+1]
				m.Step(s, in)
			}
			r, c := s.H.Dims()
			return 8 * r * c
		}
	case *lstm.Model:
		return func() int {
			s := m.NewState(1)
			for i := range tokens {
				in.Tokens = tokens[i : i+1]
				m.Step(s, in)
			}
			r, c := s.H.Dims()
			return 2 * 8 * r * c
		}
	case *transformer.Model:
		return func() int {
			s := m.NewState(1)
			for i := range tokens {
				in.Tokens = tokens[i : i+1]
				if _, err := m.Step(s, in); err != nil {
					panic(err)
				}
			}
			return s.Bytes()
		}
	}
	panic(fmt.Sprintf("bench: no streaming for %T", m))
}

// measurePeak runs f once while sampling the live heap, and returns the
// largest rise above the heap before it, and f's result.
func measurePeak(f func() int) (peak int64, result int) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() int64 {
		metrics.Read(sample)
		return int64(sample[0].Value.Uint64())
	}
	base := read()
	var max atomic.Int64
	max.Store(base)
	note := func(v int64) {
		for {
			old := max.Load()
			if v <= old || max.CompareAndSwap(old, v) {
				return
			}
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				note(read())
			}
		}
	}()
	result = f()
	note(read())
	close(stop)
	wg.Wait()
	return max.Load() - base, result
}
