package bytesize

import (
	"errors"
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"1048576", 1 << 20},
		{"1073741824", 1 << 30},
		{"1.0", 1},
		{"100B", 100},
		{"100 b", 100},
		{"  512MiB  ", 512 << 20},
		{"512MiB", 512 << 20},
		{"512mib", 512 << 20},
		{"512 MiB", 512 << 20},
		{"512\tMiB", 512 << 20},
		{"2GiB", 2 << 30},
		{"4GiB", 4 << 30},
		{"4 GiB", 4 << 30},
		{"4gib", 4 << 30},
		{"2KiB", 2048},
		{"1TiB", 1 << 40},
		{"8388607TiB", 8388607 << 40},
		// K, M, G, T are powers of 1024, as docker -m reads them.
		{"1.5k", 1536},
		{"300M", 300 << 20},
		{"512m", 512 << 20},
		{"2g", 2 << 30},
		{"4G", 4 << 30},
		{"2T", 2 << 40},
		// kB, MB, GB, TB are powers of 1000, in any case.
		{"2kB", 2000},
		{"2KB", 2000},
		{"64KB", 64_000},
		{"300mb", 300_000_000},
		{"1.5GB", 1_500_000_000},
		{"3TB", 3e12},
		// Fractions with a unit, rounded to the nearest byte.
		{"1.5GiB", 3 << 29},
		{"0.5KiB", 512},
		{"1.0001KiB", 1024}, // 1024.1
		{"1.9999KiB", 2048}, // 2047.9
		{"0.001KiB", 1},     // 1.024
		{"0.001kB", 1},      // exactly one byte
		{"0.0015kB", 2},     // 1.5, halves up
		{"0.0KiB", 0},       // nothing is not less than one byte
	} {
		if got, err := Parse(tc.in); err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const forms = `write a number of bytes with a unit, such as "512MiB", "4GiB" or "1.5GB" (KiB, MiB, GiB, TiB, and K, M, G, T, are powers of 1024; kB, MB, GB, TB powers of 1000), or plain bytes such as "1048576"`
	const (
		notASize = "not a size; " + forms
		negative = "a size cannot be negative"
		fraction = "a number of bytes must be whole; " + forms
		underOne = "the size is less than one byte"
		tooLarge = "the size is too large (8 EiB or more)"
	)
	for _, tc := range []struct{ in, reason string }{
		{"", notASize},
		{"   ", notASize},
		{"lots", notASize},
		{"GiB", notASize},
		{"4X", notASize},
		{"2XB", notASize},
		{"4 gigabytes", notASize},
		{"4 gigs", notASize},
		{"4 G iB", notASize},
		{"4GiB!", notASize},
		{"4µB", notASize},
		{"4\u212a", notASize}, // the Kelvin sign, which lower-cases to k
		{"NaN", notASize},
		{"Inf", notASize},
		{"1e9", notASize},
		{"0x10", notASize},
		{"+5", notASize},
		{".5GiB", notASize},
		{"1.GiB", notASize},
		{"1.2.3GB", notASize},
		{"1,5GB", notASize},
		{"1_000", notASize},
		{"-", notASize},
		{"-lots", notASize},
		{"-1GiB", negative},
		{"-1", negative},
		{"- 1", notASize},
		{"1.5", fraction},
		{"0.1", fraction},
		{"1.5B", fraction},
		{"0.0000000001GB", underOne},
		{"0.0001KiB", underOne},
		{"0.0005KiB", underOne}, // 0.512 bytes, not rounded up to 1
		{"8388608TiB", tooLarge},
		{"9999999TiB", tooLarge},
		{"9223372036854775808", tooLarge},
		{"99999999999999999999", tooLarge},
		{"8388607.9999999999999TiB", tooLarge}, // rounds up to 8 EiB
	} {
		got, err := Parse(tc.in)
		want := fmt.Sprintf("invalid size %q: %s", tc.in, tc.reason)
		if err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = %d, %v; want the error %q", tc.in, got, err, want)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Size != tc.in || e.Err.Error() != tc.reason {
			t.Errorf("Parse(%q): the error is %#v; want an *Error with Size %q and Err %q", tc.in, err, tc.in, tc.reason)
		}
	}
}

func TestParseLargest(t *testing.T) {
	for _, s := range []string{"9223372036854775807", "9223372036854775807B", "8388607.999999999999TiB"} {
		if n, err := Parse(s); err != nil || n != 1<<63-1 {
			t.Errorf("Parse(%q) = %d, %v; want %d", s, n, err, int64(1<<63-1))
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{100, "100 bytes"},
		{1023, "1023 bytes"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{300 << 20, "300.0 MiB"},
		{128 << 20, "128.0 MiB"},
		{4 << 30, "4.0 GiB"},
		{3 << 29, "1.5 GiB"},
		{2 << 40, "2.0 TiB"},
	} {
		if got := Format(tc.n); got != tc.want {
			t.Errorf("Format(%d) = %q; want %q", tc.n, got, tc.want)
		}
	}
}

// Parse reads back what Format writes in units, when it is exact.
func TestFormatParse(t *testing.T) {
	for _, n := range []int64{1536, 300 << 20, 4 << 30, 3 << 29, 2 << 40} {
		s := Format(n)
		if got, err := Parse(s); err != nil || got != n {
			t.Errorf("Parse(Format(%d) = %q) = %d, %v", n, s, got, err)
		}
	}
}
