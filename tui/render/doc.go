// Package render turns seqlab's rich output values (package display) and
// notebook text into styled strings for the terminal notebook (package tui).
//
// Each value gets a terminal rendering richer than its Text: tables with
// lipgloss borders, line plots drawn in braille dots with a colour per
// series, heatmaps of coloured cells, progress bars, Markdown through
// glamour, Go code through chroma, and exercise checks and errors in their
// own styles.
//
//	th := render.NewTheme(true) // a dark background
//	view := render.Value(v, width, th)      // a display.Value from the kernel
//	cell := render.Code(src, width, th)     // a code cell, with line numbers
//	text := render.Markdown(src, width, th) // a Markdown cell
//	fail := render.Error(err.Error(), width, th)
//
// Three promises hold for every rendering:
//
//   - It fits: no line is wider than width cells (lipgloss.Width), so the
//     caller can lay renderings out without measuring them again.
//   - It reads without colour: the styles carry 24-bit colours, which
//     bubbletea downsamples to the terminal (or drops under NO_COLOR), and
//     everything colour says is also said in characters: plot series have
//     markers (● ■ ▲ …) named in the legend, heatmap cells carry the shades
//     " ░▒▓█" of display.Heatmap's Text, a check says PASS or FAIL.
//   - It is deterministic: nothing here asks the terminal anything (glamour
//     gets a fixed dark or light style, never its automatic one), so the
//     tests compare ansi.Strip of renderings with golden files.
//
// Data problems recorded by the display package (a series with mismatched
// lengths, a bad heatmap range) are listed under the rendering, as display
// does, and never panic.
package render
