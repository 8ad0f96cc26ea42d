"""Threshold and smallest lesion on validation cases, ONNX export and a draft manifest for one trained model.

    /usr/bin/python3 training/export_model.py --arch unet --ckpt training/checkpoints/unet/last.pt \
        --val training/data/val --out public/models/unet3d

The held-out metrics in the manifest are then computed by the app's own runtime:
    npx tsx scripts/evaluate-models.ts   (fills in metrics and the Grad-CAM++ tensor name)
"""
import argparse
import json
import os
import re

import numpy as np
import torch
from data import case_with_region, list_cases, load_case, region_mask
from infer import lesion_probability
from metrics import MAX_FDR, case_metrics, choose_postprocessing, instances
from models import build_model

# the module whose output is the default Grad-CAM++ layer: a decoder layer at half the input resolution
GRADCAM_MODULE = {'unet': 'up1', 'dynunet': 'dec1', 'swin_unetr': 'dec2'}
TITLES = {'unet': '3D U-Net', 'dynunet': 'nnU-Net-style dynamic U-Net', 'swin_unetr': 'Swin UNETR'}


def validation_probabilities(model, val_cases, window):
    """val_cases: (case dir, region or None); a region scores only that part of the case (data.region_mask)."""
    probs, gts = [], []
    for d, region in val_cases:
        image, label = load_case(d)
        prob = lesion_probability(model, image, window)
        if region:
            keep = region_mask(d, region, label.shape)
            prob, label = prob * keep, label * keep
        probs.append(prob)
        gts.append(label > 0)
    return probs, gts


def validation_weights(val_cases):
    """Parts of real patients (DIR@region) count as much, together, as all generated cases together: a
    generated validation set alone chose against the real patient (training/README.md, section 1d)."""
    real = [region is not None for _, region in val_cases]
    n_real, n_gen = sum(real), len(real) - sum(real)
    if not n_real or not n_gen:
        return [1.0] * len(val_cases)
    return [0.5 / n_real if r else 0.5 / n_gen for r in real]


