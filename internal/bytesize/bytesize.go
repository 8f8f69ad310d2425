// Package bytesize reads and writes sizes in bytes as people write them:
// "512MiB", "4 GiB", "1.5GB", "4G" or a plain number of bytes such as
// "1048576". The kernel's --memory-limit flag and the memory_limit setting
// are read with Parse; messages show sizes with Format.
package bytesize

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// units are the units Parse reads, by their lower-case spelling: B and
// none (bytes); KiB, MiB, GiB, TiB, and K, M, G, T as docker -m reads
// them (powers of 1024); kB, MB, GB, TB (powers of 1000).
var units = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}

// forms says what Parse reads; the errors for text it cannot read end with
// it.
const forms = `write a number of bytes with a unit, such as "512MiB", "4GiB" or "1.5GB" (KiB, MiB, GiB, TiB, and K, M, G, T, are powers of 1024; kB, MB, GB, TB powers of 1000), or plain bytes such as "1048576"`

// The reasons a size is refused, one error each.
var (
	errNotASize = errors.New("not a size; " + forms)
	errNegative = errors.New("a size cannot be negative")
	errFraction = errors.New("a number of bytes must be whole; " + forms)
	errUnderOne = errors.New("the size is less than one byte")
	errTooLarge = errors.New("the size is too large (8 EiB or more)")
)

// An Error is the error Parse returns: the text it was given and why that
// is not a size. Its message is `invalid size "lots": not a size; write a
// number of bytes with a unit, ...`; Err alone is the reason, for callers
// that name the text themselves.
type Error struct {
	Size string // the text given to Parse
	Err  error  // why it is not a size, and what would be
}

func (e *Error) Error() string { return fmt.Sprintf("invalid size %q: %v", e.Size, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

// Parse reads a size in bytes: a plain number of bytes ("1048576"), or a
// number, with a fraction if wanted, and a unit: B; KiB, MiB, GiB, TiB, or
// K, M, G, T as docker -m reads them (powers of 1024); kB, MB, GB, TB
// (powers of 1000). Units may be written in any case and follow the number
// with or without a space: "512MiB", "4 GiB", "1.5GB", "2gib", "4G". A
// fraction with a unit is rounded to the nearest byte ("1.5GiB" is
// 1610612736), but a number of bytes, without a unit or with B, must be
// whole. "0" is 0.
//
// A size that is negative, 8 EiB (2⁶³ bytes) or more, or between 0 and 1
// byte is refused. The error is an *Error whose Err gives one reason: not a
// size (it then lists the forms Parse reads), negative, a fraction of a
// byte without a unit, less than one byte, or too large.
func Parse(s string) (int64, error) {
	n, err := parse(s)
	if err != nil {
		return 0, &Error{Size: s, Err: err}
	}
	return n, nil
}

func parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	end := len(t)
	for end > 0 && isLetter(t[end-1]) {
		end--
	}
	num, unit := strings.TrimSpace(t[:end]), strings.ToLower(t[end:])
	mult, ok := units[unit]
	num, negative := strings.CutPrefix(num, "-")
	if !ok || !isDecimal(num) {
		return 0, errNotASize
	}
	if negative {
		return 0, errNegative
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, errNotASize
	}
	if mult == 1 && !r.IsInt() {
		return 0, errFraction
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	if r.Sign() > 0 && r.Cmp(big.NewRat(1, 1)) < 0 {
		return 0, errUnderOne
	}
	// The nearest whole byte, halves up: ⌊(2·num + den) / (2·den)⌋.
	den := new(big.Int).Lsh(r.Denom(), 1)
	n := new(big.Int).Lsh(r.Num(), 1)
	n.Add(n, r.Denom()).Quo(n, den)
	if !n.IsInt64() {
		return 0, errTooLarge
	}
	return n.Int64(), nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isDecimal reports whether s is digits, with a fraction if wanted: "4",
// "1.5"; not "", ".5", "1." or "1e9".
func isDecimal(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	digits := func(s string) bool {
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				return false
			}
		}
		return s != ""
	}
	return digits(whole) && (!dot || digits(frac))
}

// Format writes a size in bytes as messages show it, in binary units with
// one decimal: "512 bytes", "1.5 KiB", "300.0 MiB", "4.0 GiB", "2.0 TiB".
func Format(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.1f TiB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
