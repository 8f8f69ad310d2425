package symbols

// The restricted stand-ins that yaegi extract refers to in stdlib_os.go and
// stdlib_log.go instead of the real os.Exit, os.FindProcess, log.Fatal*,
// log.New and log.Logger, so that a cell cannot end the kernel. They follow
// github.com/traefik/yaegi/stdlib/restricted.go (Apache-2.0). Unrestricted
// puts the real ones back.

import (
	"errors"
	"io"
	"log"
	"os"
	"strconv"
)

var errRestricted = errors.New("restricted: run seqlab with --unrestricted")

// osExit panics instead of exiting.
func osExit(code int) { panic("os.Exit(" + strconv.Itoa(code) + ")") }

// osFindProcess is os.FindProcess, except for the kernel's own process.
func osFindProcess(pid int) (*os.Process, error) {
	if pid == os.Getpid() {
		return nil, errRestricted
	}
	return os.FindProcess(pid)
}

// The Fatal functions panic instead of exiting.
func logFatal(v ...any)            { log.Panic(v...) }
func logFatalf(f string, v ...any) { log.Panicf(f, v...) }
func logFatalln(v ...any)          { log.Panicln(v...) }

// logLogger is log.Logger in a cell: Fatal panics instead of exiting.
type logLogger struct {
	l *log.Logger
}

// logNew returns a restricted logger.
func logNew(out io.Writer, prefix string, flag int) *logLogger {
	return &logLogger{log.New(out, prefix, flag)}
}

func (l *logLogger) Fatal(v ...any)               { l.l.Panic(v...) }
func (l *logLogger) Fatalf(f string, v ...any)    { l.l.Panicf(f, v...) }
func (l *logLogger) Fatalln(v ...any)             { l.l.Panicln(v...) }
func (l *logLogger) Flags() int                   { return l.l.Flags() }
func (l *logLogger) Output(d int, s string) error { return l.l.Output(d, s) }
func (l *logLogger) Panic(v ...any)               { l.l.Panic(v...) }
func (l *logLogger) Panicf(f string, v ...any)    { l.l.Panicf(f, v...) }
func (l *logLogger) Panicln(v ...any)             { l.l.Panicln(v...) }
func (l *logLogger) Prefix() string               { return l.l.Prefix() }
func (l *logLogger) Print(v ...any)               { l.l.Print(v...) }
func (l *logLogger) Printf(f string, v ...any)    { l.l.Printf(f, v...) }
func (l *logLogger) Println(v ...any)             { l.l.Println(v...) }
func (l *logLogger) SetFlags(flag int)            { l.l.SetFlags(flag) }
func (l *logLogger) SetOutput(w io.Writer)        { l.l.SetOutput(w) }
func (l *logLogger) SetPrefix(prefix string)      { l.l.SetPrefix(prefix) }
func (l *logLogger) Writer() io.Writer            { return l.l.Writer() }
