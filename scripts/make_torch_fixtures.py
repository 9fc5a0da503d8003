#!/usr/bin/python3
"""Writes the PyTorch reference files that `gatescope verify-torch` checks against.

Run with Debian's Python, which has python3-torch:
    /usr/bin/python3 scripts/make_torch_fixtures.py test/fixtures/torch
Each file holds a state dict, inputs, upstream gradients and PyTorch's outputs and gradients
for nn.RNN (tanh, relu), nn.LSTM and nn.GRU (PyTorch's reset-after variant), batch_first=True,
in the layout documented in src/io/reference.ts. Deterministic: a fixed seed per file.
The GRU's other published variant, reset *before* the recurrent matmul (Cho et al. 2014,
Keras reset_after=False), has no nn module; it is written here step by step in torch ops, with
nn.GRU's parameter tensors, and differentiated by autograd (files gru_rb_*).
"""
import json
import os
import sys

import torch

KINDS = {
    "rnn_tanh": lambda D, H, L: torch.nn.RNN(D, H, L, nonlinearity="tanh", batch_first=True),
    "rnn_relu": lambda D, H, L: torch.nn.RNN(D, H, L, nonlinearity="relu", batch_first=True),
    "lstm": lambda D, H, L: torch.nn.LSTM(D, H, L, batch_first=True),
    "gru": lambda D, H, L: torch.nn.GRU(D, H, L, batch_first=True),
}
N, T, D = 3, 6, 4
# H = 5 exercises every ragged edge of the kernels; H = 8 (float32) the wasm SIMD gate math,
# which runs four hidden units at a time.
SIZES = {"float32": (5, 8), "float64": (5,)}


class GRUResetBefore(torch.nn.Module):
    """n = tanh(W_in x + b_in + W_hn (r * h) + b_hn); same parameters and gate order as nn.GRU."""

    def __init__(self, D, H, L):
        super().__init__()
        self.params = torch.nn.GRU(D, H, L, batch_first=True)
        self.H, self.L = H, L

    def state_dict(self, *args, **kwargs):
        return self.params.state_dict(*args, **kwargs)

    def named_parameters(self, *args, **kwargs):
        return self.params.named_parameters(*args, **kwargs)

    def forward(self, x, h0):
        H = self.H
        seq, finals = x, []
        for l in range(self.L):
            W_ih, W_hh = getattr(self.params, f"weight_ih_l{l}"), getattr(self.params, f"weight_hh_l{l}")
            b_ih, b_hh = getattr(self.params, f"bias_ih_l{l}"), getattr(self.params, f"bias_hh_l{l}")
            h, outs = h0[l], []
            for t in range(seq.shape[1]):
                gi = seq[:, t] @ W_ih.T + b_ih
                r = torch.sigmoid(gi[:, :H] + h @ W_hh[:H].T + b_hh[:H])
                z = torch.sigmoid(gi[:, H:2 * H] + h @ W_hh[H:2 * H].T + b_hh[H:2 * H])
                n = torch.tanh(gi[:, 2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])
                h = (1 - z) * n + z * h
                outs.append(h)
            seq = torch.stack(outs, dim=1)
            finals.append(h)
        return seq, torch.stack(finals)


KINDS["gru_rb"] = lambda D, H, L: GRUResetBefore(D, H, L)


def make(kind, layers, dtype, seed, H):
    torch.manual_seed(seed)
    tdtype = torch.float64 if dtype == "float64" else torch.float32
    net = KINDS[kind](D, H, layers).to(tdtype)
    x = torch.randn(N, T, D, dtype=tdtype, requires_grad=True)
    h0 = (0.5 * torch.randn(layers, N, H, dtype=tdtype)).requires_grad_()
    grad_output = torch.randn(N, T, H, dtype=tdtype)
    grad_h_n = torch.randn(layers, N, H, dtype=tdtype)
    ref = {"kind": "gru" if kind == "gru_rb" else kind, "dtype": dtype, "torch_version": torch.__version__,
           "seed": seed, "hidden": H}
    if kind == "gru_rb":
        ref["gru_variant"] = "reset_before"
    if kind == "lstm":
        c0 = (0.5 * torch.randn(layers, N, H, dtype=tdtype)).requires_grad_()
        grad_c_n = torch.randn(layers, N, H, dtype=tdtype)
        output, (h_n, c_n) = net(x, (h0, c0))
        torch.autograd.backward([output, h_n, c_n], [grad_output, grad_h_n, grad_c_n])
    else:
        output, h_n = net(x, h0)
        torch.autograd.backward([output, h_n], [grad_output, grad_h_n])
    ref["state_dict"] = {k: v.detach().tolist() for k, v in net.state_dict().items()}
    ref["x"] = x.detach().tolist()
    ref["h0"] = h0.detach().tolist()
    ref["grad_output"] = grad_output.tolist()
    ref["grad_h_n"] = grad_h_n.tolist()
    expected = {
        "output": output.detach().tolist(),
        "h_n": h_n.detach().tolist(),
        "grad_x": x.grad.tolist(),
        "grad_h0": h0.grad.tolist(),
        "grads": {k: p.grad.tolist() for k, p in net.named_parameters()},
    }
    if kind == "lstm":
        ref["c0"] = c0.detach().tolist()
        ref["grad_c_n"] = grad_c_n.tolist()
        expected["c_n"] = c_n.detach().tolist()
        expected["grad_c0"] = c0.grad.tolist()
    ref["expected"] = expected
    return ref


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/torch"
    os.makedirs(out_dir, exist_ok=True)
    seed = 0
    for kind in KINDS:
        for layers in (1, 2):
            for dtype in ("float32", "float64"):
                for H in SIZES[dtype] if kind != "gru_rb" else (5,):
                    seed += 1
                    ref = make(kind, layers, dtype, seed, H)
                    suffix = "" if H == 5 else f"_h{H}"
                    path = os.path.join(out_dir, f"{kind}_l{layers}_{dtype}{suffix}.json")
                    tmp = path + ".tmp"
                    with open(tmp, "w") as f:
                        json.dump(ref, f, separators=(",", ":"))
                    os.replace(tmp, path)
                    print(path)


if __name__ == "__main__":
    main()
