"""Cases on disk -> arrays, and the random patches the models train on.

Folder layout (the generator's, and the one to use for real data):
    DIR/<case>/flair.nii.gz, DIR/<case>/mprage.nii.gz, DIR/<case>/lesions.nii.gz
MPRAGE (or t1.nii.gz, any T1-weighted image) co-registered to FLAIR on the same grid, skull-stripped; lesions binary (any label > 0 is lesion).
Arrays are [channel, z, y, x] (the models' layout), channel 0 FLAIR, 1 MPRAGE.
"""
import os
import numpy as np
import nibabel as nib


def zscore_nonzero(img):
    """Z-score over brain (non-zero) voxels; background stays 0 (as the app's preprocessing)."""
    brain = img != 0
    out = np.zeros_like(img, dtype=np.float32)
    if brain.any():
        v = img[brain]
        out[brain] = (v - v.mean()) / max(v.std(), 1e-6)
    return out


def load_ras(path):
    """The image with its voxel axes reordered to RAS (as the app's model grid: core/segment/modelGrid.ts)."""
    return nib.as_closest_canonical(nib.load(path))


def load_zyx(path):
    """NIfTI voxel (i, j, k) of the RAS-reordered image -> array [k, j, i], i.e. z, y, x with x fastest (the app's order)."""
    return np.ascontiguousarray(np.asarray(load_ras(path).dataobj, dtype=np.float32).transpose(2, 1, 0))


def t1_path(case_dir):
    """The T1-weighted channel: mprage.nii.gz (our generator) or t1.nii.gz (the open-ms layout)."""
    p = os.path.join(case_dir, 'mprage.nii.gz')
    return p if os.path.exists(p) else os.path.join(case_dir, 't1.nii.gz')


def load_case(case_dir):
    flair = zscore_nonzero(load_zyx(os.path.join(case_dir, 'flair.nii.gz')))
    mprage = zscore_nonzero(load_zyx(t1_path(case_dir)))
    lesions = (load_zyx(os.path.join(case_dir, 'lesions.nii.gz')) > 0).astype(np.uint8)
    return np.stack([flair, mprage]), lesions


def list_cases(root):
    """Case folders under root, or root itself when it is one case (e.g. open-ms mni/patient07)."""
    if os.path.exists(os.path.join(root, 'flair.nii.gz')):
        return [root]
    return sorted(os.path.join(root, d) for d in os.listdir(root)
                  if os.path.exists(os.path.join(root, d, 'flair.nii.gz')))


def crop_to_brain(image, label, margin=4):
    """Drop the empty border around the brain to save memory; patches are cut from what is left."""
    brain = np.argwhere(image[0] != 0)
    lo = np.maximum(brain.min(0) - margin, 0)
    hi = np.minimum(brain.max(0) + margin + 1, image.shape[1:])
    s = tuple(slice(a, b) for a, b in zip(lo, hi))
    return image[(slice(None),) + s], label[s]


class PatchSampler:
    """Random training patches: a share centred on lesion voxels (lesions are rare), the rest anywhere
    in the brain. Augmentation: left-right flip, per-channel intensity scale/shift and gamma-like
    warping, so the models do not learn one fixed contrast."""

    def __init__(self, cases, patch, lesion_fraction, rng):
        self.cases = cases                      # list of (image [2, z, y, x], label [z, y, x])
        self.patch = np.array(patch)
        self.lesion_fraction = lesion_fraction
        self.rng = rng
        self.lesion_voxels = [np.argwhere(lab > 0) for _, lab in cases]
        self.brain_voxels = [np.argwhere(img[0] != 0)[::97] for img, _ in cases]

    def _centre(self, c):
        pool = self.lesion_voxels[c] if (self.rng.random() < self.lesion_fraction
                                         and len(self.lesion_voxels[c])) else self.brain_voxels[c]
        return pool[self.rng.integers(len(pool))]

    def sample(self):
        c = self.rng.integers(len(self.cases))
        img, lab = self.cases[c]
        centre = self._centre(c) + self.rng.integers(-8, 9, size=3)
        start = np.clip(centre - self.patch // 2, 0, np.maximum(np.array(lab.shape) - self.patch, 0))
        x = np.zeros((2, *self.patch), np.float32)
        y = np.zeros(tuple(self.patch), np.uint8)
        s = tuple(slice(a, a + p) for a, p in zip(start, self.patch))
        part = lab[s]
        x[(slice(None),) + tuple(slice(0, n) for n in part.shape)] = img[(slice(None),) + s]
        y[tuple(slice(0, n) for n in part.shape)] = part
        return self._augment(x, y)

    def _augment(self, x, y):
        r = self.rng
        if r.random() < 0.5:                    # left-right flip: x is the last axis
            x, y = x[..., ::-1], y[..., ::-1]
        brain = x[0] != 0
        for ch in range(2):
            v = x[ch]
            v = v * r.uniform(0.8, 1.25) + r.uniform(-0.3, 0.3)
            if r.random() < 0.5:                # monotone warp of the intensity scale
                v = np.sign(v) * np.abs(v) ** r.uniform(0.75, 1.33)
            x[ch] = np.where(brain, v, 0)
        return np.ascontiguousarray(x), np.ascontiguousarray(y)


# patient07's right hemisphere, the one no model trains on, is split at this coronal plane (world y, mm):
# anterior = validation (threshold, lesion size, checkpoint), posterior = the reported test. No lesion of the
# consensus mask crosses it (the right hemisphere's lesions end at y = -18 mm behind and start at -11 in front).
CORONAL_SPLIT_Y_MM = -14.5
REGIONS = ('left', 'right', 'right-anterior', 'right-posterior')


def region_mask(case_dir, region, shape_zyx):
    """1 where a voxel's centre lies in `region` (world RAS mm: x < 0 is left; '-anterior' adds
    y >= CORONAL_SPLIT_Y_MM, '-posterior' y < it), else 0; [z, y, x]. scripts/heldOut.ts has the same rule."""
    if region not in REGIONS:
        raise ValueError(f'unknown region {region!r} (one of {", ".join(REGIONS)})')
    affine = load_ras(os.path.join(case_dir, 'flair.nii.gz')).affine
    k, j, i = np.meshgrid(*[np.arange(n) for n in shape_zyx], indexing='ij')
    world = [affine[r, 0] * i + affine[r, 1] * j + affine[r, 2] * k + affine[r, 3] for r in range(2)]
    inside = (world[0] < 0) if region.startswith('left') else (world[0] >= 0)
    if region.endswith('-anterior'):
        inside &= world[1] >= CORONAL_SPLIT_Y_MM
    elif region.endswith('-posterior'):
        inside &= world[1] < CORONAL_SPLIT_Y_MM
    return inside.astype(np.float32)


def case_with_region(spec):
    """'DIR' or 'DIR@region' (e.g. ../shared/data/open-ms/mni/patient07@right-anterior) -> (case dirs, region or None)."""
    root, _, region = spec.partition('@')
    if region and region not in REGIONS:
        raise SystemExit(f'{spec}: unknown region {region!r} (one of {", ".join(REGIONS)})')
    return list_cases(root), region or None
