// Package settings reads and writes seqlab's settings file: what a user may
// want to set once instead of on every command line.
//
// The file is settings.json in $XDG_CONFIG_HOME/seqlab
// (~/.config/seqlab/settings.json when XDG_CONFIG_HOME is not set; see
// DefaultDir). It is a JSON object whose keys are all optional, for example
//
//	{
//	  "memory_limit": "4GiB",
//	  "cell_timeout": "30s",
//	  "autosave": "5s"
//	}
//
// The keys:
//
//   - memory_limit: how much memory the kernel that runs the cells may use,
//     as a size: "512MiB", "4GiB", "1.5GB" or a plain number of bytes
//     ("1073741824"); KiB, MiB, GiB and TiB (or K, M, G, T) are powers of
//     1024, kB, MB, GB and TB powers of 1000 (see bytesize.Parse). "" (the
//     default) leaves the kernel's own default.
//   - cell_timeout: a cell running longer than this is interrupted, as a Go
//     duration: "30s", "2m", "1h30m". "0s" (the default) means no limit.
//   - autosave: how often unsaved changes to a notebook are written to its
//     recovery file, as a duration greater than zero; "5s" by default.
//
// An empty string ("") for any key means its default, as does leaving the
// key out. The terminal's colours are not a setting: seqlab follows the
// terminal's background, dark or light.
//
// A missing file means the defaults. A file that exists but is not valid
// (not JSON, not an object, an unknown or repeated key, a value that is not
// a string or not valid for its key, or a file that cannot be read) is
// never deleted and never silently used: Load moves it aside to
// settings.json.corrupt-<time>, uses the defaults, writes them to
// settings.json so that the next start is clean, and returns a
// *CorruptSettingsError that says what was wrong (the line, the key and the
// value) and what was done. The user copies back what they want from the
// moved file.
package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/seqlab/seqlab/internal/atomicfile"
	"github.com/seqlab/seqlab/internal/bytesize"
)

// FileName is the name of the settings file in its directory.
const FileName = "settings.json"

// Settings are the settings as written in the file: each value a string,
// "" meaning the default. Values turns them into typed values.
type Settings struct {
	MemoryLimit string `json:"memory_limit"` // a size, as bytesize.Parse reads it; "" for the kernel's default
	CellTimeout string `json:"cell_timeout"` // a Go duration; "0s" for no limit
	Autosave    string `json:"autosave"`     // a Go duration greater than zero
}

// Defaults returns the default settings, as they are written to a new file.
func Defaults() Settings {
	return Settings{MemoryLimit: "", CellTimeout: "0s", Autosave: "5s"}
}

// Values are the settings in force, typed.
type Values struct {
	MemoryLimit int64         // in bytes; 0 means the kernel's default
	CellTimeout time.Duration // 0 means no limit
	Autosave    time.Duration // always greater than zero
}

// DefaultAutosave is the autosave interval when none is set.
const DefaultAutosave = 5 * time.Second

// A ValueError says that a setting's value is not valid for its key.
type ValueError struct {
	Key   string // the key, e.g. "memory_limit"
	Value string // the value as written, e.g. "lots"
	Err   error  // what is wrong with it and what would be right
}

func (e *ValueError) Error() string { return fmt.Sprintf("%s %q: %v", e.Key, e.Value, e.Err) }

func (e *ValueError) Unwrap() error { return e.Err }

// The keys, in the order of the file, and an example value of each.
var (
	keys     = []string{"memory_limit", "cell_timeout", "autosave"}
	examples = map[string]string{"memory_limit": "4GiB", "cell_timeout": "30s", "autosave": "5s"}
)

// field returns the Settings field a key names, or nil.
func (s *Settings) field(key string) *string {
	switch key {
	case "memory_limit":
		return &s.MemoryLimit
	case "cell_timeout":
		return &s.CellTimeout
	case "autosave":
		return &s.Autosave
	}
	return nil
}

// Values checks the settings and returns them typed. An empty value is its
// key's default. The error is a *ValueError for the first invalid value.
func (s Settings) Values() (Values, error) {
	v := Values{Autosave: DefaultAutosave}
	for _, key := range keys {
		if err := v.set(key, *s.field(key)); err != nil {
			return Values{}, err
		}
	}
	return v, nil
}

