package transformer

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// State is the streaming state of B sequences: the KV cache — every layer's
// keys and values for the positions read so far — and the buffers one Step
// needs. The cache grows by B·D values per layer and per step for keys and
// as many for values: O(T·D) memory, against an RNN's O(D).
type State struct {
	B int
	T int // positions read so far

	keys, values [][]float64 // per layer, time-major (T, B, D)

	x, a, att, mid *mat.Dense // (B, D)
	qkv            *mat.Dense // (B, 3D)
	h              *mat.Dense // (B, F)
	scores         []float64  // (MaxT)
	logits         *mat.Dense // (B, Out)
}

// NewState returns an empty state for B > 0 sequences.
func (m *Model) NewState(B int) *State {
	if B <= 0 {
		panic(&nn.ShapeError{Op: "transformer.NewState", Msg: fmt.Sprintf("batch of %d sequences; want at least 1", B)})
	}
	d := m.D
	return &State{
		B:      B,
		keys:   make([][]float64, m.Layers),
		values: make([][]float64, m.Layers),
		x:      mat.NewDense(B, d, nil), a: mat.NewDense(B, d, nil),
		att: mat.NewDense(B, d, nil), mid: mat.NewDense(B, d, nil),
		qkv:    mat.NewDense(B, 3*d, nil),
		h:      mat.NewDense(B, m.FF, nil),
		scores: make([]float64, m.MaxT),
		logits: mat.NewDense(B, m.Outputs, nil),
	}
}

// Reset empties the cache, keeping its memory for reuse.
func (s *State) Reset() {
	s.T = 0
	for l := range s.keys {
		s.keys[l], s.values[l] = s.keys[l][:0], s.values[l][:0]
	}
}

// Bytes is the memory held by the keys and values of the positions read so
// far: 2 · Layers · T · B · D float64 values.
func (s *State) Bytes() int {
	n := 0
	for l := range s.keys {
		n += len(s.keys[l]) + len(s.values[l])
	}
	return 8 * n
}

// Step reads one more position of each of the B sequences (in has B = s.B,
// T = 1) and returns the logits (B, Out) at that position, which the next
// Step overwrites. It computes what Forward computes at that position, but
// only for the new token: its query attends to the cached keys and values of
// every earlier position, so a step costs O(T·D) instead of recomputing the
// whole sequence. Reading more than MaxT positions is an error.
func (m *Model) Step(s *State, in nn.Input) (*mat.Dense, error) {
	if in.B != s.B || in.T != 1 {
		return nil, fmt.Errorf("transformer: Step takes one step of %d sequences (B=%d, T=1), got B=%d, T=%d", s.B, s.B, in.B, in.T)
	}
	if s.T >= m.MaxT {
		return nil, fmt.Errorf("transformer: the context is full: this model has learned positions for MaxT=%d steps and all are used; Reset the state or build the model with a larger MaxT", m.MaxT)
	}
	if err := m.checkInput(in); err != nil {
		return nil, err
	}
	B, D, t := s.B, m.D, s.T
	x := nn.Raw(s.x)
	if m.Emb != nil {
		w := m.Emb.Weight.Data()
		for b, tok := range in.Tokens {
			copy(x.Data[b*D:(b+1)*D], w[tok*D:(tok+1)*D])
		}
	} else {
		m.Inp.Apply(x, nn.View(in.X, B, m.Features, m.Features))
	}
	pos := m.Pos.Data()[t*D : (t+1)*D]
	for b := range B {
		row := x.Data[b*D : (b+1)*D]
		for j, v := range pos {
			row[j] += v
		}
	}

	a, qkv, att, mid, h := nn.Raw(s.a), nn.Raw(s.qkv), nn.Raw(s.att), nn.Raw(s.mid), nn.Raw(s.h)
	for l, blk := range m.Blocks {
		blk.Norm1.Apply(a, x)
		blk.InProj.Apply(qkv, a)
		for b := range B {
			row := qkv.Data[b*3*D : (b+1)*3*D]
			s.keys[l] = append(s.keys[l], row[D:2*D]...)
			s.values[l] = append(s.values[l], row[2*D:]...)
		}
		m.attendCached(s, l, t)
		blk.OutProj.Apply(mid, att)
		addInto(mid.Data, x.Data)
		blk.Norm2.Apply(a, mid)
		blk.Linear1.Apply(h, a)
		nn.GELUForward(h.Data, h.Data)
		blk.Linear2.Apply(x, h)
		addInto(x.Data, mid.Data)
	}
	m.Norm.Apply(a, x)
	m.Out.Apply(nn.Raw(s.logits), a)
	s.T++
	return s.logits, nil
}

// attendCached computes, for every sequence and head, the new position's
// attention over the cached positions 0 … t of layer l: one row of Attention.
func (m *Model) attendCached(s *State, l, t int) {
	B, D, hd := s.B, m.D, m.D/m.Heads
	scale := 1 / math.Sqrt(float64(hd))
	keys, values := s.keys[l], s.values[l]
	qkv, att := s.qkv.RawMatrix().Data, s.att.RawMatrix().Data
	scores := s.scores[:t+1]
	for b := range B {
		for hh := range m.Heads {
			q := qkv[b*3*D+hh*hd : b*3*D+(hh+1)*hd]
			for j := range scores {
				k := keys[(j*B+b)*D+hh*hd : (j*B+b)*D+(hh+1)*hd]
				dot := 0.0
				for i, qv := range q {
					dot += qv * k[i]
				}
				scores[j] = scale * dot
			}
			nn.Softmax(scores, scores)
			o := att[b*D+hh*hd : b*D+(hh+1)*hd]
			clear(o)
			for j, p := range scores {
				v := values[(j*B+b)*D+hh*hd : (j*B+b)*D+(hh+1)*hd]
				for i, vv := range v {
					o[i] += p * vv
				}
			}
		}
	}
}

func addInto(dst, src []float64) {
	for i, v := range src {
		dst[i] += v
	}
}
