"""Held-out metrics computed in PyTorch: a cross-check of scripts/evaluate-models.ts, not the figure we report.

    /usr/bin/python3 training/evaluate_torch.py --arch dynunet --ckpt training/checkpoints/dynunet/last.pt \
        --cases training/data/test --out training/eval/dynunet/torch --threshold 0.1 \
        --manifest public/models/dynunet/manifest.json

The README's model table comes from the app's own runtime (evaluate-models.ts). This script mirrors the
app's rules (18-connected components, components of the manifest's maxDroppedVoxels or fewer dropped (else 5),
a ground-truth lesion detected at IoU >= 0.25 with the union of the predictions touching it, a prediction false below IoU 0.25 with the
union of the lesions it touches) so the two can be compared case by case, and it gives a first figure for a
model while the slow CPU evaluation in the app's runtime is still running.
"""
import argparse
import json
import os

import numpy as np
import torch

from data import REGIONS, list_cases, load_case, region_mask
from infer import lesion_probability
from metrics import MAX_DROPPED_VOXELS, case_metrics, instances
from models import build_model


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', required=True)
    p.add_argument('--ckpt', required=True)
    p.add_argument('--cases', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--threshold', type=float, required=True, help="the manifest's threshold")
    p.add_argument('--max-dropped-voxels', type=int, default=None,
                   help="components of this many voxels or fewer are dropped (default: the manifest's, else 5)")
    p.add_argument('--window', type=int, default=96)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--manifest', help="write the means into this manifest as 'pytorchCrossCheck'")
    p.add_argument('--region', choices=REGIONS, help='score only this part of each case (data.region_mask: world x < 0 is left)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    drop = a.max_dropped_voxels
    if drop is None and a.manifest:
        with open(a.manifest) as f:
            drop = json.load(f).get('maxDroppedVoxels')
    drop = MAX_DROPPED_VOXELS if drop is None else drop
    model = build_model(a.arch)
    model.load_state_dict(torch.load(a.ckpt)['model'])
    model.eval()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for d in list_cases(a.cases):
        image, label = load_case(d)
        prob = lesion_probability(model, image, a.window)
        if a.region:
            keep = region_mask(d, a.region, label.shape)
            prob, label = prob * keep, label * keep
        row = case_metrics(instances(prob, a.threshold, drop), label > 0)
        rows.append(row)
        with open(os.path.join(a.out, os.path.basename(d) + '.json'), 'w') as f:
            json.dump(row, f)
        print(os.path.basename(d), ' '.join(f'{k} {v:.3f}' for k, v in row.items()), flush=True)
    mean = {k: round(float(np.mean([r[k] for r in rows])), 4) for k in rows[0]}
    print('mean over', len(rows), 'cases:', json.dumps(mean), flush=True)
    with open(os.path.join(a.out, 'mean.json'), 'w') as f:
        json.dump({'cases': len(rows), 'threshold': a.threshold, 'mean': mean}, f, indent=1)
    if a.manifest:
        with open(a.manifest) as f:
            manifest = json.load(f)
        manifest['pytorchCrossCheck'] = {**mean, 'cases': len(rows), 'evaluatedWith': (
            'PyTorch on the training checkpoint (training/evaluate_torch.py), same cases, threshold and instance '
            "rules; a cross-check: 'metrics' (the app's runtime) is the reported figure")}
        with open(a.manifest, 'w') as f:
            json.dump(manifest, f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    main()
