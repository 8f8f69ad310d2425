"""Writes the PyTorch training trajectories that train's parity test replays.

Usage (from the repository root; needs PyTorch, CI does not):
    /usr/bin/python3 train/testdata/torch_training.py

For each model (rnn, lstm, transformer) it builds the module of anchors/torch_recall.py at a
small size, in float64, and trains it for 30 steps on delayed-recall batches (lag 6) with
exactly the protocol of torch_recall.py: Adam (lr, betas 0.9/0.999, eps 1e-8), the learning
rate warmed up as lr * min(1, (s+1)/50), cross-entropy at the last position, global
gradient-norm clipping at 1.0. It stores the initial parameters, every batch, the loss of
every step and the final parameters in train/testdata/torch_train_<model>.json. The Go test
loads the same initial parameters, replays the same batches through train.Train and must
reproduce the losses and the final parameters: then seqlab's and PyTorch's recall curves can
differ only through random numbers (initial weights and data), not through the method.
Made with PyTorch 1.13 (CPU).
"""
import json, os
import torch, torch.nn as nn, torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
NKEY, NDIS = 8, 8
QUERY = NKEY + NDIS
V = QUERY + 1
LAG, B, STEPS, WARM = 6, 8, 30, 50


def batch(g):
    key = torch.randint(0, NKEY, (B,), generator=g)
    dis = torch.randint(NKEY, NKEY + NDIS, (B, LAG), generator=g)
    x = torch.cat([key[:, None], dis, torch.full((B, 1), QUERY)], 1)
    return x, key


class Rec(nn.Module):
    def __init__(self, cell, H=12, E=6, fbias=1.0):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM}[cell](E, H, batch_first=True)
        if cell == "lstm":
            with torch.no_grad():
                self.rnn.bias_ih_l0[H:2 * H].fill_(fbias)
        self.out = nn.Linear(H, V)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.out(h[:, -1])


class GPT(nn.Module):
    def __init__(self, d=8, heads=2, layers=2, ff=12, maxT=LAG + 2):
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
        h = self.enc(self.emb(x) + self.pos(torch.arange(T)), mask=mask)
        return self.out(self.ln(h[:, -1]))


LR = {"rnn": 1e-2, "lstm": 1e-2, "transformer": 3e-3}


def trajectory(name):
    torch.manual_seed(5)
    m = GPT() if name == "transformer" else Rec(name)
    flat = lambda t: t.detach().reshape(-1).tolist()
    init = {n: flat(p) for n, p in m.named_parameters()}
    shapes = {n: list(p.shape) for n, p in m.named_parameters()}
    opt = torch.optim.Adam(m.parameters(), lr=LR[name])
    g = torch.Generator().manual_seed(7)
    batches, losses, norms = [], [], []
    for s in range(STEPS):
        for pg in opt.param_groups:
            pg["lr"] = LR[name] * min(1.0, (s + 1) / WARM)
        x, y = batch(g)
        loss = F.cross_entropy(m(x), y)
        opt.zero_grad()
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(m.parameters(), 1.0).item())
        opt.step()
        batches.append({"tokens": flat(x), "targets": flat(y)})
        losses.append(loss.item())
    return {
        "torch": torch.__version__, "lr": LR[name], "warmup": WARM, "clip": 1.0, "B": B, "T": LAG + 2,
        "init": init, "shapes": shapes, "batches": batches, "losses": losses, "norms": norms,
        "final": {n: flat(p) for n, p in m.named_parameters()},
    }


for name in ("rnn", "lstm", "transformer"):
    path = os.path.join(HERE, f"torch_train_{name}.json")
    with open(path, "w") as f:
        json.dump(trajectory(name), f)
    print("wrote", os.path.relpath(path))
