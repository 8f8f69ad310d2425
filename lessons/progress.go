package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

// ProgressFile is the name of the progress file in its directory.
const ProgressFile = "progress.json"

// progressVersion is the "version" a progress file is written with.
const progressVersion = 1

// Progress is what a learner has done: per lesson, the code cells run and
// the exercises passed, and when the lesson was finished. A lesson is
// finished when every exercise has passed and every code cell has run;
// once finished it stays finished, even if the lesson later grows.
//
// It is kept as JSON in ProgressFile in a directory (DefaultProgressDir),
// for example
//
//	{
//	  "version": 1,
//	  "lessons": {
//	    "neurons": {
//	      "ran": [1, 3, 5],
//	      "passed": ["neuron"],
//	      "finished": "2026-03-01T10:12:00Z"
//	    }
//	  }
//	}
//
// where "ran" lists indexes into the lesson notebook's Cells (as
// Exercise.Cell does). Lessons are named by slug; the methods also accept
// the other names Source does. The methods are safe for concurrent use, and
// a nil *Progress reads as empty progress.
type Progress struct {
	dir string
	// keep is set when the file could not be read and could not be moved
	// aside either: Save must move it aside before replacing it.
	keep bool
	// newer is the format version of a file written by a newer seqlab,
	// which Save must not overwrite; 0 otherwise.
	newer int

	mu      sync.Mutex
	lessons map[string]*lessonProgress
}

type lessonProgress struct {
	ran      map[int]bool
	passed   map[string]bool
	finished time.Time
}

// The JSON form of the file.
type progressJSON struct {
	Version int                           `json:"version"`
	Lessons map[string]lessonProgressJSON `json:"lessons"`
}

type lessonProgressJSON struct {
	Ran      []int     `json:"ran,omitempty"`
	Passed   []string  `json:"passed,omitempty"`
	Finished time.Time `json:"finished,omitzero"`
}

// DefaultProgressDir is where progress is kept: $XDG_STATE_HOME/seqlab, or
// ~/.local/state/seqlab when XDG_STATE_HOME is not set (or, without a home
// directory, seqlab-state in the temporary directory).
func DefaultProgressDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "seqlab")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "seqlab")
	}
	return filepath.Join(os.TempDir(), "seqlab-state")
}

// A CorruptProgressError says that the progress file could not be read as
// progress, and where it was moved so that nothing is lost.
type CorruptProgressError struct {
	Path    string // the progress file
	MovedTo string // where it is now; "" if it could not be moved
	MoveErr error  // why it could not be moved, if it could not
	Err     error  // what was wrong with it
}

func (e *CorruptProgressError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("your progress file %s is damaged (%v) and could not be moved aside (%v); seqlab started with empty progress and will not save over the file until it can move it aside", e.Path, e.Err, e.MoveErr)
	}
	return fmt.Sprintf("your progress file %s was damaged (%v); it was moved to %s and seqlab started with empty progress", e.Path, e.Err, e.MovedTo)
}

func (e *CorruptProgressError) Unwrap() error { return e.Err }

// LoadProgress reads the progress kept in dir ("" means
// DefaultProgressDir()). It always returns usable progress, even with an
// error:
//
//   - a missing file is empty progress, without an error;
//   - a damaged file (not JSON, or not progress), or one that cannot be
//     read (a directory, a file without read permission), is renamed to
//     progress.json.corrupt-<time>, and LoadProgress returns empty progress
//     and a *CorruptProgressError that says so. If it cannot be renamed
//     either, it is left where it is, and Save refuses to replace it until
//     it can move it aside: a damaged file is never overwritten.
func LoadProgress(dir string) (*Progress, error) {
	if dir == "" {
		dir = DefaultProgressDir()
	}
	p := &Progress{dir: dir, lessons: map[string]*lessonProgress{}}
	path := p.Path()
	data, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return p, p.moveAside(fmt.Errorf("it cannot be read: %w", err))
	}
	var f progressJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return p, p.moveAside(err)
	}
	if len(data) > 0 && f.Version == 0 {
		return p, p.moveAside(errors.New("it has no version"))
	}
	var newer error
	if f.Version > progressVersion {
		// Read what this seqlab knows of it, but never write it back: that
		// would drop what the newer seqlab keeps there.
		p.newer = f.Version
		newer = &NewerProgressError{Path: path, Version: f.Version}
	}
	for slug, l := range f.Lessons {
		lp := p.lesson(slug)
		for _, c := range l.Ran {
			lp.ran[c] = true
		}
		for _, e := range l.Passed {
			lp.passed[e] = true
		}
		lp.finished = l.Finished
	}
	return p, newer
}

