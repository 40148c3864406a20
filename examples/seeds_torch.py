#!/usr/bin/env python3
"""The PyTorch side of examples/seeds.mjs: runs each seed example in real PyTorch and writes the
values it prints to examples/seeds.json, which seeds.mjs shows beside nnloss's values.

    /usr/bin/python3 examples/seeds_torch.py        # Debian's python3-torch (1.13)

Each seed is the PyTorch code a user would write; the names listed after it (loss, grad, ...) are
the values recorded. The same inputs are written out again in seeds.mjs, in nnloss.
"""

import json
import os
import subprocess

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = []


def seed(id, code, **record):
    """Run `code`; record the named expressions (tensors become numbers or flat lists)."""
    env = {"torch": torch, "nn": nn, "F": F}
    exec(code.strip(), env)
    values = {}
    for name, expr in record.items():
        v = eval(expr, env)
        v = v.detach().reshape(-1).tolist() if v.dim() > 0 else v.item()
        values[name] = v
    SEEDS.append({"id": id, "torch": code.strip(), "values": values})


# --- CrossEntropyLoss: the example everybody meets first, and NLLLoss after LogSoftmax ----------
seed("ce-first", """
x = torch.tensor([[-0.7715, -0.6205, -0.2562]], requires_grad=True)
loss = nn.CrossEntropyLoss()(x, torch.tensor([0]))
loss.backward()
""", loss="loss", grad="x.grad")

seed("nll-logsoftmax-first", """
x = torch.tensor([[-0.7715, -0.6205, -0.2562]], requires_grad=True)
loss = nn.NLLLoss()(nn.LogSoftmax(dim=1)(x), torch.tensor([0]))
loss.backward()
""", loss="loss", grad="x.grad")

seed("ce-3x3", """
x = torch.tensor([[1, 2, .5], [.1, -1, 3], [2, 2, 2]])
loss = nn.CrossEntropyLoss()(x, torch.tensor([0, 1, 2]))
""", loss="loss")

seed("nll-logsoftmax-3x3", """
x = torch.tensor([[1, 2, .5], [.1, -1, 3], [2, 2, 2]], requires_grad=True)
loss = nn.NLLLoss()(F.log_softmax(x, dim=1), torch.tensor([0, 1, 2]))
loss.backward()
""", loss="loss", grad="x.grad")

# --- class weights, per-sample losses ---------------------------------------------------------
seed("ce-weight-none", """
x = torch.tensor([[1, 2, .5], [.1, -1, 3], [2, 2, 2]])
loss = nn.CrossEntropyLoss(weight=torch.tensor([0.6, 0.2, 0.2]), reduction='none')(x, torch.tensor([0, 1, 2]))
""", loss="loss")

# --- ignore_index on three samples ------------------------------------------------------------
seed("ce-ignore-1", """
x = torch.tensor([[1, 2, .5], [.1, -1, 3], [2, 2, 2]])
loss = nn.CrossEntropyLoss(ignore_index=1)(x, torch.tensor([0, 1, 2]))
""", loss="loss")

seed("ce-ignore-2", """
x = torch.tensor([[1, 2, .5], [.1, -1, 3], [2, 2, 2]])
loss = nn.CrossEntropyLoss(ignore_index=2)(x, torch.tensor([0, 1, 2]))
""", loss="loss")

# --- the weighted mean divides by the summed weights of the targets, also for (N, C, d1, ...) --
seed("ce-kdim-1x3x2-weight", """
x = torch.tensor([[[1, 2], [.5, .1], [-1, 3]]], requires_grad=True)   # (N=1, C=3, d=2)
t = torch.tensor([[0, 2]])
ce = nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 3.]))
loss = ce(x, t)
loss.backward()
none = nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 3.]), reduction='none')(x, t)
""", loss="loss", none="none", grad="x.grad")

seed("ce-kdim-1x3x4-weight", """
x = torch.tensor([[[1, 2, .5, .1], [-1, 3, 2, 2], [2, -.5, .3, 1.2]]])   # (N=1, C=3, d=4)
t = torch.tensor([[0, 1, 2, 1]])
loss = nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 3.]))(x, t)
none = nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 3.]), reduction='none')(x, t)
""", loss="loss", none="none")

