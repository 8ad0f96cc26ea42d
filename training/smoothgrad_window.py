"""Mean SmoothGrad of one lesion on one model window, in PyTorch, for scripts/saliency-sanity.ts
(--gradients torch). The TypeScript side plans the window, draws the app's own seeded noise and
measures the maps with the app's own quantities; only the gradients come from here, because the
non-local models (instance norm) need a whole 96^3 window per noise sample, which takes about a
minute per sample on the app's CPU runtime and seconds here.

  /usr/bin/python3 training/smoothgrad_window.py --arch dynunet --ckpt training/checkpoints/dynunet/last.pt --dir DIR

DIR holds (little-endian float32, C order [.., z, y, x]) input.f32 [2, z, y, x], noise.f32
[N, 2, z, y, x], lesion.f32 [z, y, x] and dims.json {"zyx": [z, y, x], "samples": N}; writes
mean.f32 [2, z, y, x] = 1/(N |L|) sum_n dS_L/dx at x + eps_n (docs/method.md).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_xai_fixtures import mean_smoothgrad  # noqa: E402
from models import build_model  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', required=True)
    p.add_argument('--ckpt', required=True)
    p.add_argument('--dir', required=True)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = build_model(a.arch)
    model.load_state_dict(torch.load(a.ckpt, map_location='cpu')['model'])
    model.eval()
    for w in model.parameters():
        w.requires_grad_(False)
    with open(os.path.join(a.dir, 'dims.json')) as f:
        meta = json.load(f)
    zyx, n = meta['zyx'], meta['samples']
    read = lambda name, shape: torch.from_numpy(np.fromfile(os.path.join(a.dir, name), dtype='<f4').reshape(shape))
    x = read('input.f32', (1, 2, *zyx))
    noise = read('noise.f32', (n, 1, 2, *zyx))
    mask = read('lesion.f32', tuple(zyx))
    mean_smoothgrad(model, x, mask, noise)[0].numpy().astype('<f4').tofile(os.path.join(a.dir, 'mean.f32'))


if __name__ == '__main__':
    main()
