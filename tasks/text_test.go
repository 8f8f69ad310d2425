package tasks_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seqlab/seqlab/tasks"
)

func textRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func mustText(t *testing.T, text string, T int) *tasks.TextTask {
	t.Helper()
	task, err := tasks.Text(text, T)
	if err != nil {
		t.Fatalf("Text(%.20q…, %d): %v", text, T, err)
	}
	return task
}

// TestSonnets checks the corpus as its README describes it: 154 sonnets
// separated by blank lines, 14 lines each except Sonnet 99 (15) and Sonnet
// 126 (12), plain ASCII without trailing spaces, 61 distinct characters.
func TestSonnets(t *testing.T) {
	s := tasks.Sonnets
	if len(s) != 94651 {
		t.Errorf("len(Sonnets) = %d; the README says 94,651", len(s))
	}
	if !strings.HasPrefix(s, "From fairest creatures we desire increase,\n") {
		t.Errorf("Sonnets starts with %.50q; want Sonnet 1", s)
	}
	if !strings.HasSuffix(s, "  Love's fire heats water, water cools not love.\n") {
		t.Errorf("Sonnets ends with %q; want the last line of Sonnet 154", s[len(s)-60:])
	}
	sonnets := strings.Split(strings.TrimSuffix(s, "\n"), "\n\n")
	if len(sonnets) != 154 {
		t.Fatalf("%d sonnets; want 154", len(sonnets))
	}
	for i, sonnet := range sonnets {
		want := 14
		switch i + 1 {
		case 99:
			want = 15
		case 126:
			want = 12
		}
		if n := strings.Count(sonnet, "\n") + 1; n != want {
			t.Errorf("sonnet %d has %d lines; want %d: %.40q…", i+1, n, want, sonnet)
		}
	}
	for i, line := range strings.Split(s, "\n") {
		if strings.TrimRight(line, " \t") != line {
			t.Errorf("line %d has trailing spaces: %q", i+1, line)
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || (c < ' ' && c != '\n') {
			t.Fatalf("byte %d is %#x; the corpus is plain ASCII", i, c)
		}
	}
	if got := strings.Count(s, "\n") + 0; got != 2308 {
		t.Errorf("%d lines; the README says 2,308", got)
	}
}

func TestTextSpec(t *testing.T) {
	task := mustText(t, tasks.Sonnets, 64)
	want := tasks.Spec{Name: "text", Size: 64, Vocab: 61, Outputs: 61, T: 64, Queries: 64, Chance: 1.0 / 61}
	if got := task.Spec(); got != want {
		t.Errorf("Spec() = %+v; want %+v", got, want)
	}
	if got, want := task.Spec().String(), "text T=64 (V=61, 64 queries, chance 0.0164)"; got != want {
		t.Errorf("Spec().String() = %q; want %q", got, want)
	}
	if task.Len() != len(tasks.Sonnets) {
		t.Errorf("Len() = %d; want %d (ASCII: one character per byte)", task.Len(), len(tasks.Sonnets))
	}
	vocab := task.Vocab()
	if utf8.RuneCountInString(vocab) != 61 {
		t.Errorf("Vocab() = %q has %d characters; want 61", vocab, utf8.RuneCountInString(vocab))
	}
	// Ascending, so that the ids the package doc names hold.
	for i, r := range []rune(vocab) {
		if i > 0 && r <= []rune(vocab)[i-1] {
			t.Fatalf("Vocab() is not ascending at %d: %q", i, vocab)
		}
	}
	for _, c := range []struct {
		ch string
		id int
	}{{"\n", 0}, {" ", 1}, {"A", 12}, {"a", 35}, {"z", 60}} {
		ids, err := task.Encode(c.ch)
		if err != nil || len(ids) != 1 || ids[0] != c.id {
			t.Errorf("Encode(%q) = %v, %v; want [%d]", c.ch, ids, err, c.id)
		}
	}
}

func TestTextEncodeDecode(t *testing.T) {
	task := mustText(t, tasks.Sonnets, 8)
	for _, s := range []string{"", "Shall I compare thee to a summer's day?\n", "love"} {
		ids, err := task.Encode(s)
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		if len(ids) != utf8.RuneCountInString(s) {
			t.Errorf("Encode(%q) gave %d ids; want one per character", s, len(ids))
		}
		if got := task.Decode(ids); got != s {
			t.Errorf("Decode(Encode(%q)) = %q", s, got)
		}
	}
	if _, err := task.Encode("quiz 42"); err == nil || !strings.Contains(err.Error(), `'4'`) {
		t.Errorf("Encode of a digit (not in the sonnets) = %v; want an error naming '4'", err)
	}
	if got := task.Decode([]int{35, -1, 61, 1000}); got != "a\uFFFD\uFFFD\uFFFD" {
		t.Errorf("Decode with ids outside the vocabulary = %q; want a and three U+FFFD", got)
	}

	// Any text: the vocabulary is its own characters, Unicode included.
	u := mustText(t, "héllo wörld", 3)
	if got, want := u.Vocab(), " dhlorwéö"; got != want {
		t.Errorf("Vocab() = %q; want %q", got, want)
	}
	ids, err := u.Encode("wölé")
	if err != nil || u.Decode(ids) != "wölé" {
		t.Errorf("round trip of wölé: %v, %v", ids, err)
	}
	if u.Len() != 11 || u.Spec().Vocab != 9 {
		t.Errorf("Len() = %d, Vocab = %d; want 11 characters, 9 distinct", u.Len(), u.Spec().Vocab)
	}
}

// TestTextFill checks that every sequence is a window of the text and that
// every target is the character after its position.
func TestTextFill(t *testing.T) {
	const T, B = 32, 16
	task := mustText(t, tasks.Sonnets, T)
	all, err := task.Encode(tasks.Sonnets)
	if err != nil {
		t.Fatal(err)
	}
	b := tasks.NewBatch(task, B, textRand(1))
	if b.B != B || b.T != T || len(b.Tokens) != B*T || len(b.Pos) != B*T || len(b.Targets) != B*T || b.X != nil || b.Values != nil {
		t.Fatalf("batch shapes: B %d T %d tokens %d pos %d targets %d X %v values %v", b.B, b.T, len(b.Tokens), len(b.Pos), len(b.Targets), b.X, b.Values)
	}
	starts := map[int]bool{}
	for s := range B {
		window := b.Tokens[s*T : (s+1)*T]
		o := indexOf(all, window, b.Targets[s*T:(s+1)*T])
		if o < 0 {
			t.Fatalf("sequence %d %q with targets %q is not a window of the text followed by its next characters",
				s, task.Decode(window), task.Decode(b.Targets[s*T:(s+1)*T]))
		}
		starts[o] = true
		for i := range T {
			if b.Pos[s*T+i] != s*T+i {
				t.Fatalf("Pos[%d] = %d; every position is queried", s*T+i, b.Pos[s*T+i])
			}
		}
	}
	if len(starts) < B-1 {
		t.Errorf("only %d distinct windows in %d sequences; offsets should be uniform over %d", len(starts), B, task.Len()-T)
	}

	// The same seed gives the same batch; another seed another.
	again := tasks.NewBatch(task, B, textRand(1))
	other := tasks.NewBatch(task, B, textRand(2))
	if !slices.Equal(again.Tokens, b.Tokens) || !slices.Equal(again.Targets, b.Targets) {
		t.Error("the same seed gave a different batch")
	}
	if slices.Equal(other.Tokens, b.Tokens) {
		t.Error("seeds 1 and 2 gave the same batch")
	}

	// Steady state allocates nothing.
	rng := textRand(3)
	if allocs := testing.AllocsPerRun(10, func() { task.Fill(b, B, rng) }); allocs != 0 {
		t.Errorf("Fill allocates %v times per call; want 0", allocs)
	}
}

// indexOf returns an offset o at which all[o:o+T] is window and
// all[o+1:o+T+1] is targets, or -1.
func indexOf(all, window, targets []int) int {
	T := len(window)
	for o := 0; o+T < len(all); o++ {
		if slices.Equal(all[o:o+T], window) && slices.Equal(all[o+1:o+T+1], targets) {
			return o
		}
	}
	return -1
}

// TestTextEdges: the shortest text a window fits in, where every batch is
// the same window.
func TestTextEdges(t *testing.T) {
	task := mustText(t, "abcd", 3)
	b := tasks.NewBatch(task, 2, textRand(1))
	if got := task.Decode(b.Tokens); got != "abcabc" {
		t.Errorf("tokens %q; the only window of abcd with T=3 is abc", got)
	}
	if got := task.Decode(b.Targets); got != "bcdbcd" {
		t.Errorf("targets %q; want bcd, the window shifted by one", got)
	}
	one := mustText(t, "ab", 1)
	b = tasks.NewBatch(one, 1, textRand(1))
	if one.Decode(b.Tokens) != "a" || one.Decode(b.Targets) != "b" {
		t.Errorf("T=1: tokens %v targets %v; want a → b", b.Tokens, b.Targets)
	}
}

func TestTextErrors(t *testing.T) {
	for _, c := range []struct {
		text string
		T    int
		want string
	}{
		{"abc", 0, "T=0 is too short"},
		{"abc", -1, "T=-1 is too short"},
		{"abc", tasks.MaxSize + 1, "too large"},
		{"abc", 3, "needs at least T+1 = 4"},
		{"", 1, "a text of 0 characters"},
	} {
		task, err := tasks.Text(c.text, c.T)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Text(%q, %d) = %v, %v; want an error containing %q", c.text, c.T, task, err, c.want)
		}
		if task != nil {
			t.Errorf("Text(%q, %d) returned a task with its error", c.text, c.T)
		}
	}
}

