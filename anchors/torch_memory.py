"""Reference memory and cost of one PyTorch (CPU) training step against sequence length,
the mode=train half of seqlab's memory suite (bench/memory.go).

Usage: /usr/bin/python3 torch_memory.py [--threads 2] [--reps 5] [--count 1] [--lengths 64,128,...,8192]
           [--models rnn,lstm,transformer] [--budget-gb 6] [--no-profile] > bench/results/memory-torch.txt
(bench/results/memory-torch.txt was made with --count 3, about 25 minutes on 2 busy cores.)
Prints Go benchmark lines that `seqlab bench --suite memory --report` reads, after the header
and Unit lines of bench/results/memory.txt, with the models named torch-rnn, torch-lstm and
torch-transformer, e.g.
    BenchmarkMemory/mode=train/model=torch-lstm/T=1024-2  1  9.1e6 ns/op  8900 ns/token  3.4e6 peak-B  3.3e6 tensor-B
Progress goes to stderr.

Models, as bench/memory.go's memoryModel: vocabulary 16, batch 1, one sequence of T tokens;
  rnn          nn.Embedding(16, 32) + nn.RNN(32, 64, tanh) + nn.Linear(64, 16)
  lstm         the same with nn.LSTM(32, 64), forget-gate slice of b_ih set to 1 (as torch_recall.py)
  transformer  TinyGPT of torch_ref.py with d 64, 4 heads, 2 layers, MLP 128, T learned positions,
               norm_first, GELU, dropout 0, causal mask (built in forward, as torch_ref.py does),
               final LayerNorm, nn.Linear(64, 16)
The step is what seqlab's pass is: zero the gradients in place, forward, cross-entropy on every
position, backward. No optimizer step: seqlab's RunMemory does not run one either. The gradient
buffers exist before the step (a warm-up step allocates them and zero_grad(set_to_none=False)
keeps them), as seqlab's are allocated with the parameters: both count them in the baseline.

Each (model, T) runs in a fresh subprocess (`--case MODEL T`), which
  1. builds the model and the inputs, runs a warm-up step at T = 8 (loads the libraries, makes
     the gradient buffers), then one at T itself: the first step at a new T faults in code and
     library pages (file-backed, so counted in RSS, and mapped by the kernel in pieces of varying
     size), which made single first-step readings jump by 2-5 MiB from process to process.
     PyTorch keeps nothing from a step (the profiler's replay below ends at 0 bytes held), so
     the warm step needs what the first one does, less the code pages.
  2. peak-B: before each measured step, gc.collect() and malloc_trim(0) (glibc hands its free
     pages back, so the step has to fault in every page it uses), reset the kernel's RSS
     high-water mark (writing 5 to /proc/self/clear_refs) and read VmRSS; after the step read
     VmHWM: the step's peak is VmHWM - VmRSS before, less any growth of RssFile (0 in the
     saved run). The kernel updates the high-water mark before any page leaves the process, so
     no transient peak is missed. peak-B is the median of 7 such steps (3 where a step takes
     over a second). The page is 4 KiB, but glibc's reuse of what malloc_trim left makes one
     reading scatter by about ±0.15 MiB (±40 % at T = 64 for the RNN; the median of 7 brings
     it to ~±0.05 MiB); across fresh processes the medians agree within 1-5 % (13 % at worst:
     transformer, T = 512). It is the whole process's footprint, the analogue of seqlab's
     count of every Go heap object: tensors, the autograd graph's nodes and saved-variable
     records, tensor metadata, library scratch, glibc's headers and slack. Where clear_refs is
     refused, resource.getrusage's ru_maxrss (KiB) is used instead, for one first step at T
     without the warm-up at T, which is only right when that step raises the peak above
     everything before it.
     Other methods tried: glibc's mallinfo2 (bytes in use) can only be sampled, not tracked to
     the peak; after the forward pass at T = 1024 it was within 15 % of the RSS rise for the
     RNN (4.8 against 5.6 MiB) and the LSTM (16.3 against 17.5 MiB), but 39 against 63 MiB for
     the transformer, whose large freed buffers glibc keeps for reuse: at middling T the
     transformer's peak-B includes that slack (T = 1024: 113 MiB against 69 MiB of tensors;
     T = 8192: 4.07 against 4.04 GiB). torch.profiler sees tensors only (tensor-B, next).
  3. tensor-B: runs one more step under torch.profiler (profile_memory=True) and replays its
     allocation events (every allocation and free of PyTorch's CPU allocator, in order): the
     largest rise of the bytes held by tensors, exact to the byte but blind to memory outside
     tensors (autograd nodes, metadata, library scratch). It is an extra unit, a cross-check
     that the report's tables ignore; skip it with --no-profile.
  4. times --reps more steps (fewer for steps over 2 s, at least 3) and reports the median:
     ns/op is one step, ns/token the step over T.
A case whose predicted need (its model's previous T, scaled by T for the recurrent models and by
T² for the transformer) exceeds --budget-gb is skipped, with a note on stderr.

How it compares with seqlab's peak-B: seqlab samples the Go heap's live objects every 100 µs
during its first pass (the rise above the heap after GC, with the parameters and gradients in
it), so both count everything the step allocates and keeps alive at its peak. seqlab computes
in float64, PyTorch in float32: at equal design, seqlab's tensors take twice the bytes.
Times are of a 2-thread process (torch.set_num_threads(2)) and are noisy when the machine is
busy; the memory figures are not affected by load. The subprocesses run with
OMP_WAIT_POLICY=PASSIVE unless the environment sets it: with OpenMP's default spin-waiting, a
step of 2 threads on a machine whose cores are busy was up to 60 times slower than one thread
(transformer, T = 64: 244 ms against 4 ms); waiting threads that sleep, as Go's do, cost little
on an idle machine and keep the times meaningful on a busy one.
"""
import argparse, ctypes, gc, json, os, statistics, subprocess, sys, time
import resource

