package display

import "encoding/json"

// Check is the result of an exercise's check: PASS, or what was expected,
// what the learner's code gave and where to look. Lessons' checks show one
// (lessons/check); the TUI draws it as a verdict and records a pass in the
// learner's progress, and `seqlab lessons check` reads it headless.
type Check struct {
	Exercise string `json:"exercise"`           // the exercise's name, e.g. "softmax"
	Pass     bool   `json:"pass"`               // the code does what the exercise asks
	Expected string `json:"expected,omitempty"` // what was wanted (failures)
	Got      string `json:"got,omitempty"`      // what the code gave (failures)
	Where    string `json:"where,omitempty"`    // where to look (failures)
}

// Kind returns "check".
func (c *Check) Kind() string { return KindCheck }

// Text renders the verdict: "PASS name" or "FAIL name" and the lines that
// say what was expected, what the code gave and where to look, wrapped to
// width.
func (c *Check) Text(width int) string {
	if c == nil {
		return ""
	}
	width = normWidth(width)
	verdict := "FAIL "
	if c.Pass {
		verdict = "PASS "
	}
	lines := []string{verdict + cleanLine(c.Exercise)}
	for _, l := range []struct{ label, text string }{
		{"expected: ", c.Expected}, {"got: ", c.Got}, {"look at: ", c.Where},
	} {
		if c.Pass || l.text == "" {
			continue
		}
		for i, w := range wrapWords(l.label+cleanLine(l.text), max(width-4, 1)) {
			if i > 0 {
				w = "  " + w
			}
			lines = append(lines, "  "+w)
		}
	}
	return finish(lines, width)
}

type checkJSON struct {
	Kind     string `json:"kind"`
	Exercise string `json:"exercise"`
	Pass     bool   `json:"pass"`
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	Where    string `json:"where,omitempty"`
}

// MarshalJSON writes the JSON form described at Marshal.
func (c *Check) MarshalJSON() ([]byte, error) {
	return json.Marshal(checkJSON{KindCheck, c.Exercise, c.Pass, c.Expected, c.Got, c.Where})
}

// UnmarshalJSON reads the JSON form written by MarshalJSON.
func (c *Check) UnmarshalJSON(data []byte) error {
	var w checkJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if err := checkKind(w.Kind, KindCheck); err != nil {
		return err
	}
	*c = Check{w.Exercise, w.Pass, w.Expected, w.Got, w.Where}
	return nil
}
