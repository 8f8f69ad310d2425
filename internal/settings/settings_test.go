package settings

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

func TestLoadMissingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet")
	s, err := Load(dir)
	if err != nil || s != Defaults() {
		t.Fatalf("Load of a missing file = %+v, %v; want the defaults", s, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file created something: %v", err)
	}
	v, err := s.Values()
	if err != nil || v != (Values{MemoryLimit: 0, CellTimeout: 0, Autosave: 5 * time.Second}) {
		t.Errorf("default Values() = %+v, %v", v, err)
	}
}

func TestSaveAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "seqlab")
	want := Settings{MemoryLimit: "4GiB", CellTimeout: "1m30s", Autosave: "10s"}
	if err := Save(dir, want); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	const file = "{\n  \"memory_limit\": \"4GiB\",\n  \"cell_timeout\": \"1m30s\",\n  \"autosave\": \"10s\"\n}\n"
	if string(data) != file {
		t.Errorf("Save wrote\n%s\nwant\n%s", data, file)
	}
	got, err := Load(dir)
	if err != nil || got != want {
		t.Fatalf("Load after Save = %+v, %v; want %+v", got, err, want)
	}
	v, err := got.Values()
	if err != nil || v != (Values{MemoryLimit: 4 << 30, CellTimeout: 90 * time.Second, Autosave: 10 * time.Second}) {
		t.Errorf("Values() = %+v, %v", v, err)
	}
	if v, err := Effective(dir); err != nil || v.MemoryLimit != 4<<30 {
		t.Errorf("Effective = %+v, %v", v, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries; want only settings.json", len(entries))
	}
}

// Keys left out, or given as "", are their defaults; a byte order mark is
// no problem.
func TestLoadPartial(t *testing.T) {
	for _, content := range []string{
		`{"cell_timeout": "30s"}`,
		`{"cell_timeout": "30s", "memory_limit": "", "autosave": ""}`,
		"\ufeff{\"cell_timeout\": \"30s\"}\n",
	} {
		dir := t.TempDir()
		os.WriteFile(Path(dir), []byte(content), 0o644)
		s, err := Load(dir)
		if err != nil {
			t.Errorf("%q: %v", content, err)
			continue
		}
		v, err := s.Values()
		if err != nil || v != (Values{CellTimeout: 30 * time.Second, Autosave: 5 * time.Second}) {
			t.Errorf("%q: Values() = %+v, %v", content, v, err)
		}
	}
}

