"""Realistic synthetic MS training data, drawn on the fly: Colin27 anatomy + real MS lesion masks + the
scanner randomisation of SynthSeg (random contrast per tissue and channel, random acquisition resolution,
bias field, noise, partial-volume blur). Why each choice is made: training/README.md, section 1b.

Everything runs in the voxel order of the Colin27 file (i, j, k = x, y, z, RAS, 1 mm); samples are returned
as [channel, z, y, x] like data.py, channel 0 FLAIR, 1 T1-weighted, both z-scored over the brain.

The real masks (Lesjak et al. 2018, CC-BY, ../shared/data/open-ms/lesion-masks-mni/) are read from the
folder given on the command line; nothing of them is written into the repository.
"""
import math
import os
import re

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from metrics import STRUCTURE_18

TEMPLATE = '/usr/share/mricron/templates/ch2bet.nii.gz'

# Masks never used for training. patient07 is the real test patient (its images are in mni/patient07);
# the other five validate the generator and choose the threshold (training/README.md, section 1b).
TEST_MASKS = ('patient07',)
VALIDATION_MASKS = ('patient03', 'patient11', 'patient18', 'patient25', 'patient30')


def _kmeans_1d(v, centres, iterations=30):
    for _ in range(iterations):
        lab = np.argmin(np.abs(v[:, None] - centres[None]), 1)
        centres = np.array([v[lab == k].mean() for k in range(len(centres))])
    return centres


class Anatomy:
    """Colin27's brain as partial-volume fractions of CSF, grey and white matter (a linear mixing model
    between the three class means of its T1, as src/core/synth/tissue.ts), plus its brain mask."""

    def __init__(self, template=TEMPLATE):
        img = nib.load(template)
        self.affine = img.affine
        t1 = np.asarray(img.dataobj, dtype=np.float32)
        self.shape = t1.shape
        brain = t1 > 0
        csf, gm, wm = _kmeans_1d(t1[brain], np.percentile(t1[brain], [10, 45, 85]))
        f_csf = np.clip((gm - t1) / (gm - csf), 0, 1)
        f_wm = np.clip((t1 - gm) / (wm - gm), 0, 1)
        f_gm = 1 - f_csf - f_wm
        self.fractions = np.stack([f_csf, f_gm, f_wm]) * brain   # [3, i, j, k]
        self.brain = brain
        # a subsample of brain voxels for the whole-brain z-score statistics of a drawn contrast
        self.stat_fractions = self.fractions[:, brain][:, ::11]


def _world_to_voxel(affine):
    return np.linalg.inv(affine)


def load_masks_on(anatomy, folder, names=None, exclude=()):
    """The real lesion masks, resampled (nearest, through the affines) onto the template grid; a list of
    (name, flat voxel indices, [flat indices of each 18-connected component]). The MNI grid of the masks
    differs from Colin27's by a voxel and a flip."""
    files = sorted(f for f in os.listdir(folder) if f.endswith('_lesions.nii.gz'))
    out = []
    ii, jj, kk = np.meshgrid(*[np.arange(n) for n in anatomy.shape], indexing='ij')
    target = np.stack([ii, jj, kk, np.ones_like(ii)], -1).reshape(-1, 4).T.astype(np.float64)
    for f in files:
        name = re.sub(r'_lesions\.nii\.gz$', '', f)
        if (names is not None and name not in names) or name in exclude:
            continue
        img = nib.load(os.path.join(folder, f))
        src = np.asarray(img.dataobj) > 0
        vox = np.rint(_world_to_voxel(img.affine) @ anatomy.affine @ target)[:3].astype(np.int64)
        ok = np.all((vox >= 0) & (vox < np.array(src.shape)[:, None]), 0)
        on = np.zeros(vox.shape[1], bool)
        on[ok] = src[vox[0, ok], vox[1, ok], vox[2, ok]]
        on &= anatomy.brain.reshape(-1)
        idx, comps = flat_components(on.reshape(anatomy.shape))
        out.append((name, idx, comps))
    return out


def flat_components(mask):
    """A binary mask's flat voxel indices and its 18-connected components, each an array of flat indices."""
    labels, n = ndimage.label(mask, structure=STRUCTURE_18)
    flat = labels.reshape(-1)
    idx = np.flatnonzero(flat)
    order = np.argsort(flat[idx], kind='stable')
    return idx, np.split(idx[order], np.cumsum(np.bincount(flat[idx], minlength=n + 1)[1:])[:-1])


