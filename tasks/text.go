package tasks

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode/utf8"
)

// Sonnets is the text of Shakespeare's 154 sonnets (1609, public domain):
// 94,651 characters of plain ASCII, one blank line between sonnets, in 61
// distinct characters. It is the corpus of lesson 9's character-level
// model; tasks/corpus/README.md gives its source and the corrections made.
//
//go:embed corpus/sonnets.txt
var Sonnets string

// TextTask is next-character prediction on a text, the task a language
// model is pre-trained on, at the scale of single characters: read T
// characters and, at every position, predict the character that follows.
//
// Its vocabulary is the distinct characters of the text, numbered in
// ascending order (for Sonnets: '\n' is 0, ' ' is 1, 'a' is 35, …). Each
// sequence is a window of T characters starting at a uniformly random
// offset o; every position is queried, and the target at position t is the
// next character of the text:
//
//	tokens:  text[o], text[o+1], …, text[o+T−1]
//	targets: text[o+1], text[o+2], …, text[o+T]
//
// The labels are the text itself, shifted by one: no one has to annotate
// anything, which is why such training is called self-supervised. Chance is
// 1/V, guessing uniformly among the V characters.
type TextTask struct {
	spec  Spec
	chars []rune       // id → character, ascending
	index map[rune]int // character → id
	text  []int        // the text as ids
}

// Text returns next-character prediction over text in windows of T
// characters (1 ≤ T ≤ MaxSize; the text must be at least T+1 characters
// long). The vocabulary is the text's own characters.
func Text(text string, T int) (*TextTask, error) {
	switch {
	case T < 1:
		return nil, fmt.Errorf("tasks: text T=%d is too short; use T ≥ 1 characters per sequence (e.g. 64)", T)
	case T > MaxSize:
		return nil, fmt.Errorf("tasks: text T=%d is too large; use T ≤ %d (e.g. 64)", T, MaxSize)
	}
	index := map[rune]int{}
	for _, r := range text {
		index[r] = 0
	}
	chars := make([]rune, 0, len(index))
	for r := range index {
		chars = append(chars, r)
	}
	sort.Slice(chars, func(i, j int) bool { return chars[i] < chars[j] })
	for i, r := range chars {
		index[r] = i
	}
	ids := make([]int, 0, len(text))
	for _, r := range text {
		ids = append(ids, index[r])
	}
	t := &TextTask{chars: chars, index: index}
	return t.over(ids, T)
}

// over returns a task with t's vocabulary over the text ids.
func (t *TextTask) over(ids []int, T int) (*TextTask, error) {
	if len(ids) < T+1 {
		return nil, fmt.Errorf("tasks: a text of %d characters is too short for T=%d; it needs at least T+1 = %d (a window and the character after it)", len(ids), T, T+1)
	}
	V := len(t.chars)
	return &TextTask{
		spec: Spec{
			Name:    "text",
			Size:    T,
			Vocab:   V,
			Outputs: V,
			T:       T,
			Queries: T,
			Chance:  1 / float64(V),
		},
		chars: t.chars,
		index: t.index,
		text:  ids,
	}, nil
}

// Spec describes the task: V = Outputs = the number of distinct characters,
// T queries per sequence (every position), chance 1/V.
func (t *TextTask) Spec() Spec { return t.spec }

// Fill writes B fresh windows drawn from rng into b: window s starts at
// an offset o uniform in [0, Len()−T), its tokens are the characters
// o … o+T−1 and the target at position t is character o+t+1.
func (t *TextTask) Fill(b *Batch, B int, rng *rand.Rand) {
	reset(b, B, t.spec)
	T := t.spec.T
	for s := range B {
		o := rng.IntN(len(t.text) - T)
		copy(b.Tokens[s*T:(s+1)*T], t.text[o:o+T])
		copy(b.Targets[s*T:(s+1)*T], t.text[o+1:o+T+1])
		for i := range T {
			b.Pos[s*T+i] = s*T + i
		}
	}
}

// Len is the length of the text in characters.
func (t *TextTask) Len() int { return len(t.text) }

// Vocab returns the vocabulary as a string: character i is token id i.
func (t *TextTask) Vocab() string { return string(t.chars) }

// Encode turns s into token ids, one per character. A character that is not
// in the vocabulary is an error that names it.
func (t *TextTask) Encode(s string) ([]int, error) {
	ids := make([]int, 0, len(s))
	for i, r := range s {
		id, ok := t.index[r]
		if !ok {
			return nil, fmt.Errorf("tasks: character %q (%U) at byte %d is not in the text's vocabulary of %d characters", r, r, i, len(t.chars))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Decode turns token ids back into text; an id outside the vocabulary
// becomes U+FFFD, the replacement character �.
func (t *TextTask) Decode(ids []int) string {
	var sb strings.Builder
	for _, id := range ids {
		if id < 0 || id >= len(t.chars) {
			sb.WriteRune(utf8.RuneError)
			continue
		}
		sb.WriteRune(t.chars[id])
	}
	return sb.String()
}

// Split cuts the text in two at the fraction frac of its length (0 < frac
// < 1) and returns a task over each part, both with the whole text's
// vocabulary and T: train on the first, measure on the second, text the
// model has never seen. Each part must hold at least T+1 characters.
func (t *TextTask) Split(frac float64) (*TextTask, *TextTask, error) {
	if !(frac > 0 && frac < 1) {
		return nil, nil, fmt.Errorf("tasks: Split(%v): the fraction must be between 0 and 1, e.g. 0.9", frac)
	}
	n := int(frac*float64(len(t.text)) + 0.5)
	first, err := t.over(t.text[:n], t.spec.T)
	if err != nil {
		return nil, nil, fmt.Errorf("tasks: Split(%v), the first part: %w", frac, err)
	}
	rest, err := t.over(t.text[n:], t.spec.T)
	if err != nil {
		return nil, nil, fmt.Errorf("tasks: Split(%v), the second part: %w", frac, err)
	}
	return first, rest, nil
}
