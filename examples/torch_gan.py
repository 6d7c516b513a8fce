"""A small conditional GAN in PyTorch, tuned by ganhpo as a black box.

ganhpo runs this script once per trial (configs/command-example.cfg) with the point's
hyperparameters as arguments; it trains a few epochs on events written by `ganhpo data`
and prints, as its last line, the mean over targets of the 1-D Wasserstein distance
between generated and held-out events, as JSON with one metric per target:

    {"value": 0.031, "metrics": {"w1_theta": 0.025, "w1_phi": 0.037}}

Run by hand:
    /usr/bin/python3 examples/torch_gan.py --data events.txt --lr-gen 2e-4 --lr-disc 2e-4 \
        --width 32 --noise-dim 4 --epochs 3 --seed 1
"""

import argparse
import json
import math

import numpy as np
import torch
from torch import nn


def read_events(path):
    """The columns format of `ganhpo data`: a '#' line ending in the column names, then the
    events."""
    with open(path) as f:
        header = f.readline().lstrip("#").split(":")[-1].split()
    events = np.loadtxt(path, comments="#", dtype=np.float32, ndmin=2)
    return header[-events.shape[1]:], events


def mlp(n_in, width, n_out, last=None):
    layers = [nn.Linear(n_in, width), nn.LeakyReLU(0.2),
              nn.Linear(width, width), nn.LeakyReLU(0.2), nn.Linear(width, n_out)]
    return nn.Sequential(*layers, *([last] if last else []))


def w1(a, b):
    """1-D Wasserstein-1 distance of two equally large samples: mean |sorted difference|."""
    return float(np.mean(np.abs(np.sort(a) - np.sort(b))))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="events from `ganhpo data`")
    p.add_argument("--n-condition", type=int, default=4, help="leading condition columns")
    p.add_argument("--lr-gen", type=float, required=True)
    p.add_argument("--lr-disc", type=float, required=True)
    p.add_argument("--width", type=int, required=True, help="hidden layer width")
    p.add_argument("--noise-dim", type=int, required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.manual_seed(a.seed % (2**63))
    torch.set_num_threads(1)  # ganhpo runs trials side by side (objective.concurrency)
    names, events = read_events(a.data)
    rng = np.random.default_rng(a.seed % (2**63))
    events = events[rng.permutation(len(events))]
    n_val = len(events) // 5
    val, train = events[:n_val], events[n_val:]
    mean, std = train.mean(axis=0), train.std(axis=0) + 1e-6
    train_t = torch.from_numpy((train - mean) / std)
    val_t = torch.from_numpy((val - mean) / std)
    nc = a.n_condition
    nt = events.shape[1] - nc

    gen = mlp(a.noise_dim + nc, a.width, nt)
    disc = mlp(nt + nc, a.width, 1)
    opt_g = torch.optim.Adam(gen.parameters(), lr=a.lr_gen, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), lr=a.lr_disc, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()

    for _ in range(a.epochs):
        for batch in torch.split(train_t[torch.randperm(len(train_t))], a.batch_size):
            cond, real = batch[:, :nc], batch[:, nc:]
            noise = torch.randn(len(batch), a.noise_dim)
            fake = gen(torch.cat([noise, cond], 1))
            ones, zeros = torch.ones(len(batch), 1), torch.zeros(len(batch), 1)
            loss_d = bce(disc(torch.cat([real, cond], 1)), ones) + \
                bce(disc(torch.cat([fake.detach(), cond], 1)), zeros)
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            loss_g = bce(disc(torch.cat([fake, cond], 1)), ones)
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
        print(f"epoch done: loss_d {loss_d.item():.4f} loss_g {loss_g.item():.4f}", flush=True)

    with torch.no_grad():
        noise = torch.randn(len(val_t), a.noise_dim)
        fake = gen(torch.cat([noise, val_t[:, :nc]], 1)).numpy() * std[nc:] + mean[nc:]
    truth = val[:, nc:]
    per_target = {f"w1_{names[nc + j]}": w1(fake[:, j], truth[:, j]) for j in range(nt)}
    value = float(np.mean(list(per_target.values())))
    if not math.isfinite(value):
        raise SystemExit("training diverged: the W1 is not finite")
    print(json.dumps({"value": value, "metrics": per_target}))


if __name__ == "__main__":
    main()
