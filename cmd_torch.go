package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/seqlab/seqlab/bench/report"
)

// torchRef is PyTorch's reference for the standard speed workloads; seqlab
// carries it so that `seqlab bench --torch` works from any directory.
//
//go:embed anchors/torch_ref.py
var torchRef []byte

// errNoTorch says that no Python with PyTorch was found.
var errNoTorch = errors.New("PyTorch is not installed")

// python returns the interpreter to run PyTorch with: $SEQLAB_PYTHON, else
// Debian's /usr/bin/python3 (where apt's python3-torch lives, and which a
// virtualenv's python3 earlier on PATH would hide), else python3 on PATH.
func python() string {
	if p := os.Getenv("SEQLAB_PYTHON"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return "python3"
}

// runTorch runs anchors/torch_ref.py runs times with threads threads and
// returns the output of each run, or an error wrapping errNoTorch that says
// how to install PyTorch. The check for PyTorch and the script are done once.
func runTorch(ctx context.Context, threads, runs int, stderr io.Writer) ([][]byte, error) {
	py := python()
	var errb bytes.Buffer
	check := exec.CommandContext(ctx, py, "-c", "import torch; print(torch.__version__)")
	check.Stderr = &errb
	version, err := check.Output()
	if err != nil {
		why := err.Error()
		if lines := strings.Split(strings.TrimSpace(errb.String()), "\n"); lines[len(lines)-1] != "" {
			why = lines[len(lines)-1]
		}
		return nil, fmt.Errorf("%w for %s (%s).\nInstall it (Debian: apt-get install python3-torch libopenblas0-pthread) or point SEQLAB_PYTHON at a Python that has it; seqlab's own results are above", errNoTorch, py, why)
	}
	dir, err := os.MkdirTemp("", "seqlab-torch")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "torch_ref.py")
	if err := os.WriteFile(script, torchRef, 0o644); err != nil {
		return nil, err
	}
	var outs [][]byte
	for range runs {
		fmt.Fprintf(stderr, "running PyTorch %s (%s, %d threads): anchors/torch_ref.py …\n", strings.TrimSpace(string(version)), py, threads)
		cmd := exec.CommandContext(ctx, py, script, "--threads", strconv.Itoa(threads), "--reps", "10")
		errb.Reset()
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("bench: PyTorch's reference failed: %v\n%s", err, errb.Bytes())
		}
		outs = append(outs, out)
	}
	return outs, nil
}

// torchRuns is how many times compareTorch runs PyTorch's reference. On a
// shared 2-core VM its figures swing by up to 3× from run to run (thread
// pools waking late), so seqlab is compared with PyTorch's best.
const torchRuns = 3

// compareTorch runs PyTorch's reference torchRuns times, prints the speed
// results beside PyTorch's best and, with resultsFile, keeps PyTorch's raw
// output next to it.
func compareTorch(ctx context.Context, res *report.Results, threads int, resultsFile string, markdown bool, stdout, stderr io.Writer) error {
	outs, err := runTorch(ctx, threads, torchRuns, stderr)
	if err != nil {
		return err
	}
	var all []byte
	torch := make(report.Torch)
	for _, out := range outs {
		run, err := report.ParseTorch(bytes.NewReader(out))
		if err != nil {
			return err
		}
		for name, v := range run {
			torch[name] = max(torch[name], v)
		}
		all = append(all, out...)
	}
	showTable(stdout, res.TorchTable(torch), markdown)
	if resultsFile != "" {
		path := strings.TrimSuffix(resultsFile, filepath.Ext(resultsFile)) + "-torch.txt"
		if err := os.WriteFile(path, all, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	return nil
}
