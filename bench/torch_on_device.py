#!/usr/bin/env python3
"""Runs a CPU PyTorch benchmark script (shared/bench/torch2_gan.py) on another PyTorch device,
for the side-by-side table on a GPU machine (bench/gan_vs_torch.sh with TORCH_DEVICE).

usage: TORCH_DEVICE=cuda torch_on_device.py SCRIPT ARGS...

Every tensor the script makes without naming a device is made on TORCH_DEVICE
(torch.set_default_device), and its clock (time.perf_counter) first waits for the device's
queued work, so the seconds it times hold the work it timed, not only its launching.
"""
import os
import runpy
import sys
import time

import torch

device = os.environ.get("TORCH_DEVICE", "cuda")
if len(sys.argv) < 2:
    sys.exit("usage: TORCH_DEVICE=cuda torch_on_device.py SCRIPT ARGS...")
if device.startswith("cuda") and not torch.cuda.is_available():
    sys.exit(f"torch_on_device.py: TORCH_DEVICE={device}, but torch {torch.__version__} sees no CUDA device")
torch.set_default_device(device)
clock = time.perf_counter


def synced_clock():
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return clock()


time.perf_counter = synced_clock
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
