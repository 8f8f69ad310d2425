"""Loads a seqlab checkpoint (safetensors) into PyTorch and prints the logits of a fixed input.

Usage (needs PyTorch only, not the safetensors package):
    /usr/bin/python3 models/testdata/load_checkpoint.py model.safetensors --model rnn|lstm|transformer

read_checkpoint(path) parses the file with json and struct and returns (tensors, metadata):
the tensors by PyTorch name as float64 torch tensors (F64 and F32 are read), and the metadata
{"format": "seqlab/1", "model": "rnn" | "lstm" | "transformer", "config": <seqlab Config as JSON>}.

The script then builds the PyTorch module of shared/anchors/torch_recall.py's layout, in
float64, with the sizes of the metadata's config: nn.Embedding "emb" (token input only),
nn.RNN / nn.LSTM "rnn" (batch_first), nn.Linear "out" — or, for the transformer,
shared/anchors/torch_ref.py's TinyGPT: "emb" (or a linear "inp" for real-valued input),
learned positions "pos", nn.TransformerEncoder "enc" of norm_first GELU layers with a
causal mask, nn.LayerNorm "ln", nn.Linear "out"; loads the tensors with
load_state_dict(strict=True) and prints the logits of every step for a fixed batch of
B=2 sequences of T=5 steps, one line "b t logit0 logit1 ..." per step, %.17g. The input:
value index i = (b*T + t)*F + f; token i (F = 1) is (3*i + 1) % Vocab, real value i is
0.1*(i % 7) - 0.3. seqlab's Forward on the same input prints the same numbers.
"""
import argparse, json, math, struct, sys
import torch, torch.nn as nn

B, T = 2, 5
DTYPES = {"F64": ("d", 8), "F32": ("f", 4)}


def read_checkpoint(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        sys.exit(f"{path}: {len(data)} bytes, not a safetensors file")
    (n,) = struct.unpack_from("<Q", data)
    if n > len(data) - 8:
        sys.exit(f"{path}: header length {n} is beyond the end of the file")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    buf = data[8 + n:]
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        if info["dtype"] not in DTYPES:
            sys.exit(f"{path}: tensor {name!r} has dtype {info['dtype']}; only F64 and F32 are read")
        code, size = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = math.prod(info["shape"])
        if end - begin != count * size or end > len(buf):
            sys.exit(f"{path}: tensor {name!r}: data_offsets {begin, end} do not fit shape {info['shape']}")
        values = struct.unpack_from(f"<{count}{code}", buf, begin)
        tensors[name] = torch.tensor(values, dtype=torch.float64).reshape(info["shape"])
    return tensors, metadata


class Net(nn.Module):
    """torch_recall.py's Rec, returning the logits of every step."""

    def __init__(self, cell, cfg):
        super().__init__()
        vocab, features = cfg.get("Vocab", 0), cfg.get("Features", 0)
        width = cfg["Embed"] if vocab else features
        if vocab:
            self.emb = nn.Embedding(vocab, width)
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM}[cell](width, cfg["Hidden"], batch_first=True)
        self.out = nn.Linear(cfg["Hidden"], cfg.get("Outputs") or vocab)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x) if hasattr(self, "emb") else x)
        return self.out(h)


class TinyGPT(nn.Module):
    """torch_ref.py's TinyGPT with the sizes of a seqlab transformer Config."""

    def __init__(self, cfg):
        super().__init__()
        d, vocab = cfg["D"], cfg.get("Vocab", 0)
        if vocab:
            self.emb = nn.Embedding(vocab, d)
        else:
            self.inp = nn.Linear(cfg["Features"], d)
        self.pos = nn.Embedding(cfg["MaxT"], d)
        layer = nn.TransformerEncoderLayer(d, cfg["Heads"], cfg["FF"], dropout=0.0, batch_first=True,
                                           norm_first=True, activation="gelu")
        self.enc = nn.TransformerEncoder(layer, cfg["Layers"], enable_nested_tensor=False)
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, cfg.get("Outputs") or vocab)

    def forward(self, x):
        T = x.shape[1]
        mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
        h = (self.emb(x) if hasattr(self, "emb") else self.inp(x)) + self.pos(torch.arange(T))
        return self.out(self.ln(self.enc(h, mask=mask)))


def fixed_input(cfg):
    if cfg.get("Vocab", 0):
        return torch.tensor([[(3 * (b * T + t) + 1) % cfg["Vocab"] for t in range(T)] for b in range(B)])
    F = cfg["Features"]
    return torch.tensor([[[0.1 * (((b * T + t) * F + f) % 7) - 0.3 for f in range(F)] for t in range(T)]
                         for b in range(B)], dtype=torch.float64)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("--model", choices=["rnn", "lstm", "transformer"], required=True)
    a = ap.parse_args()
    tensors, meta = read_checkpoint(a.checkpoint)
    if meta.get("format") != "seqlab/1" or meta.get("model") != a.model:
        sys.exit(f"{a.checkpoint}: format {meta.get('format')!r}, model {meta.get('model')!r}; want seqlab/1, {a.model}")
    cfg = json.loads(meta["config"])
    torch.set_default_dtype(torch.float64)
    net = TinyGPT(cfg) if a.model == "transformer" else Net(a.model, cfg)
    net.load_state_dict(tensors, strict=True)
    with torch.no_grad():
        logits = net(fixed_input(cfg))
    for b in range(B):
        for t in range(T):
            print(b, t, " ".join("%.17g" % v for v in logits[b, t].tolist()))


if __name__ == "__main__":
    main()
