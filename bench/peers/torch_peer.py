"""PyTorch side of the nnloss benchmark: a line-oriented JSON server on stdin/stdout.

Run by bench/peers/torch.mjs with /usr/bin/python3. Single-threaded (torch.set_num_threads(1)).
Requests, one JSON object per line:
  {"cmd": "info"}
  {"cmd": "load", "expr": "F.mse_loss(a0, a1)", "args": [{"path", "dtype", "shape"}], "grad_path": path}
      -> loss of the forward pass and the times of these first calls; the gradient of a0 is written
         to grad_path (float32, raw)
  {"cmd": "time", "pass": "fwd" | "fwdBwd", "calls": k, "lead": l} -> {"times": [ms, ...]}
The forward pass runs on inputs that do not require grad; forward+backward sets a0.requires_grad,
calls backward() on the loss and clears a0.grad after each call. Every call reads the loss with .item().
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except Exception as e:  # reported to the benchmark, which skips PyTorch with a note
    reply({"error": f"import torch failed: {e!r}"})
    sys.exit(0)

torch.set_num_threads(1)
reply({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()})

DTYPES = {"float32": np.float32, "int64": np.int64}
state = {}


def call(pass_):
    env = {"F": F, "torch": torch}
    for i, t in enumerate(state["args"]):
        env[f"a{i}"] = t
    if pass_ == "fwdBwd":
        env["a0"] = state["x"]
    loss = eval(state["code"], env)
    v = loss.item()
    if pass_ == "fwdBwd":
        loss.backward()
    return v


for line in sys.stdin:
    req = json.loads(line)
    try:
        if req["cmd"] == "info":
            reply({"torch": torch.__version__, "threads": torch.get_num_threads()})
        elif req["cmd"] == "load":
            args = [torch.from_numpy(np.fromfile(a["path"], dtype=DTYPES[a["dtype"]]).reshape(a["shape"]))
                    for a in req["args"]]
            state = {"args": args, "x": args[0].detach().clone().requires_grad_(True),
                     "code": compile(req["expr"], "<loss>", "eval")}
            t0 = time.perf_counter()
            loss = call("fwd")
            t1 = time.perf_counter()
            call("fwdBwd")
            t2 = time.perf_counter()
            state["x"].grad.detach().numpy().astype(np.float32).tofile(req["grad_path"])
            state["x"].grad = None
            reply({"loss": loss, "fwd_ms": (t1 - t0) * 1e3, "fwdBwd_ms": (t2 - t1) * 1e3})
        elif req["cmd"] == "time":
            p = req["pass"]
            x = state["x"]
            for _ in range(req.get("lead", 0)):
                call(p)
                x.grad = None
            times = []
            for _ in range(req["calls"]):
                t0 = time.perf_counter()
                call(p)
                x.grad = None
                times.append((time.perf_counter() - t0) * 1e3)
            reply({"times": times})
        else:
            reply({"error": f"unknown command {req['cmd']}"})
    except Exception as e:
        reply({"error": repr(e)})
