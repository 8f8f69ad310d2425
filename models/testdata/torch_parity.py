"""Writes the PyTorch reference fixtures that the rnn and lstm parity tests compare with.

Usage (from the repository root; needs PyTorch, CI does not):
    /usr/bin/python3 models/testdata/torch_parity.py

For each model it builds the PyTorch module of seqlab's layout (nn.Embedding "emb",
nn.RNN / nn.LSTM "rnn" with batch_first, nn.Linear "out") in float64 with PyTorch's own
initialisation, runs it on random tokens, takes the mean cross-entropy over every
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


def fixture(cell, seed, V=7, E=5, H=6, B=3, T=8, fbias=None):
    torch.manual_seed(seed)
    m = Net(cell, V, E, H, fbias)
    x = torch.randint(0, V, (B, T))
    y = torch.randint(0, V, (B, T))
    logits = m(x)
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1))
    loss.backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "torch": torch.__version__,
        "config": {"Vocab": V, "Embed": E, "Hidden": H, "Outputs": V, "ForgetBias": fbias},
        "B": B, "T": T,
        "tokens": flat(x), "targets": flat(y),
        "params": {n: flat(p) for n, p in m.named_parameters()},
        "shapes": {n: list(p.shape) for n, p in m.named_parameters()},
        "logits": flat(logits), "loss": loss.item(),
        "grads": {n: flat(p.grad) for n, p in m.named_parameters()},
    }


for cell, kw in (("rnn", {}), ("lstm", {"fbias": 1.0})):
    path = os.path.join(ROOT, cell, "testdata", f"torch_{cell}.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(fixture(cell, 7, **kw), f)
    print("wrote", os.path.relpath(path))
