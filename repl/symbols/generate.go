package symbols

// The tables, one go:generate line per group. To add a package, add its
// import path to a line and run `go generate ./repl/symbols`; when a
// package's API changes, run it again (TestGeneratedUpToDate says so).

//go:generate go run ./internal/gen -clean
//go:generate go run ./internal/gen github.com/seqlab/seqlab/models/nn github.com/seqlab/seqlab/models/rnn github.com/seqlab/seqlab/models/lstm github.com/seqlab/seqlab/models/transformer github.com/seqlab/seqlab/tasks github.com/seqlab/seqlab/train github.com/seqlab/seqlab/display github.com/seqlab/seqlab/lessons/check
//go:generate go run ./internal/gen gonum.org/v1/gonum/mat

// The standard library for learners: text, numbers, collections, time, files.
// os is extracted without StartProcess, which is as good as os/exec.
//go:generate go run ./internal/gen bufio bytes cmp container/heap container/list context encoding/binary encoding/csv encoding/json errors fmt hash/fnv io io/fs iter log maps math math/bits math/cmplx math/rand math/rand/v2
//go:generate go run ./internal/gen path path/filepath regexp runtime runtime/debug slices sort strconv strings sync sync/atomic text/tabwriter time unicode unicode/utf16 unicode/utf8
//go:generate go run ./internal/gen -exclude ^StartProcess$ os

// Unrestricted: processes and raw system calls (unsafe comes from yaegi, see
// unrestricted.go).
//go:generate go run ./internal/gen -table Unrestricted os/exec
//go:generate go run ./internal/gen -table Unrestricted -platforms linux/amd64,linux/arm64,darwin/amd64,darwin/arm64 syscall
