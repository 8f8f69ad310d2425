// Command seqlab is a terminal lab for sequence models: guided lessons, a
// notebook-style Go REPL and benchmarks of RNNs, LSTMs and transformers.
//
// Usage:
//
//	seqlab                 the notebook app, opening the lesson list
//	seqlab FILE.md         the notebook app on a notebook of your own
//	seqlab help            every command
//	seqlab lessons         the course and your progress
//	seqlab train [flags]   train a model on a sequence task and watch it learn
//	seqlab tasks           list the sequence tasks
//	seqlab models          list the models
//
// Run `seqlab help` or `seqlab train -h` for the details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/seqlab/seqlab/bench"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
	"github.com/seqlab/seqlab/tui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "seqlab:", err)
		}
		os.Exit(1)
	}
}

const overview = `seqlab — a terminal lab for sequence models

Watch an RNN forget, an LSTM remember longer, and attention recall anything
in its context, on your own machine in seconds.

Commands:
  seqlab                        open the notebook app on the lessons (first unfinished selected)
  seqlab FILE.md                open a notebook of your own (.ipynb files are imported)
  seqlab lessons                the course and your progress
  seqlab train                  train an LSTM on delayed recall (lag 8) and watch it learn
  seqlab train -model rnn -size 16
                                see the RNN stay near chance at a longer lag
  seqlab train -model transformer -size 64 -target 0.99
                                and attention recall across 64 distractors
  seqlab train -save m.safetensors
                                keep the trained model (loads into PyTorch too)
  seqlab run FILE.md            run a notebook's Go cells in a fresh kernel and print their outputs
  seqlab tasks                  the sequence tasks
  seqlab models                 the models
  seqlab bench --suite recall   how far back each model recalls (also: memory, speed)

Every command takes --help. In the app, ? lists the keys and ctrl+p the commands.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0]) || strings.HasSuffix(args[0], ".md") || strings.HasSuffix(args[0], ".ipynb") {
		return runTUI(ctx, args, stdout, stderr)
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, overview)
		fmt.Fprint(stdout, "\nThe app's own flags (seqlab [flags] [FILE.md]):\n")
		fs, _ := tuiFlags(io.Discard, new(tui.Options))
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return nil
	case "train":
		return runTrain(ctx, args[1:], stdout, stderr)
	case "tasks":
		if len(args) > 1 {
			fmt.Fprintln(stderr, "Usage: seqlab tasks\n\nLists the sequence tasks (BENCHMARKS.md) with their example sizes and chance levels.")
			if isHelp(args[1]) {
				return flag.ErrHelp
			}
			return fmt.Errorf("tasks takes no arguments")
		}
		for _, name := range tasks.Names() {
			t, err := tasks.New(name, defaultSize(name))
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%-10s %s\n", name, t.Spec())
		}
		return nil
	case "models":
		if len(args) > 1 {
			fmt.Fprintln(stderr, "Usage: seqlab models\n\nLists the standard models of the benchmarks with their sizes and learning rates.")
			if isHelp(args[1]) {
				return flag.ErrHelp
			}
			return fmt.Errorf("models takes no arguments")
		}
		for _, line := range bench.Models() {
			fmt.Fprintln(stdout, line)
		}
		return nil
	case "run":
		return runNotebooks(ctx, args[1:], stdout, stderr)
	case "lessons":
		return runLessons(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "kernel":
		return runKernel(args[1:], stderr)
	case "export":
		return exportNotebook(args[1:], stdout, stderr)
	case "import":
		return importNotebook(args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q; run `seqlab help` to see the commands", args[0])
	}
}

func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}

// defaultSize is each task's size parameter in the examples.
func defaultSize(task string) int {
	switch task {
	case "delayed":
		return 8
	case "adding":
		return 25
	case "mqar":
		return 4
	default:
		return 32
	}
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "lstm", "model: "+strings.Join(modelNames(), ", "))
	taskName := fs.String("task", "delayed", "task: "+strings.Join(tasks.Names(), ", "))
	size := fs.Int("size", 0, "the task's size: lag for delayed, T for adding and induction, pairs for mqar (0 = the task's example size)")
	steps := fs.Int("steps", 0, "training steps (0 = the standard budget, 400)")
	lr := fs.Float64("lr", 0, "learning rate (0 = the model's standard rate)")
	batch := fs.Int("batch", 32, "sequences per batch")
	seed := fs.Uint64("seed", 1, "random seed for the model and the training batches")
	every := fs.Int("eval-every", 50, "evaluate on held-out sequences every this many steps")
	target := fs.Float64("target", 0, "stop once held-out accuracy reaches this (0 = train all steps)")
	save := fs.String("save", "", "save the trained model to this safetensors file")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab train [flags]\n\nTrains a model on a sequence task with Adam and shows held-out recall as it learns.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("train: unexpected argument %q; flags look like -model lstm", fs.Arg(0))
	}
	if *size == 0 {
		*size = defaultSize(*taskName)
	}
	task, err := tasks.New(*taskName, *size)
	if err != nil {
		return err
	}
	opts, err := bench.StandardOptions(*model)
	if err != nil {
		return err
	}
	if *steps != 0 {
		opts.Steps = *steps
	}
	if *lr != 0 {
		opts.LR = *lr
	}
	opts.BatchSize, opts.Seed, opts.EvalEvery, opts.Target = *batch, *seed, *every, *target
	if err := opts.Validate(); err != nil {
		return err
	}
	m, err := bench.NewModel(*model, task.Spec(), nn.NewRNG(*seed))
	if err != nil {
		return err
	}
	spec := task.Spec()
	fmt.Fprintf(stdout, "training %s on %s\n", *model, spec)
	fmt.Fprintf(stdout, "%d steps of %d sequences, learning rate %g (Ctrl-C stops)\n\n", opts.Steps, opts.BatchSize, opts.LR)
	metric := "recall"
	if spec.Regression {
		metric = "MSE"
	}
	fmt.Fprintf(stdout, "%6s  %10s  %15s\n", "step", "train loss", "held-out "+metric)
	opts.Progress = func(p train.Progress) {
		if p.Eval == nil {
			return
		}
		v := p.Eval.Accuracy
		if spec.Regression {
			v = p.Eval.MSE
		}
		fmt.Fprintf(stdout, "%6d  %10.4f  %15.3f  %s\n", p.Step, p.Loss, v, bar(v, spec))
	}
	h, err := train.Train(ctx, m, task, opts)
	if err != nil {
		if h != nil && h.Steps > 0 {
			fmt.Fprintf(stdout, "\nso far: %v\n", h)
		}
		return err
	}
	fmt.Fprintf(stdout, "\n%v in %v\n", h, h.Elapsed.Round(time.Millisecond))
	if *save != "" {
		saver, ok := m.(interface{ Save(string) error })
		if !ok {
			return fmt.Errorf("train: a %s cannot be saved", *model)
		}
		if err := saver.Save(*save); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "saved to %s\n", *save)
	}
	return nil
}

// bar draws a recall (or, for regression, 1 − MSE/baseline) as a bar of 20 cells.
func bar(v float64, spec tasks.Spec) string {
	if spec.Regression {
		v = 1 - v/spec.Chance
	}
	n := int(v*20 + 0.5)
	n = max(0, min(20, n))
	return "│" + strings.Repeat("█", n) + strings.Repeat(" ", 20-n) + "│"
}

func modelNames() []string {
	var names []string
	for _, line := range bench.Models() {
		names = append(names, strings.Fields(line)[0])
	}
	return names
}