// A NewerProgressError says that the progress file was written by a newer
// seqlab, in a format version this one does not know: it was read as far as
// this seqlab understands it, and Save leaves it alone.
type NewerProgressError struct {
	Path    string
	Version int
}

func (e *NewerProgressError) Error() string {
	return fmt.Sprintf("your progress file %s was written by a newer seqlab (format %d; this one reads and writes format %d): it is read as far as this seqlab understands it and left as it is, so progress made now is not saved; update seqlab to keep it", e.Path, e.Version, progressVersion)
}

// readFile and rename are os.ReadFile and os.Rename; tests replace them to
// make a file unreadable or immovable, even for root.
var (
	readFile = os.ReadFile
	rename   = os.Rename
)

// moveAside renames the damaged progress file out of the way and returns
// the error that says so. If it cannot, p keeps the file from being
// replaced.
func (p *Progress) moveAside(why error) error {
	e := &CorruptProgressError{Path: p.Path(), Err: why}
	e.MovedTo, e.MoveErr = atomicfile.MoveAside(e.Path, rename)
	p.keep = e.MovedTo == ""
	return e
}

// Path returns the progress file's path.
func (p *Progress) Path() string {
	if p == nil {
		return ""
	}
	return filepath.Join(p.dir, ProgressFile)
}

// lesson returns the record of a lesson, making it if needed. p.mu is held
// (or p is not shared yet).
func (p *Progress) lesson(slug string) *lessonProgress {
	lp, ok := p.lessons[slug]
	if !ok {
		lp = &lessonProgress{ran: map[int]bool{}, passed: map[string]bool{}}
		p.lessons[slug] = lp
	}
	return lp
}

// MarkRun records that the learner ran cell (an index into the lesson
// notebook's Cells) of a lesson without an error.
func (p *Progress) MarkRun(slug string, cell int) {
	if p == nil || cell < 0 {
		return
	}
	slug = canonical(slug)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lesson(slug).ran[cell] = true
	p.noteFinished(slug)
}

// MarkPassed records that an exercise of a lesson passed its check.
func (p *Progress) MarkPassed(slug, exercise string) {
	if p == nil || exercise == "" {
		return
	}
	slug = canonical(slug)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lesson(slug).passed[exercise] = true
	p.noteFinished(slug)
}

// Reset forgets the learner's progress in a lesson.
func (p *Progress) Reset(slug string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.lessons, canonical(slug))
}

// noteFinished records the time a lesson became finished. p.mu is held.
func (p *Progress) noteFinished(slug string) {
	lp := p.lessons[slug]
	if lp.finished.IsZero() && p.complete(slug) {
		lp.finished = time.Now().UTC().Truncate(time.Second)
	}
}

// complete reports whether every code cell of the lesson has run and every
// exercise has passed. p.mu is held.
func (p *Progress) complete(slug string) bool {
	o, lp := outlineOf(slug), p.lessons[slug]
	if o == nil || lp == nil {
		return false
	}
	for _, c := range o.code {
		if !lp.ran[c] {
			return false
		}
	}
	for _, e := range o.exercises {
		if !lp.passed[e] {
			return false
		}
	}
	return true
}

// Ran reports whether the learner has run a cell of a lesson.
func (p *Progress) Ran(slug string, cell int) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	lp := p.lessons[canonical(slug)]
	return lp != nil && lp.ran[cell]
}

