"""Reference explanations computed in PyTorch, for the TypeScript explanation code (src/core/xai).

Run from the repository root:  /usr/bin/python3 training/export_xai_fixtures.py
Reuses the U-Net parity fixture model (public/test-fixtures/model/unet3d/model.onnx): the weights are
rebuilt here exactly as training/export_fixtures.py builds them (seed 1234) and checked against that
fixture's committed logits, so no second model file is needed.
Writes public/test-fixtures/xai/<model>/ (unet3d: all below; dynunet, instance norm, on its whole
window: no max.f32): fixtures.json and, all little-endian, C order [.., z, y, x]:
  input.f16      x, [2, z, y, x] (float16-exact values; everything ran on them)
  lesion.u8      instance voxels L, [z, y, x]
  noise.f16      eps_n, [N, 2, z, y, x] (float16-exact), shared by both sides
  mean.f32       mean SmoothGrad 1/(N|L|) sum_n dS_L/dx at x + eps_n, [2, z, y, x]
  max.f32        max SmoothGrad 1/N sum_n g_n, g_n = per element the dz_v/dx of largest |.|, sign kept,
                 over the first max_samples noise samples
  gradcampp.f32  Grad-CAM++ at the layer (module 'up1'), upsampled trilinear, not scaled, [z, y, x]
  shells.json    mean of the mean-SmoothGrad maps per signed-distance shell (brute-force distances)
Definitions: docs/method.md. Gradients from a float64 copy of the model.

dynunet-windows (instance norm, explained through the app's sliding windows, written out here from their
definition: windows of the manifest's size, overlap 0.25, starts spread evenly and rounded half up as
JavaScript's Math.round, Gaussian weights sigma = size / 8): the target is the blended lesion logit
S_L = sum over v in L of zbar_v, zbar_v = sum_w g_w(v) z_w(v) / sum_w g_w(v). Files as above (no Grad-CAM++)
plus probability.f32, the blended lesion probability sum_w g_w p_w / sum_w g_w as the app segments, [z, y, x].
"""
import copy
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from architectures import DynUNet, UNet3D  # noqa: E402
from export_fixtures import randomise_norms, save  # noqa: E402

LESION = 1
SPACING_XYZ = [1.0, 1.2, 0.9]   # mm, anisotropic on purpose (only the shell profile uses it)
# name: (class, size [z, y, x], lesion centre [z, y, x], noise samples, max-variant samples, Grad-CAM++ module)
CASES = {
    'unet3d': (UNet3D, [24, 24, 24], [10, 13, 11], 4, 2, 'up1'),
    'dynunet': (DynUNet, [16, 16, 16], [7, 8, 9], 2, 0, 'dec1'),
}
SHELLS = [-3, -2, -1] + list(range(1, 11))
# the blended-window case: (class, volume [z, y, x], lesion centre, window edge (the test sets the manifest's
# window to it), noise samples, max-variant samples)
WINDOWS_CASE = ('dynunet', DynUNet, [20, 22, 25], [10, 11, 12], 16, 2, 1)


def build_model(name, cls):
    gen = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    model = cls()
    randomise_norms(model, gen)
    model.eval()
    # same weights as the committed ONNX? compare with that fixture's committed logits
    folder = os.path.join('public', 'test-fixtures', 'model', name, '16x16x16')
    x = np.fromfile(os.path.join(folder, 'input.f16'), dtype='<f2').astype(np.float32)
    ref = np.fromfile(os.path.join(folder, 'logits.f32'), dtype='<f4')
    with torch.no_grad():
        got = model(torch.from_numpy(x).reshape(1, 2, 16, 16, 16)).numpy().ravel()
    err = np.abs(got - ref).max() / np.abs(ref).max()
    assert err < 1e-5, f'{name}: rebuilt model differs from the committed fixture ({err})'
    return model.double()


def lesion_logits(model, x):
    return model(x)[:, LESION]