def _smooth_field(shape, rng, sd, coarse=4):
    """A smooth random field: Gaussian noise on a coarse grid, upsampled trilinearly."""
    g = torch.from_numpy(rng.normal(0, sd, size=(1, 1, coarse, coarse, coarse)).astype(np.float32))
    return F.interpolate(g, size=shape, mode='trilinear', align_corners=True)[0, 0]


def _gaussian_blur(x, sigmas):
    """Separable Gaussian blur of a [C, i, j, k] tensor, sigma per axis in voxels (0 = none)."""
    for axis, s in enumerate(sigmas):
        if s < 0.2:
            continue
        r = int(math.ceil(3 * s))
        t = torch.arange(-r, r + 1, dtype=torch.float32)
        w = torch.exp(-0.5 * (t / s) ** 2)
        w = (w / w.sum()).view(1, 1, -1)
        c = x.shape[0]
        moved = x.movedim(axis + 1, -1)
        flat = moved.reshape(-1, 1, moved.shape[-1])
        flat = F.conv1d(F.pad(flat, (r, r), mode='replicate'), w)
        x = flat.reshape(moved.shape).movedim(-1, axis + 1)
        assert x.shape[0] == c
    return x


def _thick_slices(x, rng):
    """A 2D acquisition: slices of 1-5 mm along one axis (mostly axial), in-plane 0.7-1.2 mm, then back
    to the 1 mm model grid, as the app resamples a scan. x: [i, j, k] tensor."""
    axis = 2 if rng.random() < 0.7 else int(rng.integers(0, 3))
    spacing = [rng.uniform(0.7, 1.2)] * 3
    spacing[axis] = rng.uniform(1.0, 5.0)
    # slice profile and in-plane point spread (FWHM = spacing), then sampling at that spacing
    sig = [max(0.0, (s * s - 1) ** 0.5 / 2.355) if s > 1 else 0.0 for s in spacing]
    y = _gaussian_blur(x[None], sig)[0]
    low = [max(4, int(round(n / s))) for n, s in zip(x.shape, spacing)]
    y = F.interpolate(y[None, None], size=low, mode='trilinear', align_corners=True)
    return F.interpolate(y, size=tuple(x.shape), mode='trilinear', align_corners=True)[0, 0]


def draw_contrast(rng):
    """Tissue means relative to white matter per channel, drawn per case. FLAIR: CSF dark, GM a little to
    much brighter than WM (real FLAIR 1.05-1.45), lesions brighter than WM, from faint to bright. T1: WM
    brightest, then GM, then CSF; MPRAGE and spin echo both fit; lesions iso- to hypointense."""
    flair = {'csf': rng.uniform(0.05, 0.55), 'gm': rng.uniform(0.95, 1.45), 'wm': 1.0}
    t1 = {'csf': rng.uniform(0.05, 0.55), 'gm': rng.uniform(0.5, 0.92), 'wm': 1.0}
    # lesion core relative to the brighter of GM and WM: real lesions are brighter than cortex on FLAIR
    # (real patient07: lesion / WM median 1.36, GM / WM 1.12). Fainter ones are lost in the noise and teach
    # the model to guess, which on real scans turns deep grey matter into false lesions.
    lesion_flair = max(1.0, flair['gm']) * rng.uniform(1.08, 1.6)
    lesion_t1_dark = rng.uniform(0.0, 1.0)              # 0 = T1-isointense, 1 = as dark as GM
    return flair, t1, lesion_flair, lesion_t1_dark