func TestTextSplit(t *testing.T) {
	const T = 16
	task := mustText(t, tasks.Sonnets, T)
	first, rest, err := task.Split(0.9)
	if err != nil {
		t.Fatal(err)
	}
	if first.Len()+rest.Len() != task.Len() {
		t.Errorf("parts of %d and %d characters; want %d together", first.Len(), rest.Len(), task.Len())
	}
	if want := int(0.9*float64(task.Len()) + 0.5); first.Len() != want {
		t.Errorf("first part has %d characters; want %d", first.Len(), want)
	}
	if first.Spec() != task.Spec() || rest.Spec() != task.Spec() || first.Vocab() != task.Vocab() || rest.Vocab() != task.Vocab() {
		t.Errorf("parts' specs %v, %v or vocabularies differ from the whole's %v", first.Spec(), rest.Spec(), task.Spec())
	}
	// Every window of the second part comes from the last 10% of the text.
	all, _ := task.Encode(tasks.Sonnets)
	tail := all[first.Len():]
	b := tasks.NewBatch(rest, 64, textRand(5))
	for s := range 64 {
		if indexOf(tail, b.Tokens[s*T:(s+1)*T], b.Targets[s*T:(s+1)*T]) < 0 {
			t.Fatalf("window %d of the second part %q is not from the last part of the text", s, rest.Decode(b.Tokens[s*T:(s+1)*T]))
		}
	}
	for _, frac := range []float64{0, 1, -0.5, 1.5} {
		if _, _, err := task.Split(frac); err == nil || !strings.Contains(err.Error(), "between 0 and 1") {
			t.Errorf("Split(%v) = %v; want an error saying the fraction must be between 0 and 1", frac, err)
		}
	}
	small := mustText(t, "abcdefghij", 4)
	if _, _, err := small.Split(0.9); err == nil || !strings.Contains(err.Error(), "second part") {
		t.Errorf("Split(0.9) of 10 characters with T=4 = %v; want an error about the second part", err)
	}
	if _, _, err := small.Split(0.2); err == nil || !strings.Contains(err.Error(), "first part") {
		t.Errorf("Split(0.2) of 10 characters with T=4 = %v; want an error about the first part", err)
	}
}

func ExampleText() {
	task, err := tasks.Text(tasks.Sonnets, 16)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(task.Spec())
	batch := tasks.NewBatch(task, 2, rand.New(rand.NewPCG(1, 1)))
	for s := range batch.B {
		in := batch.Tokens[s*16 : (s+1)*16]
		next := batch.Targets[s*16 : (s+1)*16]
		fmt.Printf("reads %q\nnext  %q\n", task.Decode(in), task.Decode(next))
	}
	ids, _ := task.Encode("love")
	fmt.Println(ids, task.Decode(ids))
	// Output:
	// text T=16 (V=61, 16 queries, chance 0.0164)
	// reads " disarm'd.\nThis "
	// next  "disarm'd.\nThis b"
	// reads "e repair,\nWhich "
	// next  " repair,\nWhich t"
	// [46 49 56 39] love
}
