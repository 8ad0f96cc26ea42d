"""The paper's tooling as a speed baseline: the same explanations as LesionLens, computed the way a
PyTorch research pipeline computes them, on the whole volume as one window (padded to a multiple
of 8, as the app's 'whole' reference):
  mean SmoothGrad  per noise sample one whole-volume forward and backward of S_L;
  max SmoothGrad   per noise sample one forward, then one backward per lesion voxel;
  Grad-CAM++       one forward with a hook on the layer, one backward of S_L.
The method code is training/export_xai_fixtures.py's (the PyTorch references the app is tested
against); only the timing is added here. Called by bench/baseline-compare.ts, which writes the
inputs and chooses the lesions:

  /usr/bin/python3 training/baseline_xai.py --inputs DIR --samples 50 --budget 8 --threads 1 [--weight-grads]

DIR holds flair.f32 and mprage.f32 (z-scored, [z, y, x] C order, float32) and lesions.json
({"dims_xyz": [...], "lesions": [{"id": n, "voxels": [volume indices, x fastest]}]}).
--budget: at most that many gradient passes are timed per explanation; the rest is extrapolated
linearly (max variant: N x (forward + |L| backward passes), forward timed separately).
--weight-grads: leave the parameters' requires_grad on (PyTorch's default: each backward also
computes weight gradients); by default they are off, so both sides do the same arithmetic.
--check DIR2: also write the zero-noise gradient (mean and max over the first 8 voxels) and the
Grad-CAM++ map of the first lesion to DIR2 for the agreement check.
Prints one JSON object on stdout.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_xai_fixtures import gradcampp, max_smoothgrad, mean_smoothgrad  # noqa: E402
from models import build_model  # noqa: E402

GRADCAM_MODULE = 'up1'
STRIDE = 8


def load_inputs(folder):
    with open(os.path.join(folder, 'lesions.json')) as f:
        meta = json.load(f)
    nx, ny, nz = meta['dims_xyz']
    channels = [np.fromfile(os.path.join(folder, n), dtype='<f4').reshape(nz, ny, nx) for n in ('flair.f32', 'mprage.f32')]
    padded = [-(-d // STRIDE) * STRIDE for d in (nz, ny, nx)]
    x = np.zeros((1, 2, *padded), np.float32)
    x[0, :, :nz, :ny, :nx] = np.stack(channels)
    return torch.from_numpy(x), meta


def lesion_mask(voxels, dims_xyz, shape):
    nx, ny, _ = dims_xyz
    v = np.asarray(voxels)
    mask = np.zeros(shape, np.float32)
    mask[v // (nx * ny), (v // nx) % ny, v % nx] = 1
    return torch.from_numpy(mask)


def first_voxels(mask, k):
    """The mask with only its first k voxels in torch.nonzero order (z, y, x), as the app's order."""
    keep = torch.zeros_like(mask)
    idx = torch.nonzero(mask)[:k]
    keep[tuple(idx.T)] = 1
    return keep


