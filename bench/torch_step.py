#!/usr/bin/python3
"""PyTorch side of `npm run bench`: times one training step or forward pass on request.

A long-lived peer, so that its repeats interleave with gatescope's in one run: each line on
stdin is a JSON request, each answer one JSON line on stdout.
  {"workload": {...}}            builds the model (answers {"ready": true, "torch_version": ...})
  {"time": "step" | "forward"}   runs it once, answers {"ms": ...}
The workload and loss match bench/compare.ts: nn.RNN/LSTM/GRU (batch_first; the IRNN a relu RNN) + Linear(H, 1) on
the last step + MSE, x ~ U[0, 1), fixed seed; the "charlm" workload: nn.LSTM(V, H, layers) over one-hot characters +
Linear(H, V) at every step + cross_entropy against the next characters. Threads: the caller sets OPENBLAS_NUM_THREADS=n
and this keeps torch's own intra-op pool at 1, since both pools at 2 oversubscribe two cores
(measured up to 3× slower).
"""
import json
import sys
import time

import torch


def build_charlm(w):
    N, T, V, H = w["N"], w["T"], w["D"], w["H"]
    rnn = torch.nn.LSTM(V, H, w["charlm"]["layers"], batch_first=True)
    head = torch.nn.Linear(H, V)
    ids = torch.randint(V, (N, T + 1))
    x = torch.nn.functional.one_hot(ids[:, :-1], V).float()
    y = ids[:, 1:].reshape(-1)
    params = list(rnn.parameters()) + list(head.parameters())

    def step():
        for p in params:
            p.grad = None
        out, _ = rnn(x)
        torch.nn.functional.cross_entropy(head(out).reshape(-1, V), y).backward()

    def forward():
        with torch.no_grad():
            head(rnn(x)[0])

    return {"step": step, "forward": forward}


def build(w):
    torch.manual_seed(0)
    if "charlm" in w:
        return build_charlm(w)
    N, T, D, H = w["N"], w["T"], w["D"], w["H"]
    cell = w["cell"]
    if cell == "irnn":  # Le et al. 2015: relu, identity recurrence (bench/compare.ts's init "irnn")
        rnn = torch.nn.RNN(D, H, 1, nonlinearity="relu", batch_first=True)
        with torch.no_grad():
            rnn.weight_hh_l0.copy_(torch.eye(H))
    else:
        make = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN}[cell]
        rnn = make(D, H, 1, batch_first=True)
    head = torch.nn.Linear(H, 1)
    x = torch.rand(N, T, D)
    y = torch.rand(N, 1)
    params = list(rnn.parameters()) + list(head.parameters())

    def step():
        for p in params:
            p.grad = None
        out, _ = rnn(x)
        loss = torch.nn.functional.mse_loss(head(out[:, -1]), y)
        loss.backward()

    def forward():
        with torch.no_grad():
            rnn(x)

    return {"step": step, "forward": forward}


def main():
    torch.set_num_threads(1)
    fns = None
    for line in sys.stdin:
        req = json.loads(line)
        if "workload" in req:
            fns = build(req["workload"])
            answer = {"ready": True, "torch_version": torch.__version__}
        else:
            t0 = time.perf_counter()
            fns[req["time"]]()
            answer = {"ms": (time.perf_counter() - t0) * 1000}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