// set parses the value of a key into v.
func (v *Values) set(key, value string) error {
	fail := func(format string, args ...any) error {
		return &ValueError{Key: key, Value: value, Err: fmt.Errorf(format, args...)}
	}
	if strings.TrimSpace(value) == "" {
		return nil
	}
	switch key {
	case "memory_limit":
		n, err := bytesize.Parse(value)
		if err != nil {
			var e *bytesize.Error
			if errors.As(err, &e) {
				err = e.Err // the reason alone: the ValueError names the value
			}
			return &ValueError{Key: key, Value: value, Err: err}
		}
		if n == 0 {
			return fail(`the limit must be more than 0 bytes; write "" for the kernel's default`)
		}
		v.MemoryLimit = n
	case "cell_timeout":
		d, err := time.ParseDuration(strings.TrimSpace(value))
		if err != nil {
			return fail(`not a duration; write a number with a unit, such as "30s", "2m" or "1h30m", or "0s" for no limit`)
		}
		if d < 0 {
			return fail(`a timeout cannot be negative; write "0s" for no limit`)
		}
		v.CellTimeout = d
	case "autosave":
		d, err := time.ParseDuration(strings.TrimSpace(value))
		if err != nil {
			return fail(`not a duration; write a number with a unit, such as "5s" or "1m"`)
		}
		if d <= 0 {
			return fail(`the interval must be more than 0s, such as "5s"`)
		}
		v.Autosave = d
	default:
		return fail("there is no such setting; the settings are %s", strings.Join(keys, ", "))
	}
	return nil
}

// DefaultDir is where the settings file is: $XDG_CONFIG_HOME/seqlab, or
// ~/.config/seqlab when XDG_CONFIG_HOME is not set (or, without a home
// directory, seqlab-config in the temporary directory).
func DefaultDir() string {
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "seqlab")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".config", "seqlab")
	}
	return filepath.Join(os.TempDir(), "seqlab-config")
}

// Path returns the settings file in dir ("" means DefaultDir()).
func Path(dir string) string {
	if dir == "" {
		dir = DefaultDir()
	}
	return filepath.Join(dir, FileName)
}

// A CorruptSettingsError says that the settings file is not valid, what is
// wrong with it, and what Load did about it.
type CorruptSettingsError struct {
	Path  string // the settings file
	Line  int    // the line of the problem, from 1; 0 if not known
	Key   string // the key at fault; "" if the problem is not one key's
	Value string // the key's value as written in the file (JSON: a string is in quotes)
	Err   error  // what is wrong

	MovedTo  string // where the bad file is now; "" if it could not be moved
	MoveErr  error  // why it could not be moved, if it could not
	WriteErr error  // why the defaults could not be written to Path, if they could not
}

func (e *CorruptSettingsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "your settings file %s is not valid: ", e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		if e.Value != "" {
			b.WriteString(" " + snippet(e.Value))
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%v. ", e.Err)
	switch {
	case e.MovedTo == "":
		fmt.Fprintf(&b, "It could not be moved aside (%v), so it was left as it is; seqlab uses the default settings until it is fixed", e.MoveErr)
	case e.WriteErr != nil:
		fmt.Fprintf(&b, "It was moved to %s and seqlab uses the default settings (writing them to %s failed: %v)", e.MovedTo, e.Path, e.WriteErr)
	default:
		fmt.Fprintf(&b, "It was moved to %s and seqlab uses the default settings, now written to %s; copy back from the old file what you want to keep", e.MovedTo, e.Path)
	}
	return b.String()
}

func (e *CorruptSettingsError) Unwrap() error { return e.Err }

// snippet shortens a value for a message.
func snippet(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "…"
	}
	return s
}

// Load reads the settings file in dir ("" means DefaultDir()). It always
// returns usable settings, which Values accepts:
//
//   - a missing file gives the defaults, without an error;
//   - a valid file gives its settings, the defaults for keys it leaves out;
//   - a file that is not valid, or cannot be read, is moved aside to
//     settings.json.corrupt-<time> and replaced by a file of the defaults;
//     Load returns the defaults and a *CorruptSettingsError that says so.
func Load(dir string) (Settings, error) {
	path := Path(dir)
	data, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	var e *CorruptSettingsError
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		e = &CorruptSettingsError{Path: path, Err: fmt.Errorf("it cannot be read (%w)", err)}
	} else {
		var s Settings
		if s, e = parse(path, data); e == nil {
			return s, nil
		}
	}
	if e.MovedTo, e.MoveErr = atomicfile.MoveAside(path, rename); e.MovedTo != "" {
		e.WriteErr = write(path, Defaults())
	}
	return Defaults(), e
}

