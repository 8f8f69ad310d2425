package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const old = "the old contents\n"

// setup makes a directory holding f.txt with the old contents (mode 0640).
func setup(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "f.txt")
	if err := os.WriteFile(path, []byte(old), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return dir, path
}

// intact fails the test unless path holds the old contents with its mode
// and dir holds nothing else: no temporary file is left behind.
func intact(t *testing.T, dir, path string) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || string(got) != old {
		t.Errorf("after the failed write, %s holds %q (%v); want the old %q", path, got, err, old)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("after the failed write, %s has mode %v (%v); want 0640", path, fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != filepath.Base(path) {
			t.Errorf("the failed write left %s behind", e.Name())
		}
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestWrite(t *testing.T) {
	dir, path := setup(t)
	if err := Write(path, writeString("new\n")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new\n" {
		t.Errorf("Write left %q", got)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("the replaced file has mode %v (%v); want the old file's 0640", fi.Mode(), err)
	}
	fresh := filepath.Join(dir, "fresh.txt")
	if err := Write(fresh, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("a new file has mode %v (%v); want 0644", fi.Mode(), err)
	}
	// Through a symbolic link: the file it points to is replaced.
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink("f.txt", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, writeString("via link\n")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("Write replaced the symbolic link itself: %v, %v", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(path); string(got) != "via link\n" {
		t.Errorf("Write through a link left %q in its target", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("the directory holds %d entries; want f.txt, fresh.txt and link.txt", len(entries))
	}
}

// TestWriteFailures makes Write fail in each of the ways the system would
// and checks the message and that the old file is untouched.
func TestWriteFailures(t *testing.T) {
	big := strings.Repeat("x", 200_000) // more than the buffer: reaches the file before failing
	for _, tc := range []struct {
		name    string
		fault   Fault
		content string
		want    string // the whole error; DIR is the directory
		is      error
	}{
		{"disk full at once", Fault{Write: syscall.ENOSPC}, "new", "writing the new contents failed: the disk is full (no space left on device)", syscall.ENOSPC},
		{"disk full half-way", Fault{Write: syscall.ENOSPC, After: 100_000}, big, "writing the new contents failed: the disk is full (no space left on device)", syscall.ENOSPC},
		{"quota", Fault{Write: syscall.EDQUOT, After: 3}, "new contents", "writing the new contents failed: your disk quota is used up (disk quota exceeded)", syscall.EDQUOT},
		{"read-only folder", Fault{Create: syscall.EACCES}, "new", "cannot create a file in DIR: permission denied (the folder is read-only, or not yours)", syscall.EACCES},
		{"read-only file system", Fault{Create: syscall.EROFS}, "new", "cannot create a file in DIR: the file system is read-only", syscall.EROFS},
		{"other error", Fault{Write: syscall.EIO}, "new", "writing the new contents failed: input/output error", syscall.EIO},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, path := setup(t)
			tc.fault.Dir = dir
			restore := Inject(tc.fault)
			err := Write(path, writeString(tc.content))
			restore()
			want := strings.ReplaceAll(tc.want, "DIR", dir)
			if err == nil || err.Error() != want || !errors.Is(err, tc.is) {
				t.Errorf("Write error = %v; want %q wrapping %v", err, want, tc.is)
			}
			intact(t, dir, path)
			// Restored: the same write now works.
			if err := Write(path, writeString(tc.content)); err != nil {
				t.Fatalf("Write after restore: %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != tc.content {
				t.Errorf("Write after restore wrote %d bytes; want %d", len(got), len(tc.content))
			}
		})
	}
}

func TestWriteFaultDir(t *testing.T) {
	dir, path := setup(t)
	other := t.TempDir()
	defer Inject(Fault{Dir: other, Write: syscall.ENOSPC})()
	if err := Write(path, writeString("new")); err != nil {
		t.Errorf("a fault for %s made a write in %s fail: %v", other, dir, err)
	}
	if err := Write(filepath.Join(other, "g.txt"), writeString("new")); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("a fault for %s did not make a write there fail: %v", other, err)
	}
}

func TestWriteCallerError(t *testing.T) {
	dir, path := setup(t)
	errMine := errors.New("the encoder gave up")
	err := Write(path, func(w io.Writer) error {
		w.Write(bytes.Repeat([]byte("y"), 100_000))
		return errMine
	})
	if !errors.Is(err, errMine) || err.Error() != "writing the new contents failed: the encoder gave up" {
		t.Errorf("Write error = %v; want the writer's error", err)
	}
	intact(t, dir, path)
}

func TestWriteOverDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, writeString("x")); err == nil || err.Error() != "it is a directory" {
		t.Errorf("Write over a directory: %v", err)
	}
}

// A real read-only folder, where the system refuses the write.
func TestWriteReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, for whom a read-only folder does not stop a write; TestWriteFailures/read-only_folder injects the error instead")
	}
	dir, path := setup(t)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	err := Write(path, writeString("new"))
	want := "cannot create a file in " + dir + ": permission denied (the folder is read-only, or not yours)"
	if err == nil || err.Error() != want || !errors.Is(err, os.ErrPermission) {
		t.Errorf("Write into a read-only folder: %v; want %q", err, want)
	}
	os.Chmod(dir, 0o755)
	intact(t, dir, path)
}
