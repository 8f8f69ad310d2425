package repl

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/seqlab/seqlab/internal/bytesize"
)

// MinMemoryLimit is the smallest memory limit a kernel accepts: a fresh
// kernel uses some 20–60 MiB.
const MinMemoryLimit = 128 << 20

func checkMemoryLimit(n int64) error {
	if n < MinMemoryLimit {
		return fmt.Errorf("kernel: a memory limit of %s is too small: the kernel needs at least %s", bytesize.Format(n), bytesize.Format(MinMemoryLimit))
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
