#!/usr/bin/python3
"""Reference update sequences from torch.optim, for test/optim: same start, same gradients,
same learning rates per step, PyTorch's parameters after every step. float64 throughout.
    /usr/bin/python3 scripts/make_optim_fixtures.py test/fixtures/optim.json
Also records torch.nn.utils.clip_grad_norm_ on the same gradients, and Arjovsky et al.'s RMSProp
("rmsprop-arjovsky") from `arjovsky_rms_prop`, their Theano rms_prop transcribed line by line.
"""
import json
import os
import sys

import numpy as np
import torch

CASES = [
    ("sgd", {"lr": 0.1}, {"kind": "sgd", "lr": 0.1}),
    ("sgd_momentum_wd", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
     {"kind": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01}),
    ("sgd_nesterov", {"lr": 0.05, "momentum": 0.8, "nesterov": True},
     {"kind": "sgd", "lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("rmsprop", {"lr": 0.01}, {"kind": "rmsprop", "lr": 0.01}),
    ("rmsprop_centered_momentum_wd",
     {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True, "weight_decay": 0.02},
     {"kind": "rmsprop", "lr": 0.01, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5, "centered": True,
      "weightDecay": 0.02}),
    ("adam", {"lr": 0.001}, {"kind": "adam", "lr": 0.001}),
    ("adam_wd", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-7, "weight_decay": 0.1},
     {"kind": "adam", "lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-7, "weightDecay": 0.1}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1}, {"kind": "adam", "lr": 0.01, "weightDecay": 0.1, "decoupled": True}),
]
STEPS = 8


def arjovsky_rms_prop(start, grads, lrs):
    """amarshah/complex_RNN optimizations.py rms_prop, in numpy:
        rmsprop = [theano.shared(1e-3*np.ones_like(p.get_value())) for p in parameters]
        new_rmsprop = [0.9 * vel + 0.1 * (g**2) for vel, g in zip(rmsprop, gradients)]
        updates2 = [(p, p - learning_rate * g / T.sqrt(rms)) for p, g, rms in zip(parameters, gradients, new_rmsprop)]
    (their learning rate is a shared variable, so it may change between steps as ours does)."""
    params = {k: v.numpy().copy() for k, v in start.items()}
    rmsprop = {k: 1e-3 * np.ones_like(p) for k, p in params.items()}
    trajectory = []
    for gs, lr in zip(grads, lrs):
        for k in params:
            g = gs[k].numpy()
            new_rmsprop = 0.9 * rmsprop[k] + 0.1 * (g ** 2)
            rmsprop[k] = new_rmsprop
            params[k] = params[k] - lr * g / np.sqrt(new_rmsprop)
        trajectory.append({k: p.tolist() for k, p in params.items()})
    return trajectory


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/optim.json"
    torch.manual_seed(0)
    shapes = {"w": (3, 4), "b": (5,)}
    start = {k: torch.randn(*s, dtype=torch.float64) for k, s in shapes.items()}
    grads = [{k: torch.randn(*s, dtype=torch.float64) for k, s in shapes.items()} for _ in range(STEPS)]
    lrs_scale = [1.0, 1.0, 0.5, 0.5, 0.25, 1.0, 2.0, 1.0]  # a changing learning rate, as schedules do
    cases = []
    for name, torch_kw, ours in CASES:
        params = {k: v.clone().requires_grad_(True) for k, v in start.items()}
        opt_cls = {"sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[ours["kind"]]
        if name == "adamw":
            opt_cls = torch.optim.AdamW
        opt = opt_cls(list(params.values()), **torch_kw)
        trajectory = []
        lrs = []
        for s in range(STEPS):
            lr = torch_kw["lr"] * lrs_scale[s]
            for g in opt.param_groups:
                g["lr"] = lr
            for k, p in params.items():
                p.grad = grads[s][k].clone()
            opt.step()
            lrs.append(lr)
            trajectory.append({k: p.detach().tolist() for k, p in params.items()})
        cases.append({"name": name, "config": ours, "lrs": lrs, "trajectory": trajectory})
    lrs = [1e-3 * scale for scale in lrs_scale]
    cases.append({"name": "rmsprop_arjovsky", "config": {"kind": "rmsprop-arjovsky", "lr": 1e-3}, "lrs": lrs,
                  "trajectory": arjovsky_rms_prop(start, grads, lrs)})
    clips = []
    for max_norm in (0.5, 100.0):
        gs = {k: g.clone() for k, g in grads[0].items()}
        holders = [torch.zeros_like(g, requires_grad=True) for g in gs.values()]
        for h, g in zip(holders, gs.values()):
            h.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(holders, max_norm)
        clipped = {k: h.grad.tolist() for k, h in zip(gs, holders)}
        clips.append({"max": max_norm, "norm": float(total), "clipped": clipped})
    doc = {
        "torch_version": torch.__version__,
        "start": {k: v.tolist() for k, v in start.items()},
        "shapes": {k: list(s) for k, s in shapes.items()},
        "grads": [{k: g.tolist() for k, g in gs.items()} for gs in grads],
        "cases": cases,
        "clip": clips,
    }
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f)
    os.replace(tmp, out)
    print(out)


if __name__ == "__main__":
    main()