V, E, H = 16, 32, 64
LENGTHS = [64, 128, 256, 512, 1024, 2048, 4096, 8192]
WARMUP_T = 8

# The header of bench/results/memory.txt (seqlab bench writes it with bench.WriteUnits).
HEADER = """goos: linux
goarch: amd64
pkg: github.com/seqlab/seqlab/bench
Unit recall better=higher assume=exact
Unit mse better=lower assume=exact
Unit loss better=lower assume=exact
Unit steps better=lower assume=exact
Unit state-B better=lower assume=exact
Unit peak-B better=lower
Unit ns/token better=lower
Unit tokens/s better=higher"""


def build(name, T):
    import torch, torch.nn as nn

    class RNNLM(nn.Module):
        def __init__(self, cell):
            super().__init__()
            self.emb = nn.Embedding(V, E)
            self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM}[cell](E, H, batch_first=True)
            if cell == "lstm":  # forget-gate bias (gate order i,f,g,o); bias_hh keeps its init
                with torch.no_grad():
                    self.rnn.bias_ih_l0[H:2 * H].fill_(1.0)
            self.out = nn.Linear(H, V)

        def forward(self, x):
            h, _ = self.rnn(self.emb(x))
            return self.out(h)

    class TinyGPT(nn.Module):
        def __init__(self, d=64, heads=4, layers=2, ff=128, maxT=T):
            super().__init__()
            self.emb = nn.Embedding(V, d); self.pos = nn.Embedding(maxT, d)
            layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, batch_first=True, norm_first=True, activation="gelu")
            self.enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
            self.ln = nn.LayerNorm(d); self.out = nn.Linear(d, V)

        def forward(self, x):
            T = x.shape[1]
            mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
            h = self.emb(x) + self.pos(torch.arange(T))
            return self.out(self.ln(self.enc(h, mask=mask)))

    return TinyGPT() if name == "transformer" else RNNLM(name)