// Effective returns the values in force: those of the settings file in dir
// ("" means DefaultDir()), or the defaults. The error is Load's; the values
// are usable even with an error.
func Effective(dir string) (Values, error) {
	s, err := Load(dir)
	v, verr := s.Values()
	if verr != nil { // cannot happen: Load returns valid settings
		v, _ = Defaults().Values()
	}
	return v, err
}

// Save checks the settings and writes them to the settings file in dir (""
// means DefaultDir()), creating the directory if needed. The write is
// atomic: a failed save leaves the old file as it was. A file there that is
// not valid settings is first moved aside to settings.json.corrupt-<time>,
// as Load does, and never overwritten.
func Save(dir string, s Settings) error {
	path := Path(dir)
	if _, err := s.Values(); err != nil {
		return fmt.Errorf("cannot save the settings: %w; nothing was written", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("cannot save the settings: %w", err)
	}
	if data, err := readFile(path); !errors.Is(err, fs.ErrNotExist) {
		bad := err != nil
		if !bad {
			_, e := parse(path, data)
			bad = e != nil
		}
		if bad {
			if _, err := atomicfile.MoveAside(path, rename); err != nil {
				return fmt.Errorf("cannot save the settings: %s is not valid settings and could not be moved aside (%v), so it was not replaced", path, err)
			}
		}
	}
	if err := write(path, s); err != nil {
		return fmt.Errorf("cannot save the settings to %s: %w; the file is as it was", path, err)
	}
	return nil
}

// write writes s to path as indented JSON, atomically.
func write(path string, s Settings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// readFile and rename are os.ReadFile and os.Rename; tests replace them to
// make a file unreadable or immovable even for root.
var (
	readFile = os.ReadFile
	rename   = os.Rename
)

// parse reads a settings file, checking every key and value. The error,
// if any, has Path, Line, Key, Value and Err set.
func parse(path string, data []byte) (Settings, *CorruptSettingsError) {
	s := Defaults()
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark some editors write
	problem := func(line int, key, value string, err error) (Settings, *CorruptSettingsError) {
		return Defaults(), &CorruptSettingsError{Path: path, Line: line, Key: key, Value: value, Err: err}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return problem(0, "", "", errors.New(`it is empty; a settings file is a JSON object such as {"autosave": "5s"}`))
	}
	var syntax *json.SyntaxError
	if err := json.Unmarshal(data, new(any)); errors.As(err, &syntax) {
		line := lineAt(data, syntax.Offset-1)
		msg := syntax.Error()
		switch {
		case syntax.Offset >= int64(len(data)):
			msg = "it ends too early, as if cut off (" + msg + ")"
		case strings.Contains(msg, "invalid character '/'"):
			msg += " (JSON allows no comments)"
		}
		return problem(line, "", "", errors.New("not valid JSON: "+msg))
	} else if err != nil {
		return problem(0, "", "", fmt.Errorf("not valid JSON: %w", err))
	}
	if data[firstNonSpace(data)] != '{' {
		return problem(lineAt(data, int64(firstNonSpace(data))), "", "", errors.New(`it is not a JSON object; a settings file is one such as {"autosave": "5s"}`))
	}
	// Valid JSON: walk the object's keys, noting the line of each.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.Token() // {
	seen := map[string]bool{}
	var v Values
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		line := lineAt(data, dec.InputOffset()-1)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return problem(line, key, "", fmt.Errorf("not valid JSON: %w", err))
		}
		field := s.field(key)
		switch {
		case field == nil:
			return problem(line, key, string(raw), fmt.Errorf("there is no such setting; the settings are %s", strings.Join(keys, ", ")))
		case seen[key]:
			return problem(line, key, string(raw), errors.New("the setting is there twice"))
		}
		seen[key] = true
		var value string
		if err := json.Unmarshal(raw, &value); err != nil || raw[0] != '"' { // null unmarshals too
			return problem(line, key, string(raw), fmt.Errorf("not a string; write the value in quotes, such as %q", examples[key]))
		}
		if err := v.set(key, value); err != nil {
			var ve *ValueError
			if errors.As(err, &ve) {
				err = ve.Err
			}
			return problem(line, key, string(raw), err)
		}
		*field = value
	}
	return s, nil
}

// lineAt is the line, from 1, of the byte at offset in data.
func lineAt(data []byte, offset int64) int {
	offset = max(0, min(offset, int64(len(data))))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

func firstNonSpace(data []byte) int {
	return len(data) - len(bytes.TrimLeftFunc(data, unicode.IsSpace))
}
