// Package atomicfile replaces files so that a failed write never destroys
// what was there: notebooks, checkpoints, settings and lesson progress are
// saved through it.
//
// Its errors say what went wrong in words a user can act on: a full disk is
// "the disk is full (no space left on device)", a folder one may not write
// in is "cannot create a file in DIR: permission denied (the folder is
// read-only, or not yours)". They wrap the system's error, so errors.Is
// (err, syscall.ENOSPC) still holds. The callers add which file it was and
// what was kept.
//
// A save failing for those reasons is hard to bring about in a test (a test
// running as root writes into a read-only folder; nobody should fill a
// disk), so Inject makes Write fail the way the system would.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Write writes a file with write into a temporary file next to path,
// flushes it to disk and renames it over path (over the file a symbolic link
// at path points to). If anything fails, the temporary file is removed and
// whatever was at path is left untouched. The new file keeps the permissions
// of the file it replaces (0644 for a new one).
func Write(path string, write func(io.Writer) error) (err error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return errors.New("it is a directory")
		case !fi.Mode().IsRegular():
			return errors.New("it is not a regular file")
		}
		perm = fi.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	prefix := filepath.Join(dir, "."+base+".tmp-")
	flt := faultFor(dir)
	var f *os.File
	if flt != nil && flt.Create != nil {
		err = &fs.PathError{Op: "open", Path: prefix + "0", Err: flt.Create}
	} else {
		f, err = os.CreateTemp(dir, "."+base+".tmp-*")
	}
	if err != nil {
		return fmt.Errorf("cannot create a file in %s: %w", filepath.Clean(dir), explain(err, prefix, true))
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	var w io.Writer = f
	if flt != nil && flt.Write != nil {
		w = &failingWriter{w: f, name: tmp, left: flt.After, err: flt.Write}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := write(bw); err != nil {
		return fmt.Errorf("writing the new contents failed: %w", explain(err, prefix, false))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the new contents failed: %w", explain(err, prefix, false))
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("setting the new file's permissions failed: %w", explain(err, prefix, false))
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("flushing the new contents to disk failed: %w", explain(err, prefix, false))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the new contents failed: %w", explain(err, prefix, false))
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("putting the new file in place failed: %w", explain(err, prefix, false))
	}
	// Make the rename itself durable where the system allows it.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// explained is a system error put in words, still wrapping it.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// explain drops the name of the temporary file (prefix, in its directory)
// from a system error about it, since it means nothing to the user and is
// gone, and says what the common causes mean. creating says the error came
// from creating the file in its folder.
func explain(err error, prefix string, creating bool) error {
	switch e := err.(type) {
	case *fs.PathError:
		if strings.HasPrefix(filepath.Clean(e.Path), prefix) {
			err = e.Err
		}
	case *os.LinkError:
		if strings.HasPrefix(filepath.Clean(e.Old), prefix) {
			err = e.Err
		}
	}
	var msg string
	switch {
	case errors.Is(err, syscall.ENOSPC):
		msg = "the disk is full (no space left on device)"
	case errors.Is(err, syscall.EDQUOT):
		msg = "your disk quota is used up (disk quota exceeded)"
	case errors.Is(err, syscall.EROFS):
		msg = "the file system is read-only"
	case creating && (errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)):
		msg = err.Error() + " (the folder is read-only, or not yours)"
	default:
		return err
	}
	return &explained{msg, err}
}

// A Fault is a failure Inject makes Write meet.
type Fault struct {
	// Dir limits the fault to files written in this directory; "" means
	// every file.
	Dir string
	// Create, if not nil, is the error creating the temporary file fails
	// with, as in a read-only folder (syscall.EACCES) or file system
	// (syscall.EROFS).
	Create error
	// Write, if not nil, is the error writing the new contents fails with
	// once After bytes of them reached the temporary file, as on a full
	// disk (syscall.ENOSPC).
	Write error
	After int
}

var (
	faultMu sync.Mutex
	fault   *Fault
)

// Inject makes every following Write fail as f says, until restore is
// called. It is for tests of the code that saves through Write, which need
// a save to fail the way the system would make it fail: a test running as
// root can write into a read-only folder, and no test should fill a disk.
// One fault at a time: tests that inject must not run in parallel.
func Inject(f Fault) (restore func()) {
	faultMu.Lock()
	defer faultMu.Unlock()
	prev := fault
	fault = &f
	return func() {
		faultMu.Lock()
		defer faultMu.Unlock()
		fault = prev
	}
}

// faultFor returns the injected fault that applies to a file in dir, or nil.
func faultFor(dir string) *Fault {
	faultMu.Lock()
	defer faultMu.Unlock()
	if fault == nil || fault.Dir != "" && filepath.Clean(fault.Dir) != filepath.Clean(dir) {
		return nil
	}
	return fault
}

// failingWriter passes left bytes on to w and then fails as a file does.
type failingWriter struct {
	w    io.Writer
	name string
	left int
	err  error
}

func (fw *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= fw.left {
		fw.left -= len(p)
		return fw.w.Write(p)
	}
	n, err := fw.w.Write(p[:fw.left])
	fw.left -= n
	if err == nil {
		err = &fs.PathError{Op: "write", Path: fw.name, Err: fw.err}
	}
	return n, err
}

// MoveAside renames a damaged file at path to path.corrupt-<time> (with -2,
// -3, ... if that is taken), so that it is kept for the user while a fresh
// file takes its place, and returns where it went. rename is os.Rename, or
// a stand-in for tests.
func MoveAside(path string, rename func(from, to string) error) (string, error) {
	stamp := time.Now().Format("20060102-150405")
	for i := 1; i < 100; i++ {
		to := path + ".corrupt-" + stamp
		if i > 1 {
			to = fmt.Sprintf("%s-%d", to, i)
		}
		if _, err := os.Lstat(to); err == nil {
			continue
		}
		if err := rename(path, to); err != nil {
			var le *os.LinkError
			if errors.As(err, &le) {
				err = le.Err
			}
			return "", err
		}
		return to, nil
	}
	return "", errors.New("there are too many damaged copies already")
}
