package notebook

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

func mustParse(t *testing.T, s string) *Notebook {
	t.Helper()
	nb, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// onlyFiles fails the test unless dir holds exactly the named files: a
// failed save must leave no temporary file behind.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q; want %q", dir, got, names)
	}
}

func TestSaveAndLoad(t *testing.T) {
	const src = "# T\n```go\nx\n```\n\n```output\n1\n```\n"
	dir := t.TempDir()
	nb := mustParse(t, src)

	md := filepath.Join(dir, "n.md")
	if err := nb.Save(md, true); err != nil {
		t.Fatalf("Save(%s): %v", md, err)
	}
	if got, _ := os.ReadFile(md); string(got) != src {
		t.Errorf("Save(%s, true) wrote %q; want %q", md, got, src)
	}
	if fi, err := os.Stat(md); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("a new notebook file has mode %v (%v); want 0644", fi.Mode(), err)
	}
	if nb.Path != md {
		t.Errorf("after Save, Path = %q; want %q", nb.Path, md)
	}

	// Saving over a file keeps its permissions.
	if err := os.Chmod(md, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := nb.Save(md, false); err != nil {
		t.Fatalf("Save(%s): %v", md, err)
	}
	if got, _ := os.ReadFile(md); string(got) != "# T\n```go\nx\n```\n" {
		t.Errorf("Save(%s, false) wrote %q", md, got)
	}
	if fi, err := os.Stat(md); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("after a save over a 0600 file, its mode is %v (%v); want 0600", fi.Mode(), err)
	}

	// Saving through a symbolic link replaces the file it points to.
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink("n.md", link); err != nil {
		t.Fatal(err)
	}
	if err := nb.Save(link, true); err != nil {
		t.Fatalf("Save(%s): %v", link, err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Save through a symbolic link replaced the link: %v, %v", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(md); string(got) != src {
		t.Errorf("Save(%s, true) wrote %q to its target; want %q", link, got, src)
	}

	// .ipynb by the name.
	ipynb := filepath.Join(dir, "n.ipynb")
	if err := nb.Save(ipynb, true); err != nil {
		t.Fatalf("Save(%s): %v", ipynb, err)
	}
	for _, path := range []string{md, ipynb} {
		got, err := Load(path)
		if err != nil {
			t.Errorf("Load(%s): %v", path, err)
			continue
		}
		if !sameCells(cellsOf(got), cellsOf(nb)) || got.Path != path {
			t.Errorf("Load(%s) = %v at %q; want %v at %q", path, cellsOf(got), got.Path, cellsOf(nb), path)
		}
	}
	onlyFiles(t, dir, "link.md", "n.ipynb", "n.md")
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(bad, []byte("# T\n\n```go\nx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badIpynb := filepath.Join(dir, "bad.ipynb")
	if err := os.WriteFile(badIpynb, []byte(`{"nbformat": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc string
		in   string
		want string
	}{
		{"missing file", filepath.Join(dir, "none.md"), "open " + filepath.Join(dir, "none.md") + ": no such file or directory"},
		{"unclosed cell", bad, bad + ": line 3: the ```go fence opened here is never closed"},
		{"old Jupyter notebook", badIpynb, badIpynb + ": nbformat 3 is too old: seqlab reads nbformat 4; open and save the notebook in Jupyter to upgrade it"},
	}
	for _, tt := range tests {
		nb, err := Load(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Load(%s) = %v, %v; want error %q", tt.desc, tt.in, nb, err, tt.want)
		}
	}
}

func TestSaveFailures(t *testing.T) {
	nb := mustParse(t, "```go\nx := 1\n```\n")
	nb.Path = "before.md"

	t.Run("missing directory", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "no", "such", "n.md")
		err := nb.Save(path, true)
		if err == nil || !errors.Is(err, fs.ErrNotExist) ||
			!strings.HasPrefix(err.Error(), "save "+path+": cannot create a file in ") ||
			!strings.HasSuffix(err.Error(), "no file was written and the notebook is still in memory, so nothing was lost") {
			t.Errorf("Save into a missing directory: error = %v; want one naming %s, wrapping ErrNotExist and saying nothing was lost", err, path)
		}
		if _, err := os.Stat(filepath.Join(dir, "no")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Save into a missing directory created something: %v", err)
		}
		onlyFiles(t, dir)
		if nb.Path != "before.md" {
			t.Errorf("a failed Save changed Path to %q", nb.Path)
		}
	})

	t.Run("write fails half-way", func(t *testing.T) {
		// Tests run as root, for whom a read-only directory or file does not
		// stop a write, so make the write itself fail through the writeTemp
		// hook, after part of the new file is out, as a full disk would.
		dir := t.TempDir()
		path := filepath.Join(dir, "n.md")
		const old = "the old notebook\n"
		if err := os.WriteFile(path, []byte(old), 0o640); err != nil {
			t.Fatal(err)
		}
		errFull := errors.New("no space left on device")
		defer func(w func(io.Writer, []byte) error) { writeTemp = w }(writeTemp)
		writeTemp = func(f io.Writer, data []byte) error {
			f.Write(data[:len(data)/2])
			return errFull
		}
		err := nb.Save(path, true)
		want := "save " + path + ": writing the new contents failed: no space left on device; the file on disk is as it was and the notebook is still in memory, so nothing was lost"
		if !errors.Is(err, errFull) || err.Error() != want {
			t.Errorf("Save with a failing write: error = %v; want %q", err, want)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != old {
			t.Errorf("after the failed save, %s holds %q (%v); want the old %q", path, got, err, old)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
			t.Errorf("after the failed save, %s has mode %v (%v); want 0640", path, fi.Mode(), err)
		}
		onlyFiles(t, dir, "n.md")
	})

	// The system's own errors, injected into internal/atomicfile (which
	// Save writes through) where a test cannot cause them: a full disk, and
	// a read-only folder for a test running as root.
	for _, tc := range []struct {
		name  string
		fault atomicfile.Fault
		is    error
		cause string
	}{
		{"disk full", atomicfile.Fault{Write: syscall.ENOSPC, After: 10}, syscall.ENOSPC, "writing the new contents failed: the disk is full (no space left on device)"},
		{"quota", atomicfile.Fault{Write: syscall.EDQUOT}, syscall.EDQUOT, "writing the new contents failed: your disk quota is used up (disk quota exceeded)"},
		{"read-only folder (injected)", atomicfile.Fault{Create: syscall.EACCES}, fs.ErrPermission, "cannot create a file in DIR: permission denied (the folder is read-only, or not yours)"},
		{"read-only file system", atomicfile.Fault{Create: syscall.EROFS}, syscall.EROFS, "cannot create a file in DIR: the file system is read-only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "n.md")
			const old = "the old notebook\n"
			if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
				t.Fatal(err)
			}
			tc.fault.Dir = dir
			restore := atomicfile.Inject(tc.fault)
			err := nb.Save(path, true)
			restore()
			want := "save " + path + ": " + strings.ReplaceAll(tc.cause, "DIR", dir) + "; the file on disk is as it was and the notebook is still in memory, so nothing was lost"
			if err == nil || err.Error() != want || !errors.Is(err, tc.is) {
				t.Errorf("Save error = %v; want %q wrapping %v", err, want, tc.is)
			}
			if got, _ := os.ReadFile(path); string(got) != old {
				t.Errorf("after the failed save, %s holds %q; want the old %q", path, got, old)
			}
			onlyFiles(t, dir, "n.md")
			if nb.Path != "before.md" || len(nb.Cells) != 1 || nb.Cells[0].Source != "x := 1" {
				t.Errorf("a failed Save changed the notebook in memory: Path %q, cells %v", nb.Path, cellsOf(nb))
			}
		})
	}

	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, for whom a read-only folder does not stop a write; the injected case covers it")
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "n.md")
		const old = "the old notebook\n"
		if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
		err := nb.Save(path, true)
		want := "save " + path + ": cannot create a file in " + dir + ": permission denied (the folder is read-only, or not yours); the file on disk is as it was and the notebook is still in memory, so nothing was lost"
		if err == nil || err.Error() != want || !errors.Is(err, fs.ErrPermission) {
			t.Errorf("Save into a read-only folder: %v; want %q", err, want)
		}
		if got, _ := os.ReadFile(path); string(got) != old {
			t.Errorf("after the failed save, %s holds %q", path, got)
		}
		onlyFiles(t, dir, "n.md")
	})

	t.Run("path is a directory", func(t *testing.T) {
		dir := t.TempDir()
		err := nb.Save(dir, true)
		want := "save " + dir + ": it is a directory; the file on disk is as it was and the notebook is still in memory, so nothing was lost"
		if err == nil || err.Error() != want {
			t.Errorf("Save over a directory: error = %v; want %q", err, want)
		}
		onlyFiles(t, dir)
	})
}