func TestLoadCorrupt(t *testing.T) {
	for _, tc := range []struct {
		desc, content string
		line          int
		key, value    string
		want          string // in the error, after "is not valid: "
	}{
		{"empty", "", 0, "", "", `it is empty; a settings file is a JSON object such as {"autosave": "5s"}`},
		{"cut off", "{\n  \"memory_limit\": \"4GiB\",\n  \"autos", 3, "", "", "line 3: not valid JSON: it ends too early, as if cut off (unexpected end of JSON input)"},
		{"comment", "{\n  // mine\n  \"autosave\": \"5s\"\n}\n", 2, "", "", "line 2: not valid JSON: invalid character '/' looking for beginning of object key string (JSON allows no comments)"},
		{"trailing comma", "{\n  \"autosave\": \"5s\",\n}\n", 3, "", "", "line 3: not valid JSON: invalid character '}' looking for beginning of object key string"},
		{"two objects", "{}\n{}\n", 2, "", "", "line 2: not valid JSON: invalid character '{' after top-level value"},
		{"not an object", "\n[\"autosave\"]", 2, "", "", "line 2: it is not a JSON object"},
		{"null", "null", 1, "", "", "line 1: it is not a JSON object"},
		{"unknown key", "{\n  \"autosave\": \"5s\",\n  \"theme\": \"dark\"\n}\n", 3, "theme", `"dark"`, `line 3: theme "dark": there is no such setting; the settings are memory_limit, cell_timeout, autosave`},
		{"key twice", "{\n  \"autosave\": \"5s\",\n  \"autosave\": \"9s\"\n}\n", 3, "autosave", `"9s"`, `line 3: autosave "9s": the setting is there twice`},
		{"not a string", "{\"autosave\": 5}", 1, "autosave", "5", `line 1: autosave 5: not a string; write the value in quotes, such as "5s"`},
		{"memory lots", "{\n  \"memory_limit\": \"lots\"\n}\n", 2, "memory_limit", `"lots"`, `line 2: memory_limit "lots": not a size; write a number of bytes with a unit, such as "512MiB", "4GiB" or "1.5GB" (KiB, MiB, GiB, TiB, and K, M, G, T, are powers of 1024; kB, MB, GB, TB powers of 1000), or plain bytes such as "1048576"`},
		{"memory zero", `{"memory_limit": "0GiB"}`, 1, "memory_limit", `"0GiB"`, `line 1: memory_limit "0GiB": the limit must be more than 0 bytes; write "" for the kernel's default`},
		{"memory negative", `{"memory_limit": "-1GiB"}`, 1, "memory_limit", `"-1GiB"`, `line 1: memory_limit "-1GiB": a size cannot be negative`},
		{"memory number", `{"memory_limit": 4294967296}`, 1, "memory_limit", "4294967296", `line 1: memory_limit 4294967296: not a string; write the value in quotes, such as "4GiB"`},
		{"timeout negative", "{\n\"cell_timeout\": \"-3s\"}", 2, "cell_timeout", `"-3s"`, `line 2: cell_timeout "-3s": a timeout cannot be negative; write "0s" for no limit`},
		{"timeout soon", `{"cell_timeout": "soon"}`, 1, "cell_timeout", `"soon"`, `line 1: cell_timeout "soon": not a duration; write a number with a unit, such as "30s", "2m" or "1h30m", or "0s" for no limit`},
		{"timeout no unit", `{"cell_timeout": "30"}`, 1, "cell_timeout", `"30"`, `line 1: cell_timeout "30": not a duration`},
		{"autosave zero", `{"autosave": "0s"}`, 1, "autosave", `"0s"`, `line 1: autosave "0s": the interval must be more than 0s, such as "5s"`},
		{"autosave null", `{"autosave": null}`, 1, "autosave", "null", `line 1: autosave null: not a string`},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			dir := t.TempDir()
			path := Path(dir)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Load(dir)
			if s != Defaults() {
				t.Errorf("Load returned %+v; want the defaults", s)
			}
			var ce *CorruptSettingsError
			if !errors.As(err, &ce) {
				t.Fatalf("Load error = %v; want a *CorruptSettingsError", err)
			}
			if ce.Path != path || ce.Line != tc.line || ce.Key != tc.key || ce.Value != tc.value {
				t.Errorf("error fields: path %q line %d key %q value %q; want %q %d %q %q", ce.Path, ce.Line, ce.Key, ce.Value, path, tc.line, tc.key, tc.value)
			}
			// The bad file is kept, byte for byte, next to the new one.
			if !strings.HasPrefix(ce.MovedTo, path+".corrupt-") {
				t.Fatalf("moved to %q", ce.MovedTo)
			}
			if got, err := os.ReadFile(ce.MovedTo); err != nil || string(got) != tc.content {
				t.Errorf("the moved file holds %q (%v); want the bad content", got, err)
			}
			msg := err.Error()
			for _, want := range []string{
				"your settings file " + path + " is not valid: " + tc.want,
				". It was moved to " + ce.MovedTo + " and seqlab uses the default settings, now written to " + path + "; copy back from the old file what you want to keep",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("the error\n%s\ndoes not say\n%s", msg, want)
				}
			}
			// The file was rewritten with the defaults: the next start is clean.
			again, err := Load(dir)
			if err != nil || again != Defaults() {
				t.Errorf("Load after the repair = %+v, %v; want the defaults without an error", again, err)
			}
			if v, err := Effective(dir); err != nil || v.Autosave != DefaultAutosave {
				t.Errorf("Effective after the repair = %+v, %v", v, err)
			}
		})
	}
}

// The whole message, as a user sees it.
func TestCorruptSettingsMessage(t *testing.T) {
	e := &CorruptSettingsError{Path: "/home/u/.config/seqlab/settings.json", Line: 2, Key: "memory_limit", Value: `"lots"`,
		Err: errors.New("not a size"), MovedTo: "/home/u/.config/seqlab/settings.json.corrupt-20260102-150405"}
	want := `your settings file /home/u/.config/seqlab/settings.json is not valid: line 2: memory_limit "lots": not a size. ` +
		`It was moved to /home/u/.config/seqlab/settings.json.corrupt-20260102-150405 and seqlab uses the default settings, ` +
		`now written to /home/u/.config/seqlab/settings.json; copy back from the old file what you want to keep`
	if e.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", e.Error(), want)
	}
	e.WriteErr = errors.New("the disk is full (no space left on device)")
	if want := `It was moved to /home/u/.config/seqlab/settings.json.corrupt-20260102-150405 and seqlab uses the default settings (writing them to /home/u/.config/seqlab/settings.json failed: the disk is full (no space left on device))`; !strings.HasSuffix(e.Error(), want) {
		t.Errorf("message\n%s\ndoes not end\n%s", e.Error(), want)
	}
	e.MovedTo, e.MoveErr = "", syscall.EACCES
	if want := `It could not be moved aside (permission denied), so it was left as it is; seqlab uses the default settings until it is fixed`; !strings.HasSuffix(e.Error(), want) {
		t.Errorf("message\n%s\ndoes not end\n%s", e.Error(), want)
	}
	e.Value = `"` + strings.Repeat("x", 100) + `"`
	if !strings.Contains(e.Error(), `memory_limit "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…: `) {
		t.Errorf("a long value is not shortened: %s", e.Error())
	}
}