def mean_smoothgrad(model, x, mask, noise):
    total = torch.zeros_like(x)
    for eps in noise:
        xi = (x + eps).requires_grad_(True)
        (lesion_logits(model, xi)[0] * mask).sum().backward()
        total += xi.grad
    return total / (len(noise) * mask.sum())


def max_smoothgrad(model, x, mask, noise):
    voxels = torch.nonzero(mask)
    total = torch.zeros_like(x)
    for eps in noise:
        xi = (x + eps).requires_grad_(True)
        z = lesion_logits(model, xi)[0]
        grads = torch.stack([torch.autograd.grad(z[tuple(v)], xi, retain_graph=True)[0] for v in voxels])
        pick = grads.abs().argmax(0, keepdim=True)          # first of equal values, as torch.argmax
        total += torch.gather(grads, 0, pick)[0]
    return total / len(noise)


def gradcampp(model, x, mask, module):
    captured = {}

    def hook(_m, _i, out):
        out.retain_grad()
        captured['a'] = out
    handle = dict(model.named_modules())[module].register_forward_hook(hook)
    (lesion_logits(model, x)[0] * mask).sum().backward()
    handle.remove()
    a, g = captured['a'][0], captured['a'].grad[0]          # [C, z', y', x']
    denom = 2 * g ** 2 + (a * g ** 3).sum(dim=(1, 2, 3), keepdim=True)
    denom = torch.where(denom == 0, torch.ones_like(denom), denom)
    alpha = g ** 2 / denom
    w = (alpha * torch.relu(g)).sum(dim=(1, 2, 3))
    cam = torch.relu((w[:, None, None, None] * a).sum(0))
    up = F.interpolate(cam[None, None], size=tuple(x.shape[2:]), mode='trilinear', align_corners=False)
    return up[0, 0], list(a.shape)


def signed_distance_mm(mask):
    """Brute force: outside, distance to the nearest lesion voxel centre; inside, minus the distance to
    the nearest non-lesion voxel centre (mm, anisotropic spacing)."""
    zz, yy, xx = np.meshgrid(*[np.arange(s) for s in mask.shape], indexing='ij')
    mm = np.stack([xx * SPACING_XYZ[0], yy * SPACING_XYZ[1], zz * SPACING_XYZ[2]], -1).reshape(-1, 3)
    inside = mask.ravel() > 0

    def nearest(frm, to):
        d = np.full(frm.sum(), np.inf)
        pts = mm[to]
        q = mm[frm]
        for chunk in range(0, len(pts), 512):
            diff = q[:, None, :] - pts[None, chunk:chunk + 512, :]
            d = np.minimum(d, np.sqrt((diff ** 2).sum(-1)).min(1))
        return d
    out = np.zeros(inside.shape)
    out[~inside] = nearest(~inside, inside)
    out[inside] = -nearest(inside, ~inside)
    return out.reshape(mask.shape)


def shell_profile(maps, mask):
    d = signed_distance_mm(mask).ravel()
    rows = []
    # shell k: inside |d| in (k-1, k] -> -k, outside d in (k-1, k] -> k (1e-6 mm guard for rounding)
    shell = np.maximum(1, np.ceil(np.abs(d) - 1e-6)) * np.where(d < 0, -1, 1)
    for s in SHELLS:
        sel = shell == s
        rows.append({'shellMm': s, 'voxels': int(sel.sum()),
                     'flair': float(maps[0].ravel()[sel].mean()) if sel.any() else None,
                     'mprage': float(maps[1].ravel()[sel].mean()) if sel.any() else None})
    return rows


