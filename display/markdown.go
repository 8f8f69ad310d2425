package display

import "encoding/json"

// MarkdownValue is Markdown text: the TUI renders it, and its plain text is
// the source itself.
type MarkdownValue struct {
	Source string `json:"source"`
}

// Markdown returns src as a value to Show.
func Markdown(src string) *MarkdownValue { return &MarkdownValue{Source: src} }

// Kind returns "markdown".
func (m *MarkdownValue) Kind() string { return KindMarkdown }

// Text returns the Markdown source unchanged, whatever the width: wrapping
// would break its tables and code blocks.
func (m *MarkdownValue) Text(width int) string {
	if m == nil {
		return ""
	}
	return m.Source
}

// MarshalJSON writes the JSON form described at Marshal.
func (m *MarkdownValue) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Kind   string `json:"kind"`
		Source string `json:"source"`
	}{KindMarkdown, m.Source})
}

// UnmarshalJSON reads the JSON form written by MarshalJSON.
func (m *MarkdownValue) UnmarshalJSON(data []byte) error {
	var w struct {
		Kind   string `json:"kind"`
		Source string `json:"source"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if err := checkKind(w.Kind, KindMarkdown); err != nil {
		return err
	}
	m.Source = w.Source
	return nil
}
