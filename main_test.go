package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/rnn"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    []string // substrings of stdout
		wantErr string   // substring of the error, "" for none
	}{
		{nil, []string{"seqlab — a terminal lab", "seqlab train"}, ""},
		{[]string{"help"}, []string{"seqlab tasks"}, ""},
		{[]string{"tasks"}, []string{"delayed lag=8 (T=10, V=17, chance 0.125)", "adding T=25", "mqar N=4", "induction T=32"}, ""},
		{[]string{"models"}, []string{"rnn ", "lstm ", "lstm-fb5 "}, ""},
		{[]string{"train", "-model", "rnn", "-size", "2", "-steps", "60", "-lr", "1e-2", "-eval-every", "30"},
			[]string{"training rnn on delayed lag=2", "    30  ", "    60  ", "held-out recall 1.000"}, ""},
		{[]string{"train", "-model", "lstm", "-task", "adding", "-size", "5", "-steps", "10", "-eval-every", "5"},
			[]string{"held-out MSE"}, ""},
		{[]string{"train", "-model", "transformer", "-size", "8", "-steps", "40", "-lr", "3e-3", "-eval-every", "40"},
			[]string{"training transformer on delayed lag=8", "held-out recall"}, ""},
		{[]string{"nonsense"}, nil, `unknown command "nonsense"`},
		{[]string{"train", "-model", "gru"}, nil, `unknown model "gru"; choose one of rnn, lstm, lstm-fb5, transformer`},
		{[]string{"train", "-steps", "1", "-save", "/nonexistent-dir/m.safetensors"}, nil, "/nonexistent-dir/m.safetensors"},
		{[]string{"train", "-task", "sorting"}, nil, `unknown task "sorting"`},
		{[]string{"train", "-size", "-3"}, nil, "negative"},
		{[]string{"train", "-lr", "NaN"}, nil, "learning rate"},
		{[]string{"train", "-model", "rnn", "-lr", "1e9", "-steps", "50"}, nil, "diverged at step"},
		{[]string{"train", "extra"}, nil, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, &out, &errOut)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("run(%q) error: %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("run(%q) error = %v; want it to contain %q", tc.args, err, tc.wantErr)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("run(%q) output lacks %q:\n%s", tc.args, w, out.String())
			}
		}
	}
}

func TestTrainCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"train", "-steps", "5"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "stopped after 0 of 5 steps") {
		t.Errorf("cancelled train error = %v", err)
	}
}

func TestTrainSave(t *testing.T) {
	path := t.TempDir() + "/m.safetensors"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"train", "-model", "rnn", "-steps", "5", "-save", path}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := rnn.Load(path); err != nil {
		t.Errorf("the saved model does not load: %v", err)
	}
}