def export(name, cls, size, centre, n_samples, n_max, module):
    out = os.path.join('public', 'test-fixtures', 'xai', name)
    os.makedirs(out, exist_ok=True)
    model = build_model(name, cls)
    gen = torch.Generator().manual_seed(2026)
    x = torch.randn(1, 2, *size, generator=gen).half().double()
    mask_np = np.zeros(size, np.uint8)
    zz, yy, xx = np.meshgrid(*[np.arange(s) for s in size], indexing='ij')
    mask_np[(zz - centre[0]) ** 2 + (yy - centre[1]) ** 2 + (xx - centre[2]) ** 2 <= 2] = 1   # 19 voxels
    mask = torch.from_numpy(mask_np).double()
    flair = x[0, 0]
    sigma = 0.05 * float(flair.max() - flair.min())
    noise = (torch.randn(n_samples, 1, 2, *size, generator=gen) * sigma).half().double()

    mean = mean_smoothgrad(model, x, mask, noise)[0]
    cam, layer_shape = gradcampp(model, x.clone(), mask, module)
    # conditioning: how far PyTorch's own float32 Grad-CAM++ is from this float64 reference (the
    # alpha denominators 2 g^2 + sum A g^3 can nearly cancel); tests allow max(1e-3, this)
    cam32, _ = gradcampp(copy.deepcopy(model).float(), x.float(), mask.float(), module)
    cam_f32_err = float((cam32.double() - cam).abs().max() / cam.abs().max())
    save(os.path.join(out, 'input.f16'), x[0].numpy(), np.float16)
    save(os.path.join(out, 'lesion.u8'), mask_np, np.uint8)
    save(os.path.join(out, 'noise.f16'), noise[:, 0].numpy(), np.float16)
    save(os.path.join(out, 'mean.f32'), mean.numpy(), np.float32)
    save(os.path.join(out, 'gradcampp.f32'), cam.detach().numpy(), np.float32)
    if n_max:
        mx = max_smoothgrad(model, x, mask, noise[:n_max])[0]
        save(os.path.join(out, 'max.f32'), mx.numpy(), np.float32)
    meta = {'model': f'../../model/{name}/model.onnx', 'manifest': f'../../model/{name}/manifest.json',
            'size_zyx': size, 'spacing_mm_xyz': SPACING_XYZ, 'samples': n_samples, 'max_samples': n_max,
            'sigma': sigma, 'lesion_voxels': int(mask_np.sum()), 'lesion_channel': LESION,
            'gradcam_module': module, 'gradcam_layer_shape': layer_shape,
            'gradcam_torch_f32_rel_err': cam_f32_err,
            'shells': shell_profile(mean.numpy(), mask_np), 'torch': torch.__version__,
            'layout': '[.., z, y, x], C order, little-endian; channels FLAIR, MPRAGE'}
    with open(os.path.join(out, 'fixtures.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(f'{name}: sigma {sigma:.4g} |mean|max {mean.abs().max():.3g} cam max {cam.max():.3g} '
          f'(torch float32 vs float64: {cam_f32_err:.2g}) '
          f'lesion {int(mask_np.sum())} voxels')


def axis_starts(length, size, overlap=0.25):
    if length <= size:
        return [0]
    step = size * (1 - overlap)
    n = int(np.ceil((length - size) / step)) + 1
    return [int(np.floor(w * (length - size) / (n - 1) + 0.5)) for w in range(n)]


def gaussian(size):
    axes = []
    for s in size:
        c, sigma = (s - 1) / 2, s * 0.125
        axes.append(torch.exp(-(torch.arange(s, dtype=torch.float64) - c) ** 2 / (2 * sigma ** 2)))
    return axes[0][:, None, None] * axes[1][None, :, None] * axes[2][None, None, :]   # [z, y, x]


def windows_of(size_zyx, edge):
    zs, ys, xs = (axis_starts(n, edge) for n in size_zyx)
    return [(z, y, x) for z in zs for y in ys for x in xs]


def blended(model, x, edge):
    """Blended lesion logit and lesion probability over all windows (zero padding past the volume)."""
    size = x.shape[2:]
    g = gaussian([edge] * 3)
    num_z = torch.zeros(size, dtype=x.dtype)
    num_p = torch.zeros(size, dtype=x.dtype)
    den = torch.zeros(size, dtype=x.dtype)
    for z, y, xx in windows_of(list(size), edge):
        out = model(x[:, :, z:z + edge, y:y + edge, xx:xx + edge])[0]
        sl = (slice(z, z + edge), slice(y, y + edge), slice(xx, xx + edge))
        num_z[sl] += g * out[LESION]          # in place on a plain tensor: autograd follows it
        num_p[sl] += (g * torch.softmax(out, 0)[LESION]).detach()
        den[sl] += g
    return num_z / den, num_p / den


def export_windows(name, cls, size, centre, edge, n_samples, n_max):
    out = os.path.join('public', 'test-fixtures', 'xai', f'{name}-windows')
    os.makedirs(out, exist_ok=True)
    model = build_model(name, cls)
    for s in size:
        assert s > edge, 'every axis needs two windows or more'
    gen = torch.Generator().manual_seed(2027)
    x = torch.randn(1, 2, *size, generator=gen).half().double()
    mask_np = np.zeros(size, np.uint8)
    zz, yy, xx = np.meshgrid(*[np.arange(s) for s in size], indexing='ij')
    mask_np[(zz - centre[0]) ** 2 + (yy - centre[1]) ** 2 + (xx - centre[2]) ** 2 <= 2] = 1   # 19 voxels
    mask = torch.from_numpy(mask_np).double()
    sigma = 0.05 * float(x[0, 0].max() - x[0, 0].min())
    noise = (torch.randn(n_samples, 1, 2, *size, generator=gen) * sigma).half().double()
    with torch.no_grad():
        _, prob = blended(model, x, edge)
    mean = torch.zeros_like(x)
    for eps in noise:
        xi = (x + eps).requires_grad_(True)
        zbar, _ = blended(model, xi, edge)
        (zbar * mask).sum().backward()
        mean += xi.grad
    mean = mean / (n_samples * mask.sum())
    mx = torch.zeros_like(x)
    voxels = torch.nonzero(mask)
    for eps in noise[:n_max]:
        xi = (x + eps).requires_grad_(True)
        zbar, _ = blended(model, xi, edge)
        grads = torch.stack([torch.autograd.grad(zbar[tuple(v)], xi, retain_graph=True)[0] for v in voxels])
        mx += torch.gather(grads, 0, grads.abs().argmax(0, keepdim=True))[0]
    mx = mx / max(1, n_max)
    save(os.path.join(out, 'input.f16'), x[0].numpy(), np.float16)
    save(os.path.join(out, 'lesion.u8'), mask_np, np.uint8)
    save(os.path.join(out, 'noise.f16'), noise[:, 0].numpy(), np.float16)
    save(os.path.join(out, 'mean.f32'), mean[0].detach().numpy(), np.float32)
    save(os.path.join(out, 'max.f32'), mx[0].detach().numpy(), np.float32)
    save(os.path.join(out, 'probability.f32'), prob.numpy(), np.float32)
    starts = windows_of(size, edge)
    covering = [w for w in starts if all(w[a] <= c - 1 and c + 1 < w[a] + edge for a, c in enumerate(centre))]
    meta = {'model': f'../../model/{name}/model.onnx', 'manifest': f'../../model/{name}/manifest.json',
            'size_zyx': size, 'spacing_mm_xyz': SPACING_XYZ, 'samples': n_samples, 'max_samples': n_max,
            'sigma': sigma, 'lesion_voxels': int(mask_np.sum()), 'lesion_channel': LESION,
            'window_edge': edge, 'window_starts_zyx': starts, 'windows_covering_lesion': len(covering),
            'gradcam_torch_f32_rel_err': 0, 'shells': [], 'torch': torch.__version__,
            'layout': '[.., z, y, x], C order, little-endian; channels FLAIR, MPRAGE'}
    with open(os.path.join(out, 'fixtures.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(f'{name}-windows: {len(starts)} windows ({len(covering)} cover the lesion), |mean|max {mean.abs().max():.3g}, '
          f'|max|max {mx.abs().max():.3g}, probability range {prob.min():.3g}-{prob.max():.3g}')


def main():
    torch.set_num_threads(2)
    for name, spec in CASES.items():
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        export(name, *spec)
    if len(sys.argv) == 1 or 'windows' in sys.argv[1:]:
        export_windows(*WINDOWS_CASE)


if __name__ == '__main__':
    main()
