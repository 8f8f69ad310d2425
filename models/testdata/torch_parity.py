"""Writes the PyTorch reference fixtures that the rnn, lstm and transformer parity tests compare with.

Usage (from the repository root; needs PyTorch, CI does not):
    /usr/bin/python3 models/testdata/torch_parity.py

For each model it builds the PyTorch module of seqlab's layout in float64 with PyTorch's own
initialisation: nn.Embedding "emb", nn.RNN / nn.LSTM "rnn" with batch_first, nn.Linear
"out"; for the transformer the TinyGPT of shared/anchors/torch_ref.py (embedding "emb",
learned positions "pos", nn.TransformerEncoder "enc" of norm_first GELU layers with a causal
mask, final nn.LayerNorm "ln", head "out"), with its LayerNorm weights and attention biases
randomised so that every gradient is exercised. It runs the model on random tokens, takes
the mean cross-entropy over every
position, and stores parameters, input, logits, loss and every parameter's gradient
as JSON in models/<name>/testdata/torch_<name>.json. Made with PyTorch 1.13 (CPU).
"""
import json, os
import torch, torch.nn as nn

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


class Net(nn.Module):
    def __init__(self, cell, V, E, H, fbias=None):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM}[cell](E, H, batch_first=True)
        if fbias is not None:
            with torch.no_grad():
                self.rnn.bias_ih_l0[H:2 * H].fill_(fbias)
        self.out = nn.Linear(H, V)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.out(h)


class TinyGPT(nn.Module):
    def __init__(self, V, d, heads, layers, ff, maxT):
        super().__init__()
        self.emb = nn.Embedding(V, d)
        self.pos = nn.Embedding(maxT, d)
        layer = nn.TransformerEncoderLayer(d, heads, ff, dropout=0.0, batch_first=True,
                                           norm_first=True, activation="gelu")
        self.enc = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.ln = nn.LayerNorm(d)
        self.out = nn.Linear(d, V)

    def forward(self, x):
        T = x.shape[1]
        mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
        h = self.emb(x) + self.pos(torch.arange(T))
        return self.out(self.ln(self.enc(h, mask=mask)))


def fixture(cell, seed, V=7, E=5, H=6, B=3, T=8, fbias=None):
    torch.manual_seed(seed)
    if cell == "transformer":
        cfg = {"Vocab": V, "D": 8, "Heads": 2, "Layers": 2, "FF": 12, "MaxT": 10, "Outputs": V}
        m = TinyGPT(V, cfg["D"], cfg["Heads"], cfg["Layers"], cfg["FF"], cfg["MaxT"])
        with torch.no_grad():  # every layer starts as a copy of one: make them differ
            for n, p in m.named_parameters():
                if n.startswith("enc.") or n.startswith("ln."):
                    p.add_(0.3 * torch.randn_like(p))
    else:
        cfg = {"Vocab": V, "Embed": E, "Hidden": H, "Outputs": V, "ForgetBias": fbias}
        m = Net(cell, V, E, H, fbias)
    x = torch.randint(0, V, (B, T))
    y = torch.randint(0, V, (B, T))
    logits = m(x)
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    loss.backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "torch": torch.__version__,
        "config": cfg,
        "B": B, "T": T,
        "tokens": flat(x), "targets": flat(y),
        "params": {n: flat(p) for n, p in m.named_parameters()},
        "shapes": {n: list(p.shape) for n, p in m.named_parameters()},
        "logits": flat(logits), "loss": loss.item(),
        "grads": {n: flat(p.grad) for n, p in m.named_parameters()},
    }


for cell, kw in (("rnn", {}), ("lstm", {"fbias": 1.0}), ("transformer", {"T": 6})):
    path = os.path.join(ROOT, cell, "testdata", f"torch_{cell}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(fixture(cell, 7, **kw), f)
    print("wrote", os.path.relpath(path))