def status_kib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def reset_hwm():
    """Resets the RSS high-water mark to the current RSS; False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def tensor_peak(step):
    """Runs step under the profiler; returns the largest rise of tensor bytes and the final change."""
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as p:
        step()
    events = [e for e in p.profiler.kineto_results.events() if e.name() == "[memory]"]
    events.sort(key=lambda e: e.start_us())  # stable: ties keep the order of recording
    held = peak = 0
    for e in events:
        held += e.nbytes()
        peak = max(peak, held)
    return peak, held, len(events)


def run_case(name, T, threads, reps, profile_memory):
    import torch, torch.nn.functional as F
    torch.set_num_threads(threads); torch.manual_seed(0)
    model = build(name, T).train()
    x = torch.randint(0, V, (1, T)); y = torch.randint(0, V, (1, T))

    def step(x=x, y=y):
        model.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        loss.backward()

    step(x[:, :WARMUP_T], y[:, :WARMUP_T])
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        trim = lambda _: None
    exact = reset_hwm()  # else ru_maxrss: only the first step at T, without the warm-up at T
    if exact:
        t = time.perf_counter()
        step()  # faults in the code and library pages of this T (file pages count in RSS too)
        mem_reps = 7 if time.perf_counter() - t < 1 else 3
    else:
        mem_reps = 1
    peaks, growth = [], 0
    for _ in range(mem_reps):
        gc.collect()
        trim(0)
        file0 = status_kib("RssFile")
        reset_hwm()
        rss0 = status_kib("VmRSS")
        step()
        hwm = status_kib("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        file_growth = max(status_kib("RssFile") - file0, 0)
        growth = max(growth, file_growth)
        peaks.append(max(hwm - rss0 - file_growth, 0) * 1024)
    out = {"model": name, "T": T, "threads": threads, "rss0": rss0 * 1024, "peaks": peaks,
           "peak": int(statistics.median(peaks)), "file_growth": growth * 1024, "hwm_reset": exact}
    if profile_memory:
        out["tensor_peak"], out["tensor_final"], out["alloc_events"] = tensor_peak(step)
    ts = []
    while len(ts) < reps:
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
        if ts[0] > 2 and len(ts) >= 3:
            break
    out["sec"] = statistics.median(ts)
    out["reps"] = len(ts)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5, help="timed steps per case (median)")
    ap.add_argument("--count", type=int, default=1, help="run the sweep this many times (the report takes the median)")
    ap.add_argument("--lengths", default=",".join(map(str, LENGTHS)))
    ap.add_argument("--models", default="rnn,lstm,transformer")
    ap.add_argument("--budget-gb", type=float, default=6.0, help="skip a case predicted to need more (GB, 1e9 bytes)")
    ap.add_argument("--no-profile", action="store_true", help="skip the tensor-B cross-check under torch.profiler")
    ap.add_argument("--case", nargs=2, metavar=("MODEL", "T"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.case:
        print(json.dumps(run_case(a.case[0], int(a.case[1]), a.threads, a.reps, not a.no_profile)))
        return

    print(HEADER, flush=True)
    for _, name in ((r, n) for r in range(a.count) for n in a.models.split(",")):
        prev = None  # (T, peak) of the last case run
        for T in map(int, a.lengths.split(",")):
            if prev:
                k = 2 if name == "transformer" else 1
                need = prev[1] * (T / prev[0]) ** k
                if need > a.budget_gb * 1e9:
                    print(f"torch_memory: skip {name} T={T}: would need ~{need / 1e9:.1f} GB > {a.budget_gb:g} GB", file=sys.stderr)
                    continue
            cmd = [sys.executable, os.path.abspath(__file__), "--case", name, str(T),
                   "--threads", str(a.threads), "--reps", str(a.reps)] + (["--no-profile"] if a.no_profile else [])
            t0 = time.time()
            env = dict(os.environ)
            env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            p = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if p.returncode != 0:
                sys.exit(f"torch_memory: {name} T={T} failed:\n{p.stderr}")
            r = json.loads(p.stdout.strip().splitlines()[-1])
            prev = (T, r["peak"])
            ns = r["sec"] * 1e9
            line = (f"BenchmarkMemory/mode=train/model=torch-{name}/T={T}-{a.threads}\t1\t{ns:.0f} ns/op"
                    f"\t{ns / T:.0f} ns/token\t{r['peak']} peak-B")
            if "tensor_peak" in r:
                line += f"\t{r['tensor_peak']} tensor-B"
            print(line, flush=True)
            mib = lambda b: f"{b / 2**20:.2f}"
            note = f"median of {len(r['peaks'])}: {min(r['peaks']) / 2**20:.2f}…{max(r['peaks']) / 2**20:.2f}"
            if not r["hwm_reset"]:
                note = "ru_maxrss, clear_refs refused"
            if r["file_growth"]:
                note += f"; {mib(r['file_growth'])} MiB of file pages not counted"
            if "tensor_peak" in r:
                note += f"; tensors +{mib(r['tensor_peak'])} MiB, {mib(r['tensor_final'])} MiB kept"
            print(f"torch_memory: {name} T={T}: RSS {mib(r['rss0'])} MiB before, +{mib(r['peak'])} MiB at the peak ({note});"
                  f" {r['sec'] * 1e3:.1f} ms/step, median of {r['reps']}; {time.time() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
