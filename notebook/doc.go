// Package notebook is the seqlab notebook document: a list of Markdown and
// Go code cells, with the stored outputs of the code cells, read from and
// written to a Markdown file, and imported from and exported to Jupyter's
// .ipynb format (nbformat 4).
//
// # The Markdown format
//
// A notebook is a Markdown file, readable on GitHub and diffable. Every
// fenced code block whose info string is go (its first word is go) is a code
// cell; the text between code cells is a Markdown cell, kept exactly as
// written, blank lines and other fenced blocks (```python, ```text, plain
// ```) included. Text that is only blank lines (between two code cells,
// before the first or after the last) is no cell, but is kept all the same.
// After a code cell, its outputs may be stored in output blocks, each
// separated from the block before it by exactly one blank line:
//
//	```output          a stream: what the cell printed
//	```output result   the value of the cell's final expression, as text
//	```output error    a compile or run-time error
//	```output json     a display value (a table, a plot, ...) as JSON, one per block
//
// An example notebook:
//
//	# Softmax
//
//	Softmax turns scores into probabilities: exp(xᵢ) / Σⱼ exp(xⱼ).
//
//	```go
//	e := []float64{math.Exp(1), math.Exp(2), math.Exp(3)}
//	sum := e[0] + e[1] + e[2]
//	fmt.Println(e[0]/sum, e[1]/sum)
//	e[2] / sum
//	```
//
//	```output
//	0.09003057317038046 0.24472847105479767
//	```
//
//	```output result
//	0.6652409557748219
//	```
//
//	The largest score gets most of the mass.
//
// It has three cells: a Markdown cell, "# Softmax\n\nSoftmax ...\n\n"; a
// code cell, "e := ...\ne[2] / sum", with two outputs, a Stream
// "0.09... 0.24...\n" and a Result "0.6652409557748219"; and a Markdown
// cell, "\nThe largest ...\n". (It is testdata/softmax.md.)
//
// Fences follow CommonMark: ``` or ~~~, three or more, indented by up to
// three spaces; a block is closed only by a fence of the same character at
// least as long, with nothing but blanks after it. So a code cell holding
// ``` lines uses a longer fence (````go), and a ```go block inside a ~~~
// block is Markdown text, not a cell. Only top-level fences count: fences in
// list items or block quotes are left in the Markdown text. Lines end in
// "\n" or "\r\n" (both are kept). A ```go or output fence that is never
// closed is an error naming its line; any other unclosed fence runs to the
// end of the file, as in CommonMark. An output block with another info
// string (```output foo), or after two blank lines, is Markdown text.
//
// A code cell's Source is the text between its fences, without the
// indentation of the fence and without the line break ending its last line,
// so "```go\nx := 1\n```" holds "x := 1". Result, error and display outputs
// are read the same way; a stream output's Text keeps its final line break,
// so printed lines read naturally in the file. All Sources and Texts use
// "\n" line breaks in memory.
//
// # Round trips
//
// For any data that Parse accepts, Parse(data).Markdown(true) returns data
// byte for byte, and so does Parse(data).Markdown(false) if data stores no
// outputs (with outputs, Markdown(false) drops each output block and the
// blank line before it, and nothing else). Unchanged cells are written back
// exactly as read: fence lengths and characters, indentation, trailing
// blanks, line endings and the presence of a final newline are all kept.
//
// Cells that were changed or made in memory are written with the file's
// line ending (that of its first line; "\n" for a new notebook) and a
// ```go fence (or the cell's old fence), lengthened if the code holds a line
// that would close it; outputs are written as ```output blocks; a blank line
// separates a new code cell from a code cell next to it. Whatever
// the cells hold, Markdown's result parses again, and every changed code cell
// and every output comes back with the same Source or Text, with these
// exceptions, which normalise what the format cannot express:
//
//   - a stream output's Text that does not end in "\n" gets one;
//   - a Markdown cell before another cell ends with a line break (one is
//     added if missing), and a fence left open at its end is closed, so that
//     it cannot swallow the cells after it (an open ```go or output fence is
//     closed even at the end of the file, where it would not parse);
//   - adjacent Markdown cells merge, and a Markdown cell that is empty or
//     only blank lines disappears;
//   - Markdown text that holds a ```go block becomes a code cell, and
//     Markdown text after a code cell that starts with a blank line and an
//     output block becomes that cell's output;
//   - a "\r" at the end of a line of Source or Text cannot be told from a
//     "\r\n" line ending and may be lost;
//   - an Output with an unknown Kind is written as a stream.
//
// Cell IDs ("c1", "c2", ...) identify cells for the session and are not
// saved to Markdown.
//
// # Jupyter
//
// ImportIpynb reads nbformat 4 and Ipynb writes nbformat 4.5 for the seqlab
// kernel. Markdown and raw cells become Markdown cells. Outputs map as
// stream ↔ Stream, execute_result (text/plain) ↔ Result, error ↔ Error
// ("ename: evalue", then the traceback lines; Ipynb writes all of the text
// as the traceback, which is what Jupyter shows) and display_data with
// DisplayMIME ↔ Display; other MIME types are dropped. Importing what Ipynb
// wrote gives back the same cells and outputs, but for display values:
// ImportIpynb compacts their JSON (and Ipynb stores a display Text that is
// not JSON as a JSON string).
//
// # Files
//
// Load and Save read and write Markdown, or .ipynb when the file name ends
// in .ipynb. Save is atomic: on any failure the old file is untouched.
package notebook
