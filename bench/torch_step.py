#!/usr/bin/python3
"""PyTorch side of `npm run bench`: ms per training step and per forward pass.

Reads a JSON list of workloads on stdin, prints one JSON object with the results. The
workload and loss match bench/compare.ts: nn.RNN/LSTM/GRU (batch_first) + Linear(H, 1) on the
last step + MSE, x ~ U[0, 1), fixed seed. Threads: the caller sets OPENBLAS_NUM_THREADS=n and this
keeps torch's own intra-op pool at 1, since both pools at 2 oversubscribe two cores (measured
up to 3× slower).
"""
import json
import sys
import time

import torch


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def run(w):
    torch.manual_seed(0)
    N, T, D, H = w["N"], w["T"], w["D"], w["H"]
    make = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN}[w["kind"]]
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

    result = {}
    for name, fn in (("step_ms", step), ("forward_ms", forward)):
        for _ in range(w["warmup"]):
            fn()
        times = []
        for _ in range(w["repeats"]):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        result[name] = median(times)
    return result


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(1)
    out = {"torch_version": torch.__version__, "threads": spec["threads"], "results": [run(w) for w in spec["workloads"]]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