// A directory where the file should be, and a file that cannot be read,
// are moved aside like a bad file.
func TestLoadUnreadable(t *testing.T) {
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		path := Path(dir)
		if err := os.MkdirAll(filepath.Join(path, "inside"), 0o755); err != nil {
			t.Fatal(err)
		}
		s, err := Load(dir)
		var ce *CorruptSettingsError
		if !errors.As(err, &ce) || s != Defaults() || !strings.Contains(err.Error(), "is not valid: it cannot be read (is a directory)") {
			t.Fatalf("Load with a directory for the file = %+v, %v", s, err)
		}
		if fi, err := os.Stat(filepath.Join(ce.MovedTo, "inside")); err != nil || !fi.IsDir() {
			t.Errorf("the directory was not moved whole to %s: %v", ce.MovedTo, err)
		}
		if s, err := Load(dir); err != nil || s != Defaults() {
			t.Errorf("Load after the repair = %+v, %v", s, err)
		}
	})
	t.Run("no permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, who can read any file; the permission (hook) case covers it")
		}
		dir := t.TempDir()
		path := Path(dir)
		os.WriteFile(path, []byte(`{"autosave": "7s"}`), 0o000)
		_, err := Load(dir)
		var ce *CorruptSettingsError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "is not valid: it cannot be read (permission denied). It was moved to") {
			t.Fatalf("Load of an unreadable file: %v", err)
		}
		os.Chmod(ce.MovedTo, 0o644)
		if got, _ := os.ReadFile(ce.MovedTo); string(got) != `{"autosave": "7s"}` {
			t.Errorf("the unreadable file was not kept: %q", got)
		}
		if s, err := Load(dir); err != nil || s != Defaults() {
			t.Errorf("Load after the repair = %+v, %v", s, err)
		}
	})
	t.Run("permission (hook)", func(t *testing.T) {
		// Root reads any file, so the read fails through the hook.
		dir := t.TempDir()
		path := Path(dir)
		os.WriteFile(path, []byte(`{"autosave": "7s"}`), 0o644)
		defer func(f func(string) ([]byte, error)) { readFile = f }(readFile)
		readFile = func(name string) ([]byte, error) {
			if name == path {
				return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
			}
			return os.ReadFile(name)
		}
		_, err := Load(dir)
		var ce *CorruptSettingsError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "is not valid: it cannot be read (permission denied). It was moved to") {
			t.Fatalf("Load of an unreadable file: %v", err)
		}
		if got, _ := os.ReadFile(ce.MovedTo); string(got) != `{"autosave": "7s"}` {
			t.Errorf("the unreadable file was not kept: %q", got)
		}
	})
}

// A bad file that cannot be moved aside is left alone, by Load and by Save.
func TestCannotMoveAside(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir)
	const bad = `{"memory_limit": "lots"}`
	os.WriteFile(path, []byte(bad), 0o644)
	defer func(f func(string, string) error) { rename = f }(rename)
	rename = func(from, to string) error {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EPERM}
	}
	s, err := Load(dir)
	var ce *CorruptSettingsError
	if !errors.As(err, &ce) || s != Defaults() || ce.MovedTo != "" ||
		!strings.HasSuffix(err.Error(), "It could not be moved aside (operation not permitted), so it was left as it is; seqlab uses the default settings until it is fixed") {
		t.Fatalf("Load = %+v, %v", s, err)
	}
	if got, _ := os.ReadFile(path); string(got) != bad {
		t.Errorf("the bad file was changed to %q", got)
	}
	err = Save(dir, Settings{Autosave: "9s"})
	if err == nil || !strings.Contains(err.Error(), "is not valid settings and could not be moved aside (operation not permitted), so it was not replaced") {
		t.Errorf("Save over an immovable bad file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != bad {
		t.Errorf("Save replaced the bad file with %q", got)
	}
}

