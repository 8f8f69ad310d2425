package repl

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// sizeUnits are the units ParseSize accepts, by their lower-case spelling:
// the binary ones (KiB, MiB, GiB, TiB, and K, M, G, T as in docker -m) and
// the decimal ones (KB, MB, GB, TB).
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
}

// ParseSize reads a size in bytes: a plain number of bytes ("1073741824")
// or a number with a unit, binary (512MiB, 2GiB, 1.5G) or decimal (1.5GB,
// 300MB), in any case and with or without a space before the unit.
func ParseSize(s string) (int64, error) {
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("invalid size %q: %s; write a number of bytes with an optional unit, such as 512MiB, 2GiB or 1.5GB", s, why)
	}
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	if num == "" {
		if strings.HasPrefix(t, "-") {
			return bad("it is negative")
		}
		return bad("it does not start with a number")
	}
	mult, ok := sizeUnits[unit]
	if !ok {
		return bad(fmt.Sprintf("unknown unit %q", t[i:]))
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if mult == 1 {
			return n, nil
		}
		if m := int64(mult); float64(m) == mult && n <= math.MaxInt64/m {
			return n * m, nil
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return bad("the number does not read")
	}
	v := math.Round(f * mult)
	if v >= math.MaxInt64 {
		return bad("it is too large")
	}
	if v < 1 && f > 0 {
		return bad("it is less than one byte")
	}
	return int64(v), nil
}

// FormatSize writes a size in bytes in binary units, as messages show it:
// "512 bytes", "1.5 KiB", "300.0 MiB", "4.0 GiB".
func FormatSize(n int64) string {
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

// minMemoryLimit is the smallest memory limit a kernel accepts: a fresh
// kernel uses some 20–60 MiB.
const minMemoryLimit = 128 << 20

func checkMemoryLimit(n int64) error {
	if n < minMemoryLimit {
		return fmt.Errorf("kernel: a memory limit of %s is too small: the kernel needs at least %s", FormatSize(n), FormatSize(minMemoryLimit))
	}
	return nil
}

// Bounds of the default memory limit.
const (
	minDefaultMemoryLimit = 512 << 20
	maxDefaultMemoryLimit = 4 << 30
)

// DefaultMemoryLimit is the kernel's memory limit when none is given: half
// of the machine's physical memory, at least 512 MiB and at most 4 GiB
// (4 GiB when the machine's memory cannot be read).
func DefaultMemoryLimit() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return maxDefaultMemoryLimit
	}
	return defaultLimitFor(memTotal(data))
}

func defaultLimitFor(total int64) int64 {
	if total <= 0 {
		return maxDefaultMemoryLimit
	}
	return min(max(total/2, minDefaultMemoryLimit), maxDefaultMemoryLimit)
}

// memTotal reads MemTotal from the text of /proc/meminfo ("MemTotal:
// 24683656 kB"); 0 if it is not there.
func memTotal(meminfo []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || f[0] != "MemTotal:" {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || n <= 0 || n > math.MaxInt64>>10 {
			return 0
		}
		if len(f) > 2 && strings.EqualFold(f[2], "kB") {
			n <<= 10
		}
		return n
	}
	return 0
}