class RealisticSampler:
    """Random patches [2, p, p, p] (z, y, x) with their lesion labels, drawn on the fly."""

    def __init__(self, anatomy, masks, patch, rng, lesion_fraction=0.7, empty_fraction=0.1, margin=6):
        self.a = anatomy
        self.masks = masks
        self.patch = patch
        self.rng = rng
        self.lesion_fraction = lesion_fraction
        self.empty_fraction = empty_fraction
        self.margin = margin
        self.frac = torch.from_numpy(np.concatenate([anatomy.fractions, anatomy.brain[None]]).astype(np.float32))[None]
        self.brain_idx = np.flatnonzero(anatomy.brain.reshape(-1))[::37]
        self.shape = np.array(anatomy.shape)
        self.lesion_vol = torch.zeros(tuple(anatomy.shape), dtype=torch.float32)

    def _lesion_union(self):
        """1-3 real masks (each maybe mirrored left-right), or none: counts, sizes and confluence vary.
        Also returns the components (flat indices) placed, so that small lesions can be centred as often
        as large ones."""
        r = self.rng
        flat = np.zeros(int(np.prod(self.shape)), np.uint8)
        comps = []
        if r.random() < self.empty_fraction or not self.masks:
            return flat.reshape(self.shape), comps
        count = min(len(self.masks), int(r.choice([1, 2, 3], p=[0.5, 0.35, 0.15])))
        for m in r.choice(len(self.masks), size=count, replace=False):
            _, idx, parts = self.masks[m]
            mirror = r.random() < 0.5
            flip = lambda ix: (self.shape[0] - 1 - ix // self.shape[1] // self.shape[2]) * self.shape[1] * self.shape[2] + ix % (self.shape[1] * self.shape[2])
            flat[flip(idx) if mirror else idx] = 1           # mirror x: i -> n - 1 - i
            comps += [(part, mirror) for part in parts]
        return flat.reshape(self.shape), comps                # the masks were cut to the brain when loaded

    def _grid(self, centre, size, deform=True):
        """Sampling grid of an output block of `size` voxels around `centre` (template voxels), through a
        random affine (rotation up to 12 deg, scale 0.85-1.15) and a smooth elastic field (up to ~3 mm)."""
        r = self.rng
        ang = r.uniform(-12, 12, 3) * np.pi / 180
        cx, cy, cz = np.cos(ang)
        sx, sy, sz = np.sin(ang)
        rot = (np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]]) @ np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
               @ np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]]))
        m = rot @ np.diag(r.uniform(0.85, 1.15, 3)) if deform else np.eye(3)
        axes = [torch.arange(n, dtype=torch.float32) - (n - 1) / 2 for n in size]
        gi, gj, gk = torch.meshgrid(*axes, indexing='ij')
        pts = torch.stack([gi, gj, gk], -1) @ torch.from_numpy(m.T.astype(np.float32))
        elastic = torch.stack([_smooth_field(size, r, r.uniform(0, 1.5) if deform else 0.0, coarse=5) for _ in range(3)], -1)
        pts = pts + elastic + torch.from_numpy(np.asarray(centre, np.float32))
        # only the template box the block reaches is sampled from; grid_sample wants (k, j, i)
        # normalised to [-1, 1] over that box, laid out [i, j, k]
        flat = pts.reshape(-1, 3)
        lo = np.maximum(np.floor(flat.min(0).values.numpy()).astype(int) - 1, 0)
        hi = np.minimum(np.ceil(flat.max(0).values.numpy()).astype(int) + 2, self.shape)
        hi = np.maximum(hi, lo + 2)
        norm = (pts - torch.from_numpy(lo.astype(np.float32))) / torch.from_numpy((hi - lo - 1).astype(np.float32)) * 2 - 1
        return norm.flip(-1)[None], tuple(slice(a, b) for a, b in zip(lo, hi))

    def _zscore_stats(self, flair, t1, gamma, noise, bias_sd):
        """Whole-brain mean and SD of each channel under this contrast (the app z-scores over the whole
        brain, not a patch): from a subsample of Colin27's voxels, with the noise and bias variance added."""
        out = []
        for c, g, n in ((flair, gamma[0], noise[0]), (t1, gamma[1], noise[1])):
            v = (self.a.stat_fractions * np.array([[c['csf']], [c['gm']], [c['wm']]])).sum(0) ** g
            mean = float(v.mean())
            out.append((mean, float(np.sqrt(v.var() + n * n + (mean * bias_sd) ** 2))))
        return out

    def render(self, lesions, centre, size, deform=True):
        """One randomised acquisition of a block of `size` voxels around `centre`: raw intensities
        [2, i, j, k] (0 outside the brain), the lesion label and the brain mask, and the approximate
        whole-brain z-score statistics of each channel."""
        r = self.rng
        grid, box = self._grid(centre, size, deform)
        sample = lambda v: F.grid_sample(v, grid, mode='bilinear', padding_mode='zeros', align_corners=True)[0]
        s = torch.cat([sample(self.frac[(slice(None), slice(None)) + box].contiguous()),
                       sample(torch.from_numpy(lesions[box].astype(np.float32))[None, None])])
        tissue, brain, les = s[:3], s[3] > 0.5, s[4]
        label = (les > 0.5) & brain

        flair_c, t1_c, lesion_flair, t1_dark = draw_contrast(r)
        soft = _gaussian_blur(les[None], [r.uniform(0.3, 1.2)] * 3)[0].clamp(0, 1)   # soft borders
        hetero = 1 + _smooth_field(size, r, r.uniform(0.03, 0.15), coarse=12)          # within-lesion variation
        wm_texture = _smooth_field(size, r, r.uniform(0, 0.05), coarse=8)
        gamma = np.exp(r.normal(0, 0.2, 2))
        noise = r.uniform(0.01, 0.07, 2)
        bias_sd = r.uniform(0, 0.25)
        stats = self._zscore_stats(flair_c, t1_c, gamma, noise, bias_sd)
        chans = []
        for ch, c in enumerate((flair_c, t1_c)):
            wm = c['wm'] * (1 + wm_texture * (1 if ch == 0 else -0.5))
            healthy = tissue[0] * c['csf'] + tissue[1] * c['gm'] + tissue[2] * wm
            if ch == 0:
                lesion_value = lesion_flair * hetero
            else:
                lesion_value = 1 - t1_dark * (1 - c['gm']) * hetero
            x = (1 - soft) * healthy + soft * lesion_value
            x = _gaussian_blur(x[None], [r.uniform(0, 0.6)] * 3)[0]       # partial volume
            if r.random() < 0.75:
                x = _thick_slices(x, r)
            x = x.clamp(min=0) * torch.exp(_smooth_field(size, r, bias_sd, coarse=3))
            x = x.clamp(min=1e-6) ** float(gamma[ch])
            n1, n2 = (torch.from_numpy(r.normal(0, noise[ch], (2,) + tuple(size)).astype(np.float32)))
            x = torch.sqrt((x + n1) ** 2 + n2 ** 2)                          # Rician noise
            chans.append(torch.where(brain, x, torch.zeros(())))
        return torch.stack(chans), label, brain, stats

    def sample(self):
        r = self.rng
        p, mg = self.patch, self.margin
        lesions, comps = self._lesion_union()
        if comps and r.random() < self.lesion_fraction:
            # half of the lesion-centred patches pick a lesion first (most real lesions are small)
            if r.random() < 0.5:
                part, mirror = comps[r.integers(len(comps))]
                v = int(part[r.integers(len(part))])
                centre = np.array(np.unravel_index(v, self.shape))
                if mirror:
                    centre[0] = self.shape[0] - 1 - centre[0]
            else:
                idx = np.flatnonzero(lesions.reshape(-1))
                centre = np.array(np.unravel_index(idx[r.integers(len(idx))], self.shape))
        else:
            centre = np.array(np.unravel_index(self.brain_idx[r.integers(len(self.brain_idx))], self.shape))
        centre = centre + r.integers(-8, 9, 3)
        raw, label, brain, stats = self.render(lesions, centre, (p + 2 * mg,) * 3)
        x = torch.stack([torch.where(brain, (raw[ch] - m) / sd, torch.zeros(())) for ch, (m, sd) in enumerate(stats)])
        crop = (slice(mg, mg + p),) * 3
        x, y = x[(slice(None),) + crop], label[crop]
        # [c, i, j, k] -> [c, z, y, x] (k, j, i), the models' layout
        x = x.permute(0, 3, 2, 1).contiguous().numpy()
        y = y.permute(2, 1, 0).contiguous().numpy().astype(np.uint8)
        return x, y

    def whole_case(self, lesions):
        """A whole brain on the template grid (mild deformation), as raw float32 FLAIR and T1 and the
        lesion mask, each [i, j, k]: for validation cases written to disk and z-scored by the reader."""
        size = tuple(int(n) for n in self.shape)
        raw, label, _, _ = self.render(lesions, (self.shape - 1) / 2, size, deform=False)
        return raw[0].numpy(), raw[1].numpy(), label.numpy().astype(np.uint8)


class MixedSampler:
    """Draws from several samplers with fixed probabilities."""

    def __init__(self, samplers, weights, rng):
        self.samplers, self.weights, self.rng = samplers, np.array(weights) / np.sum(weights), rng

    def sample(self):
        return self.samplers[self.rng.choice(len(self.samplers), p=self.weights)].sample()
