"""Real lesion masks of other patients painted onto the training half of a real patient's own images.

Why (training/README.md, section 1d): the generated anatomy is Colin27 in drawn contrasts, and the one real
patient we have shows the model only its own 14 left-hemisphere lesions. Painting other patients' lesion
masks (same MNI space) into that half gives real anatomy, real scanner texture and real grey matter (where
the false lesions fall) with many more lesions of real shape, at the patient's own lesion contrast.

Painting happens in the raw intensities of the patient's bias-corrected images, on a block around the patch:
    x = x + soft * (lesion value - local mean of x)
so the scan's own noise and texture stay inside the lesion; `soft` is the mask blurred (soft borders), the
lesion value is drawn relative to the patient's white-matter median (FLAIR 1.1-1.7 x WM, heterogeneous;
T1 from isointense to darker than grey matter). Painted voxels stay off CSF and inside the training half.
Then the block is z-scored with the whole-brain statistics of the unpainted scan (the app z-scores over the
whole brain; a few painted lesions hardly move them) and augmented as data.PatchSampler does.
"""
import os

import numpy as np
import torch

from data import PatchSampler, load_zyx, t1_path, zscore_nonzero
from synth_real import _gaussian_blur, _kmeans_1d, _smooth_field, flat_components


def load_mask_bank(folder, shape_zyx, exclude):
    """Each real mask (same grid as the patient: the open-ms MNI space) as a list of 18-connected
    components, each an array of flat [z, y, x] indices."""
    bank = []
    for f in sorted(os.listdir(folder)):
        name = f.replace('_lesions.nii.gz', '')
        if not f.endswith('_lesions.nii.gz') or name in exclude:
            continue
        m = load_zyx(os.path.join(folder, f)) > 0
        if m.shape != tuple(shape_zyx):
            raise SystemExit(f'{f}: grid {m.shape} is not the patient\'s {tuple(shape_zyx)}')
        bank.append((name, flat_components(m)[1]))
    return bank


class PaintedRealSampler(PatchSampler):
    """Patches of one real case's training region; a share `paint` of them with painted lesions."""

    def __init__(self, case_dir, keep, bank, patch, lesion_fraction, rng, paint=0.6, margin=6):
        flair = load_zyx(os.path.join(case_dir, 'flair.nii.gz'))
        t1 = load_zyx(t1_path(case_dir))
        label = (load_zyx(os.path.join(case_dir, 'lesions.nii.gz')) > 0).astype(np.uint8)
        brain = flair != 0
        self.raw = np.stack([flair, t1])
        # whole-brain z-score of the unpainted scan, as data.zscore_nonzero (each channel over its own non-zero voxels)
        self.stats = [(float(c[c != 0].mean()), float(c[c != 0].std())) for c in self.raw]
        keep = keep > 0
        self.region = keep & brain
        # tissue from the T1 (WM brightest): CSF voxels never take a painted lesion
        v = t1[brain]
        csf_c, gm_c, wm_c = _kmeans_1d(v, np.percentile(v, [10, 45, 85]))
        tissue = np.zeros(t1.shape, np.uint8)
        tissue[brain] = np.argmin(np.abs(v[:, None] - np.array([csf_c, gm_c, wm_c])[None]), 1) + 1
        wm, gm = tissue == 3, tissue == 2
        self.paintable = self.region & (tissue >= 2)
        self.flair_wm = float(np.median(flair[wm & ~(label > 0)]))
        self.t1_wm, self.t1_gm = float(np.median(t1[wm])), float(np.median(t1[gm]))
        self.label = label * keep.astype(np.uint8)
        self.bank = bank
        self.paint = paint
        self.margin = margin
        self.shape = np.array(label.shape)
        region_image = np.stack([zscore_nonzero(c) for c in self.raw]) * self.region
        super().__init__([(region_image.astype(np.float32), self.label)], patch, lesion_fraction, rng)
        self.region_voxels = np.flatnonzero(self.region.reshape(-1))[::53]
        self.real_lesion_voxels = np.flatnonzero(self.label.reshape(-1))

    def _painted_components(self):
        """1-3 masks of the bank, each mirrored left-right at random; the components that fall (90 % or
        more of their voxels) on paintable tissue of the training region, cut to it."""
        r = self.rng
        nx = self.shape[2]
        ok = self.paintable.reshape(-1)
        comps = []
        for m in r.choice(len(self.bank), size=int(r.choice([1, 2, 3], p=[0.5, 0.35, 0.15])), replace=False):
            mirror = r.random() < 0.5
            for part in self.bank[m][1]:
                if mirror:
                    part = part - part % nx + (nx - 1 - part % nx)
                inside = ok[part]
                if inside.mean() >= 0.9:
                    comps.append(part[inside])
        return comps

    def sample(self):
        r = self.rng
        if r.random() >= self.paint:
            return super().sample()
        comps = self._painted_components()
        real = self.real_lesion_voxels
        if r.random() < self.lesion_fraction and (comps or len(real)):
            pool = comps + ([real] if len(real) else [])
            part = pool[r.integers(len(pool))]             # a lesion first: most lesions are small
            centre = np.array(np.unravel_index(int(part[r.integers(len(part))]), self.shape))
        else:
            centre = np.array(np.unravel_index(int(self.region_voxels[r.integers(len(self.region_voxels))]), self.shape))
        p, mg = self.patch, self.margin
        start = np.clip(centre + r.integers(-8, 9, 3) - p // 2 - mg, 0, np.maximum(self.shape - p - 2 * mg, 0))
        box = tuple(slice(a, a + n + 2 * mg) for a, n in zip(start, p))
        size = tuple(b.stop - b.start for b in box)
        painted = np.zeros(int(np.prod(self.shape)), np.float32)
        for part in comps:
            painted[part] = 1
        les = torch.from_numpy(painted.reshape(self.shape)[box].copy())
        raw = torch.from_numpy(self.raw[(slice(None),) + box].copy())
        soft = _gaussian_blur(les[None], [r.uniform(0.3, 1.2)] * 3)[0].clamp(0, 1)
        soft = soft * torch.from_numpy(self.paintable[box].astype(np.float32))
        hetero = 1 + _smooth_field(size, r, r.uniform(0.03, 0.15), coarse=12)
        flair_value = self.flair_wm * r.uniform(1.1, 1.7) * hetero
        dark = r.uniform(0.0, 1.2)                               # 0 = T1-isointense, 1 = as dark as GM
        t1_value = self.t1_wm - dark * (self.t1_wm - self.t1_gm) * hetero
        out = []
        for ch, value in enumerate((flair_value, t1_value)):
            local = _gaussian_blur(raw[ch][None], [1.5] * 3)[0]
            x = raw[ch] + soft * (value - local)
            m, s = self.stats[ch]
            out.append((x - m) / max(s, 1e-6))
        region = torch.from_numpy(self.region[box])
        x = (torch.stack(out) * region).numpy()
        y = ((les.numpy() > 0.5) & self.paintable[box]) | (self.label[box] > 0)
        crop = (slice(mg, mg + p[0]), slice(mg, mg + p[1]), slice(mg, mg + p[2]))
        x = np.ascontiguousarray(x[(slice(None),) + crop], dtype=np.float32)
        y = np.ascontiguousarray(y[crop], dtype=np.uint8)
        return self._augment(x, y)
