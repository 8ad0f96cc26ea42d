"""Whole synthetic cases from the realistic generator (synth_real.py), written in the case layout of
data.py: DIR/<case>/{flair,mprage,lesions}.nii.gz on the Colin27 grid (1 mm, RAS).

    /usr/bin/python3 training/make_real_cases.py --masks ../shared/data/open-ms/lesion-masks-mni \
        --out training/data/val-real --split validation --seed 11
    /usr/bin/python3 training/make_real_cases.py --out training/data/healthy --count 2 --seed 99 --no-lesions

--split validation uses the five validation masks (one case each, never trained on); --no-lesions writes
lesion-free brains (false-positive check). The masks folder is only read; skipped, saying why, if absent.
"""
import argparse
import os
import sys

import nibabel as nib
import numpy as np
import torch

from synth_real import VALIDATION_MASKS, Anatomy, RealisticSampler, load_masks_on


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--masks', default=None, help='folder of real lesion masks (patientNN_lesions.nii.gz)')
    p.add_argument('--out', required=True)
    p.add_argument('--split', default='validation', choices=['validation'])
    p.add_argument('--no-lesions', action='store_true')
    p.add_argument('--count', type=int, default=1, help='cases per mask (or lesion-free cases)')
    p.add_argument('--seed', type=int, default=11)
    a = p.parse_args()
    torch.set_num_threads(1)
    anatomy = Anatomy()
    if a.no_lesions:
        masks = [(f'healthy{n:02d}', np.zeros(0, np.int64)) for n in range(a.count)]
    else:
        if not a.masks or not os.path.isdir(a.masks):
            print(f'skipped: no lesion-mask folder at {a.masks!r} (../shared/data/open-ms/lesion-masks-mni)')
            return 0
        masks = load_masks_on(anatomy, a.masks, names=VALIDATION_MASKS)
        masks = [(f'{name}_{n}', idx) for name, idx, _ in masks for n in range(a.count)]
    rng = np.random.default_rng(a.seed)
    sampler = RealisticSampler(anatomy, [], 64, rng)
    for name, idx in masks:
        lesions = np.zeros(anatomy.shape, np.uint8)
        lesions.reshape(-1)[idx] = 1
        flair, t1, label = sampler.whole_case(lesions)
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        scale = 1000.0                                   # WM ~ 1000, stored as float32
        for f, v in (('flair', flair * scale), ('mprage', t1 * scale), ('lesions', label)):
            img = nib.Nifti1Image(v.astype(np.uint8 if f == 'lesions' else np.float32), anatomy.affine)
            img.header.set_xyzt_units('mm')
            nib.save(img, os.path.join(d, f'{f}.nii.gz'))
        print(f'{d}: {int(label.sum())} lesion voxels', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