def seconds(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def matmul_gflops(size=2048, repeats=5):
    a = torch.randn(size, size)
    b = torch.randn(size, size)
    torch.mm(a, b)
    t, _ = seconds(lambda: [torch.mm(a, b) for _ in range(repeats)])
    return 2 * size ** 3 * repeats / t / 1e9


def conv_gflops(size=48, channels=32, repeats=3):
    """3x3x3 convolution, padding 1, [1, C, n, n, n]: forward and input gradient, GFLOP/s each (bench/baseline-compare.ts
    times the same shapes on our kernels)."""
    x = torch.randn(1, channels, size, size, size, requires_grad=True)
    w = torch.randn(channels, channels, 3, 3, 3)
    flop = 2 * 27 * channels * channels * size ** 3
    torch.nn.functional.conv3d(x, w, padding=1)
    with torch.no_grad():
        t, _ = seconds(lambda: [torch.nn.functional.conv3d(x, w, padding=1) for _ in range(repeats)])
    y = torch.nn.functional.conv3d(x, w, padding=1)
    g = torch.randn_like(y)
    tg, _ = seconds(lambda: [torch.autograd.grad(y, x, g, retain_graph=True) for _ in range(repeats)])
    return {'forward': flop * repeats / t / 1e9, 'input_gradient': flop * repeats / tg / 1e9}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--inputs', required=True)
    p.add_argument('--ckpt', default='training/checkpoints/unet/last.pt')
    p.add_argument('--samples', type=int, default=50)
    p.add_argument('--budget', type=float, default=float('inf'))
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--weight-grads', action='store_true')
    p.add_argument('--check')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = build_model('unet')
    model.load_state_dict(torch.load(a.ckpt, map_location='cpu')['model'])
    model.eval()
    for w in model.parameters():
        w.requires_grad_(a.weight_grads)
    x, meta = load_inputs(a.inputs)
    flair = x[0, 0]
    sigma = 0.05 * float(flair.max() - flair.min())   # padding is 0, inside the range already
    gen = torch.Generator().manual_seed(a.seed)
    n = a.samples
    budget = a.budget
    rows = []
    for lesion in meta['lesions']:
        mask = lesion_mask(lesion['voxels'], meta['dims_xyz'], x.shape[2:])
        size = int(mask.sum())

        def noise(k):
            return torch.randn(k, *x.shape, generator=gen) * sigma

        # mean: k samples timed (noise drawn inside the timing, as the pipeline does)
        k = int(min(n, budget))
        t, _ = seconds(lambda: mean_smoothgrad(model, x, mask, noise(k)))
        rows.append({'method': 'smoothgrad-mean', 'lesion': lesion['id'], 'lesion_voxels': size, 'seconds': t * n / k,
                     'timed_gradients': k, 'gradients': n})
        # max: one forward (timed alone), then k voxels' backward passes of one sample
        k = int(min(size, budget))
        t_fwd, _ = seconds(lambda: model((x + noise(1)[0]).requires_grad_(True)))
        t_k, _ = seconds(lambda: max_smoothgrad(model, x, first_voxels(mask, k), noise(1)))
        per_backward = max(0.0, t_k - t_fwd) / k
        rows.append({'method': 'smoothgrad-max', 'lesion': lesion['id'], 'lesion_voxels': size,
                     'seconds': n * (t_fwd + size * per_backward), 'timed_gradients': k, 'gradients': n * size,
                     'forward_s': t_fwd, 'backward_s': per_backward})
        # Grad-CAM++: the hook needs activations that require grad (input grad on when weights are frozen)
        xin = x.clone().requires_grad_(not a.weight_grads)
        t, _ = seconds(lambda: gradcampp(model, xin, mask, GRADCAM_MODULE))
        rows.append({'method': 'gradcam++', 'lesion': lesion['id'], 'lesion_voxels': size, 'seconds': t,
                     'timed_gradients': 1, 'gradients': 1})
    if a.check:
        lesion = meta['lesions'][0]
        mask = lesion_mask(lesion['voxels'], meta['dims_xyz'], x.shape[2:])
        zero = torch.zeros(1, *x.shape)
        os.makedirs(a.check, exist_ok=True)
        mean_smoothgrad(model, x, mask, zero)[0].numpy().astype('<f4').tofile(os.path.join(a.check, 'mean.f32'))
        max_smoothgrad(model, x, first_voxels(mask, 8), zero)[0].numpy().astype('<f4').tofile(os.path.join(a.check, 'max8.f32'))
        cam, _ = gradcampp(model, x.clone().requires_grad_(True), mask, GRADCAM_MODULE)
        cam.detach().numpy().astype('<f4').tofile(os.path.join(a.check, 'gradcampp.f32'))
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'weight_grads': a.weight_grads,
                      'padded_zyx': list(x.shape[2:]), 'sigma': sigma, 'matmul_gflops': matmul_gflops(), 'conv_gflops': conv_gflops(), 'rows': rows}))


if __name__ == '__main__':
    main()