// Passed reports whether an exercise of a lesson has passed.
func (p *Progress) Passed(slug, exercise string) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	lp := p.lessons[canonical(slug)]
	return lp != nil && lp.passed[exercise]
}

// Finished reports whether a lesson is finished: every exercise passed and
// every code cell run, now or at some time before.
func (p *Progress) Finished(slug string) bool {
	if p == nil {
		return false
	}
	slug = canonical(slug)
	p.mu.Lock()
	defer p.mu.Unlock()
	if lp := p.lessons[slug]; lp != nil && !lp.finished.IsZero() {
		return true
	}
	return p.complete(slug)
}

// FinishedAt returns when a lesson was finished, or the zero time.
func (p *Progress) FinishedAt(slug string) time.Time {
	if p == nil {
		return time.Time{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if lp := p.lessons[canonical(slug)]; lp != nil {
		return lp.finished
	}
	return time.Time{}
}

// Fraction is how much of a lesson is done, from 0 to 1: the code cells
// run and the exercises passed, out of all of them. A finished lesson is 1;
// an unknown one 0.
func (p *Progress) Fraction(slug string) float64 {
	if p == nil {
		return 0
	}
	slug = canonical(slug)
	if p.Finished(slug) {
		return 1
	}
	o := outlineOf(slug)
	if o == nil || len(o.code)+len(o.exercises) == 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	lp := p.lessons[slug]
	if lp == nil {
		return 0
	}
	done := 0
	for _, c := range o.code {
		if lp.ran[c] {
			done++
		}
	}
	for _, e := range o.exercises {
		if lp.passed[e] {
			done++
		}
	}
	return float64(done) / float64(len(o.code)+len(o.exercises))
}

// ExercisesPassed returns how many of a lesson's exercises have passed, and
// how many it has.
func (p *Progress) ExercisesPassed(slug string) (passed, total int) {
	slug = canonical(slug)
	o := outlineOf(slug)
	if o == nil {
		return 0, 0
	}
	for _, e := range o.exercises {
		if p.Passed(slug, e) {
			passed++
		}
	}
	return passed, len(o.exercises)
}

// FirstUnfinished returns the slug of the first lesson of the course that
// is not finished, or "" when all are.
func (p *Progress) FirstUnfinished() string {
	for _, l := range List() {
		if !p.Finished(l.Slug) {
			return l.Slug
		}
	}
	return ""
}

// Save writes the progress to its file, creating the directory if needed.
// The write is atomic: a failed save leaves the old file as it was. A
// damaged file LoadProgress could not move aside is moved aside now, and if
// it still cannot be, Save fails rather than replace it.
func (p *Progress) Save() error {
	if p == nil {
		return errors.New("no progress to save")
	}
	p.mu.Lock()
	if p.newer > 0 {
		p.mu.Unlock()
		return fmt.Errorf("progress not saved: %s was written by a newer seqlab (format %d) and is left as it is", p.Path(), p.newer)
	}
	if p.keep {
		if _, err := os.Lstat(p.Path()); err == nil {
			if _, err := atomicfile.MoveAside(p.Path(), rename); err != nil {
				p.mu.Unlock()
				return fmt.Errorf("cannot save your progress: %s is damaged and could not be moved aside (%v), so it is not replaced; move it away and seqlab will save your progress", p.Path(), err)
			}
		}
		p.keep = false
	}
	f := progressJSON{Version: progressVersion, Lessons: map[string]lessonProgressJSON{}}
	for slug, lp := range p.lessons {
		var l lessonProgressJSON
		for c := range lp.ran {
			l.Ran = append(l.Ran, c)
		}
		sort.Ints(l.Ran)
		for e := range lp.passed {
			l.Passed = append(l.Passed, e)
		}
		slices.Sort(l.Passed)
		l.Finished = lp.finished
		f.Lessons[slug] = l
	}
	p.mu.Unlock()
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return fmt.Errorf("cannot save your progress: %w", err)
	}
	if err := atomicfile.Write(p.Path(), func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("cannot save your progress to %s: %w; the progress saved before is as it was", p.Path(), err)
	}
	return nil
}
