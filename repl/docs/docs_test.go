package docs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	if doc := Lookup("github.com/seqlab/seqlab/models/lstm", "New"); !strings.Contains(doc, "PyTorch") {
		t.Errorf("lstm.New's doc = %q", doc)
	}
	if doc := Lookup("github.com/seqlab/seqlab/train", "Options"); doc == "" {
		t.Error("no doc for train.Options")
	}
	if doc := Lookup("gonum.org/v1/gonum/mat", "Dense.Mul"); doc == "" {
		t.Error("no doc for mat.Dense.Mul")
	}
	if Lookup("fmt", "Nope") != "" {
		t.Error("a made-up name has a doc")
	}
}

// TestUpToDate fails when docs_gen.go no longer matches the sources.
func TestUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the doc table runs the go command")
	}
	out := filepath.Join(t.TempDir(), "docs_gen.go")
	cmd := exec.Command("go", "run", "./internal/gendocs", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gendocs: %v\n%s", err, msg)
	}
	want, _ := os.ReadFile(out)
	got, _ := os.ReadFile("docs_gen.go")
	if !bytes.Equal(got, want) {
		t.Error("docs_gen.go is stale: run go generate ./repl/docs")
	}
}