def postprocessing_text(threshold, drop, n_cases, val, score, weighted):
    weights = '; means weighted so that the real part counts as much as the generated cases together' if weighted else ''
    fallback = '' if score['underCap'] else ' (no pair was under the cap: the lowest FDR instead)'
    return (f"Threshold {threshold} and lesions > {drop} voxels chosen on {n_cases} validation cases ({val}{weights}): "
            f"among pairs with mean lesion FDR <= {MAX_FDR} the highest mean nDSC, and within 0.005 of it the highest "
            f"lesion F1{fallback} (nDSC {score['nDSC']}, F1 {score['F1']}, FDR {score['FDR']}).")


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', required=True, choices=list(GRADCAM_MODULE))
    p.add_argument('--ckpt', required=True)
    p.add_argument('--val', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--window', type=int, default=96)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--choose-only', action='store_true',
                   help="only choose threshold and minimum lesion size and write them into OUT's manifest (no export)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    state = torch.load(a.ckpt)
    model = build_model(a.arch)
    model.load_state_dict(state['model'])
    model.eval()

    # --val may list several folders (comma-separated): e.g. realistic cases on held-out real masks, cases of
    # the original generator and the validation part of a real patient (DIR@right-anterior), so the choice serves all
    val_cases = [(d, region) for spec in a.val.split(',') for ds, region in [case_with_region(spec)] for d in ds]
    weights = validation_weights(val_cases)
    probs, gts = validation_probabilities(model, val_cases, a.window)
    threshold, drop, curve, score = choose_postprocessing(probs, gts, weights=weights)
    print(f'threshold {threshold}, lesions > {drop} voxels, {score} (validation nDSC by threshold: {curve})', flush=True)
    for part, cases in (('real parts', [i for i, (_, r) in enumerate(val_cases) if r]),
                        ('generated', [i for i, (_, r) in enumerate(val_cases) if not r])):
        if cases:
            rows = [case_metrics(instances(probs[i], threshold, drop), gts[i]) for i in cases]
            print(f'  {part} ({len(cases)}): ' + ' '.join(f"{k} {np.mean([r[k] for r in rows]):.3f}" for k in rows[0]), flush=True)
    chosen = postprocessing_text(threshold, drop, len(val_cases), a.val, score, len(set(weights)) > 1)
    if a.choose_only:
        path = os.path.join(a.out, 'manifest.json')
        with open(path) as f:
            manifest = json.load(f)
        manifest.update(threshold=threshold, maxDroppedVoxels=drop, thresholdCurve=curve)
        manifest['provenance'] = re.sub(r' Threshold .*?(?= Recipe:)', ' ' + chosen, manifest['provenance'])
        with open(path, 'w') as f:
            json.dump(manifest, f, indent=2)
            f.write('\n')
        print('wrote', path, flush=True)
        return

    os.makedirs(a.out, exist_ok=True)
    axes = {0: 'batch', 2: 'z', 3: 'y', 4: 'x'}
    torch.onnx.export(model, torch.zeros(1, 2, a.window, a.window, a.window), os.path.join(a.out, 'model.onnx'),
                      input_names=['input'], output_names=['logits'], opset_version=17,
                      dynamic_axes={'input': axes, 'logits': axes}, do_constant_folding=True)
    args, log = state['args'], state['log']
    sources = []
    if args.get('data'):
        sources.append(f"{len(list_cases(args['data']))} synthetic cases of the LesionLens generator (Colin27 anatomy)")
    if args.get('real_masks'):
        sources.append('realistic patches drawn on the fly (training/synth_real.py): real MS lesion masks of 22 patients '
                       '(Lesjak et al. 2018, CC-BY) on Colin27 anatomy with random contrast, resolution, bias and noise'
                       f" ({args.get('realistic_weight', 1) if args.get('data') else 1:.0%} of patches)")
    if args.get('real_case'):
        sources.append(f"{args.get('real_case_weight', 0.2):.0%} of patches from the {args.get('real_case_keep', 'left')} hemisphere of one "
                       f"real MS patient ({os.path.basename(os.path.normpath(args['real_case']))}, Lesjak et al. 2018, CC-BY; the other half never seen)"
                       + (f", {args['real_case_paint']:.0%} of them with other patients' masks painted in (training/paint_real.py)"
                          if args.get('real_case_paint') else ''))
    loss = 'Dice + focal loss' + (f" + lesion-wise Dice (weight {args['lesion_wise_weight']:g})" if args.get('lesion_wise_weight') else '')
    init = f" Started from {args['init']}." if args.get('init') else ''
    trained_on = ' and '.join(sources) if len(sources) < 3 else ', '.join(sources[:-1]) + ' and ' + sources[-1]
    manifest = {
        'name': os.path.basename(os.path.normpath(a.out)),
        'title': TITLES[a.arch],
        'format': 'onnx',
        'file': 'model.onnx',
        'inputChannels': ['FLAIR', 'MPRAGE'],
        'normalisation': 'zscore-brain',
        'spacingMm': [1, 1, 1],
        'windowSizeVoxels': [a.window] * 3,
        'sizeMultiple': model.stride,
        'spatialAxes': 'zyx',
        'output': {'kind': 'softmax2', 'lesionChannel': 1},
        'threshold': threshold,
        'maxDroppedVoxels': drop,
        'gradCamModule': GRADCAM_MODULE[a.arch],
        'gradCamLayer': GRADCAM_MODULE[a.arch],
        'receptiveFieldVoxels': None,
        'provenance': (f"Trained on {trained_on} "
                       f"for {state['step']} steps of {args['batch']} patches of {args['patch']}^3, seed {args['seed']}, "
                       f"{loss}, AdamW lr {args['lr']}; final training loss {log[-1]['loss']:.4f}.{init} "
                       f"{chosen} Recipe: training/README.md."),
        'metrics': {},
        'thresholdCurve': curve,
        'intendedUse': ('Research and demonstration only. Not for clinical use. Trained on synthetic data'
                        + (' with real lesion shapes' if args.get('real_masks') else '')
                        + (" and half of one real patient's scan" if args.get('real_case') else '') + '.'),
    }
    with open(os.path.join(a.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
    print('wrote', a.out, flush=True)


if __name__ == '__main__':
    main()
