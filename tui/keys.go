package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the notebook, in command and edit mode, with the
// help text the help screen and the command palette show. Keys follow
// Jupyter where a learner expects them.
type KeyMap struct {
	// Command mode.
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Edit                                    key.Binding
	InsertAbove, InsertBelow                key.Binding
	Delete, Undo                            key.Binding // dd deletes, z undoes
	ToMarkdown, ToCode                      key.Binding
	MoveUp, MoveDown                        key.Binding
	Run, RunStay                            key.Binding
	Interrupt, Restart                      key.Binding // i i, 0 0
	Fold                                    key.Binding
	Hint, Solution                          key.Binding
	Lessons, NextLesson, PrevLesson         key.Binding
	Bench                                   key.Binding
	Save, Palette, Help, Quit               key.Binding
	// Edit mode.
	Leave, Complete, Inspect key.Binding
}

// DefaultKeyMap returns seqlab's keys.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:          b("↑/k", "select the cell above", "up", "k"),
		Down:        b("↓/j", "select the cell below", "down", "j"),
		Top:         b("g", "first cell", "g", "home"),
		Bottom:      b("G", "last cell", "G", "end"),
		PageUp:      b("pgup", "scroll up a page", "pgup", "ctrl+u"),
		PageDown:    b("pgdn", "scroll down a page", "pgdown", "ctrl+d"),
		Edit:        b("enter", "edit the cell", "enter"),
		InsertAbove: b("a", "insert a cell above", "a"),
		InsertBelow: b("b", "insert a cell below", "b"),
		Delete:      b("d d", "delete the cell", "d"),
		Undo:        b("z", "undo the last delete", "z"),
		ToMarkdown:  b("m", "make it a Markdown cell", "m"),
		ToCode:      b("y", "make it a Go cell", "y"),
		MoveUp:      b("K", "move the cell up", "K"),
		MoveDown:    b("J", "move the cell down", "J"),
		Run:         b("ctrl+r", "run, select the next (or shift+enter)", "shift+enter", "ctrl+r"),
		RunStay:     b("ctrl+enter", "run the cell, stay on it", "ctrl+enter"),
		Interrupt:   b("i i", "interrupt the running cell", "i"),
		Restart:     b("0 0", "restart the kernel", "0"),
		Fold:        b("o", "fold or unfold long output", "o"),
		Hint:        b("h", "show the next hint (exercises)", "h"),
		Solution:    b("S", "show the solution (exercises)", "S"),
		Lessons:     b("l", "lesson list", "l"),
		NextLesson:  b("]", "next lesson", "]"),
		PrevLesson:  b("[", "previous lesson", "["),
		Bench:       b("B", "benchmarks", "B"),
		Save:        b("ctrl+s", "save", "ctrl+s"),
		Palette:     b("ctrl+p", "command palette", "ctrl+p"),
		Help:        b("?", "help", "?"),
		Quit:        b("ctrl+q", "quit", "ctrl+q", "ctrl+c"),
		Leave:       b("esc", "leave the editor", "esc"),
		Complete:    b("tab", "complete the name", "tab"),
		Inspect:     b("ctrl+k", "documentation (or shift+tab)", "shift+tab", "ctrl+k"),
	}
}

// helpLine is one line of the help screen: the keys of one or two
// bindings and what they do.
type helpLine struct{ keys, desc string }

func pair(a, b key.Binding, desc string) helpLine {
	return helpLine{a.Help().Key + "/" + b.Help().Key, desc}
}

func one(b key.Binding) helpLine { return helpLine{b.Help().Key, b.Help().Desc} }

// commandHelp and editHelp are the help screen's sections, in order.
func (k KeyMap) commandHelp() []helpLine {
	return []helpLine{
		pair(k.Up, k.Down, "select a cell"), pair(k.Top, k.Bottom, "first / last cell"),
		pair(k.PageUp, k.PageDown, "scroll a page"), one(k.Edit), one(k.Run), one(k.RunStay),
		pair(k.InsertAbove, k.InsertBelow, "insert a cell above / below"), one(k.Delete), one(k.Undo),
		pair(k.ToMarkdown, k.ToCode, "make it Markdown / Go"), pair(k.MoveUp, k.MoveDown, "move the cell up / down"),
		one(k.Interrupt), one(k.Restart), one(k.Fold), pair(k.Hint, k.Solution, "exercise: hint / solution"),
		one(k.Lessons), pair(k.PrevLesson, k.NextLesson, "previous / next lesson"), one(k.Bench),
		one(k.Save), one(k.Palette), one(k.Quit),
	}
}

func (k KeyMap) editHelp() []helpLine {
	return []helpLine{one(k.Leave), one(k.Run), one(k.Complete), one(k.Inspect), one(k.Save)}
}