// Save moves a bad file aside before writing, and refuses bad values.
func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir)
	os.WriteFile(path, []byte("{oops"), 0o644)
	if err := Save(dir, Settings{Autosave: "9s"}); err != nil {
		t.Fatal(err)
	}
	moved, _ := filepath.Glob(path + ".corrupt-*")
	if len(moved) != 1 {
		t.Fatalf("Save over a bad file left %v", moved)
	}
	if got, _ := os.ReadFile(moved[0]); string(got) != "{oops" {
		t.Errorf("the bad file became %q", got)
	}
	if s, err := Load(dir); err != nil || s.Autosave != "9s" {
		t.Errorf("Load after Save = %+v, %v", s, err)
	}

	err := Save(dir, Settings{MemoryLimit: "lots"})
	if err == nil || !strings.HasPrefix(err.Error(), `cannot save the settings: memory_limit "lots": not a size; write a number of bytes`) || !strings.HasSuffix(err.Error(), "; nothing was written") {
		t.Errorf("Save of a bad value: %v", err)
	}
	if s, _ := Load(dir); s.Autosave != "9s" {
		t.Error("a refused Save changed the file")
	}

	// A full disk: the old file stays.
	restore := atomicfile.Inject(atomicfile.Fault{Dir: dir, Write: syscall.ENOSPC})
	err = Save(dir, Settings{Autosave: "1m"})
	restore()
	if err == nil || err.Error() != "cannot save the settings to "+path+": writing the new contents failed: the disk is full (no space left on device); the file is as it was" {
		t.Errorf("Save onto a full disk: %v", err)
	}
	if s, _ := Load(dir); s.Autosave != "9s" {
		t.Error("a failed Save changed the file")
	}
}

// Two bad files in the same second are both kept.
func TestCorruptTwice(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir)
	os.WriteFile(path, []byte("one"), 0o644)
	_, err1 := Load(dir)
	os.WriteFile(path, []byte("two"), 0o644)
	_, err2 := Load(dir)
	var a, b *CorruptSettingsError
	if !errors.As(err1, &a) || !errors.As(err2, &b) || a.MovedTo == "" || b.MovedTo == "" || a.MovedTo == b.MovedTo {
		t.Fatalf("two bad files: %v; %v", err1, err2)
	}
	for path, want := range map[string]string{a.MovedTo: "one", b.MovedTo: "two"} {
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Errorf("%s holds %q; want %q", path, got, want)
		}
	}
}

func TestValues(t *testing.T) {
	for _, tc := range []struct {
		s    Settings
		want Values
		err  string
	}{
		{Settings{}, Values{Autosave: 5 * time.Second}, ""},
		{Defaults(), Values{Autosave: 5 * time.Second}, ""},
		{Settings{MemoryLimit: "512MiB", CellTimeout: "2m", Autosave: "500ms"}, Values{512 << 20, 2 * time.Minute, 500 * time.Millisecond}, ""},
		{Settings{MemoryLimit: " 1.5GB "}, Values{MemoryLimit: 1_500_000_000, Autosave: 5 * time.Second}, ""},
		{Settings{MemoryLimit: "4G"}, Values{MemoryLimit: 4 << 30, Autosave: 5 * time.Second}, ""},
		{Settings{MemoryLimit: "4 gigs"}, Values{}, `memory_limit "4 gigs": not a size; write a number of bytes with a unit`},
		{Settings{MemoryLimit: "1.5"}, Values{}, `memory_limit "1.5": a number of bytes must be whole; write a number of bytes with a unit`},
		{Settings{MemoryLimit: "0.0001KiB"}, Values{}, `memory_limit "0.0001KiB": the size is less than one byte`},
		{Settings{CellTimeout: "-3s"}, Values{}, `cell_timeout "-3s": a timeout cannot be negative`},
		{Settings{Autosave: "-1s"}, Values{}, `autosave "-1s": the interval must be more than 0s`},
	} {
		v, err := tc.s.Values()
		if tc.err == "" {
			if err != nil || v != tc.want {
				t.Errorf("%+v.Values() = %+v, %v; want %+v", tc.s, v, err, tc.want)
			}
			continue
		}
		var ve *ValueError
		if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%+v.Values() error = %v; want a *ValueError starting %q", tc.s, err, tc.err)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/config")
	if got := DefaultDir(); got != "/config/seqlab" {
		t.Errorf("with XDG_CONFIG_HOME, DefaultDir() = %q", got)
	}
	if got := Path(""); got != "/config/seqlab/settings.json" {
		t.Errorf(`Path("") = %q`, got)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "/home/learner")
	if got := DefaultDir(); got != "/home/learner/.config/seqlab" {
		t.Errorf("without XDG_CONFIG_HOME, DefaultDir() = %q", got)
	}
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	if err := Save("", Settings{CellTimeout: "10s"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(config, "seqlab", "settings.json")); err != nil {
		t.Errorf(`Save("", ...) did not write to $XDG_CONFIG_HOME/seqlab: %v`, err)
	}
	if v, err := Effective(""); err != nil || v.CellTimeout != 10*time.Second {
		t.Errorf(`Effective("") = %+v, %v`, v, err)
	}
}