# --- binary ------------------------------------------------------------------------------------
seed("bce", """
p = torch.tensor([0.8, 0.3, 0.6, 0.1], requires_grad=True)
loss = nn.BCELoss()(p, torch.tensor([1., 0., 1., 0.]))
loss.backward()
""", loss="loss", grad="p.grad")

seed("bce-logits-pos-weight", """
z = torch.tensor([[0.5, -1.2, 2.0], [-0.3, 0.8, -2.5]], requires_grad=True)
y = torch.tensor([[1., 0., 1.], [0., 1., 0.]])
loss = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([1., 2., 3.]))(z, y)
loss.backward()
""", loss="loss", grad="z.grad")

seed("bce-sigmoid", """
z = torch.tensor([[0.5, -1.2, 2.0], [-0.3, 0.8, -2.5]], requires_grad=True)
y = torch.tensor([[1., 0., 1.], [0., 1., 0.]])
loss = nn.BCELoss()(torch.sigmoid(z), y)
loss.backward()
""", loss="loss", grad="z.grad")

# --- KL divergence, batchmean ------------------------------------------------------------------
seed("kldiv-batchmean", """
log_p = torch.tensor([[-1.2, -0.5, -2.0], [-0.3, -1.5, -2.5]], requires_grad=True)
q = torch.tensor([[0.2, 0.5, 0.3], [0.0, 0.6, 0.4]])
loss = nn.KLDivLoss(reduction='batchmean')(log_p, q)
loss.backward()
""", loss="loss", grad="log_p.grad")

seed("kldiv-log-softmax", """
a = torch.tensor([[0.3, 1.2, -0.5], [2.0, 0.1, 0.4]], requires_grad=True)
b = torch.tensor([[1.0, 0.2, -0.3], [0.5, 0.5, 1.5]], requires_grad=True)
loss = nn.KLDivLoss(reduction='batchmean')(F.log_softmax(a, dim=1), F.softmax(b, dim=1))
loss.backward()
""", loss="loss", grad="a.grad", grad_b="b.grad")

# --- margin ranking ----------------------------------------------------------------------------
seed("margin-ranking", """
x1 = torch.tensor([0.5, -1.0, 2.0, 0.3], requires_grad=True)
x2 = torch.tensor([1.0, -2.0, 0.0, 0.3])
y = torch.tensor([1., 1., -1., -1.])
loss = nn.MarginRankingLoss(margin=0.5)(x1, x2, y)
loss.backward()
""", loss="loss", grad="x1.grad")

# --- CTC: T=6 frames, batch of 2, C=4 classes (blank 0), targets of length 3 and 2 ---------------
seed("ctc", """
logits = torch.tensor([
    [[0.1, 0.6, 0.1, 0.2], [0.5, 0.1, 0.2, 0.9]],
    [[0.3, 0.2, 1.1, 0.1], [0.2, 0.4, 0.3, 1.3]],
    [[1.2, 0.1, 0.4, 0.3], [0.9, 1.0, 0.2, 0.1]],
    [[0.2, 0.3, 1.0, 0.2], [0.1, 1.4, 0.2, 0.3]],
    [[0.4, 0.2, 0.9, 0.5], [1.1, 0.3, 0.2, 0.2]],
    [[0.8, 0.3, 0.2, 0.1], [0.6, 0.2, 0.1, 0.2]],
])                                                       # (T=6, N=2, C=4)
logits.requires_grad_()
log_probs = nn.LogSoftmax(dim=2)(logits)
targets = torch.tensor([[1, 2, 2], [3, 1, 0]])
loss = nn.CTCLoss()(log_probs, targets, torch.tensor([6, 5]), torch.tensor([3, 2]))
loss.backward()
""", loss="loss", grad="logits.grad")


def torch_version():
    try:
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"],
                           capture_output=True, text=True, check=True).stdout.strip()
        if v:
            return v.split("+")[0]
    except Exception:
        pass
    return torch.__version__


out = os.path.join(HERE, "seeds.json")
with open(out, "w") as f:
    json.dump({"torch": torch_version(), "generatedBy": "examples/seeds_torch.py", "seeds": SEEDS}, f, indent=1)
    f.write("\n")
print(f"wrote {out}: {len(SEEDS)} seeds, torch {torch_version()}")
