"""Train one of the three architectures on generated (or real) cases; resumable.

    /usr/bin/python3 training/train.py --arch unet --data training/data/train --out training/checkpoints/unet
    # realistic data drawn on the fly (synth_real.py) from real lesion masks, mixed with cases on disk,
    # starting from an earlier model's weights:
    /usr/bin/python3 training/train.py --arch unet --data training/data/train \
        --real-masks ../shared/data/open-ms/lesion-masks-mni --realistic-weight 0.75 \
        --init training/checkpoints/unet/last.pt --out training/checkpoints/unet-real

Every --save-every steps the model, optimiser, step and random states go to OUT/last.pt; a new run with
the same OUT continues from there (training may be interrupted at any time).
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from models import build_model
from data import PatchSampler, crop_to_brain, list_cases, load_case, region_mask
from synth_real import TEST_MASKS, VALIDATION_MASKS, Anatomy, MixedSampler, RealisticSampler, load_masks_on
from paint_real import PaintedRealSampler, load_mask_bank
from losses import dice_focal_loss, lesion_regions, lesion_wise_dice_loss


def parse():
    p = argparse.ArgumentParser()
    p.add_argument('--arch', required=True, choices=['unet', 'dynunet', 'swin_unetr'])
    p.add_argument('--data', default=None, help='case folders on disk (data.py layout)')
    p.add_argument('--real-masks', default=None, help='folder of real lesion masks: draw realistic patches')
    p.add_argument('--realistic-weight', type=float, default=0.75, help='share of realistic patches')
    p.add_argument('--init', default=None, help='start from the model weights of this checkpoint')
    p.add_argument('--real-case', default=None,
                   help='a real case folder (flair, t1 or mprage, lesions) of which one hemisphere trains')
    p.add_argument('--real-case-keep', default='left', choices=['left', 'right'],
                   help='the hemisphere that trains (world x < 0 is left); the other is zeroed and never seen')
    p.add_argument('--real-case-weight', type=float, default=0.2)
    p.add_argument('--real-case-paint', type=float, default=0.0,
                   help='share of the real case\'s patches with other patients\' lesion masks painted into its training '
                        'half (paint_real.py; needs --real-masks); 0 = its own lesions only')
    p.add_argument('--out', required=True)
    p.add_argument('--steps', type=int, default=3000)
    p.add_argument('--patch', type=int, default=64)
    p.add_argument('--batch', type=int, default=2)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--lesion-fraction', type=float, default=0.7)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--lesion-wise-weight', type=float, default=0.0,
                   help='weight of the per-lesion Dice term (losses.lesion_wise_dice_loss); 0 = the batch Dice + focal alone')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--save-every', type=int, default=50)
    p.add_argument('--max-minutes', type=float, default=1e9, help='stop (after saving) when this is spent')
    return p.parse_args()


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(a.seed)
    model = build_model(a.arch)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    # cosine decay to 5% of the start rate over the whole run
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * min(s, a.steps) / a.steps)))
    rng = np.random.default_rng(a.seed)
    step, log = 0, []
    ckpt = os.path.join(a.out, 'last.pt')
    if a.init and not os.path.exists(ckpt):
        model.load_state_dict(torch.load(a.init)['model'])
        print(f'initialised from {a.init}', flush=True)
    if os.path.exists(ckpt):
        state = torch.load(ckpt)
        model.load_state_dict(state['model'])
        opt.load_state_dict(state['opt'])
        sched.load_state_dict(state['sched'])
        step, log = state['step'], state['log']
        rng.bit_generator.state = state['rng']
        torch.set_rng_state(state['torch_rng'])
        print(f'resumed {a.arch} at step {step}', flush=True)

    samplers, weights = [], []
    if a.data:
        cases = [crop_to_brain(*load_case(c)) for c in list_cases(a.data)]
        print(f'{len(cases)} training cases on disk, patch {a.patch}^3, batch {a.batch}', flush=True)
        samplers.append(PatchSampler(cases, (a.patch,) * 3, a.lesion_fraction, rng))
        weights.append(1 - a.realistic_weight if a.real_masks else 1)
    if a.real_masks:
        if not os.path.isdir(a.real_masks):
            raise SystemExit(f'no lesion-mask folder at {a.real_masks} (see ../shared/data/open-ms/README.md)')
        anatomy = Anatomy()
        masks = load_masks_on(anatomy, a.real_masks, exclude=TEST_MASKS + VALIDATION_MASKS)
        print(f'realistic patches from {len(masks)} real lesion masks ({", ".join(m[0] for m in masks)})', flush=True)
        samplers.append(RealisticSampler(anatomy, masks, a.patch, rng, a.lesion_fraction))
        weights.append(a.realistic_weight if a.data else 1)
    if a.real_case:
        image, label = load_case(a.real_case)     # z-scored over the whole brain, as the app does
        keep = region_mask(a.real_case, a.real_case_keep, label.shape)
        print(f'real case {a.real_case}: {a.real_case_keep} hemisphere only ({int((label * keep).sum())} lesion voxels)', flush=True)
        if a.real_case_paint > 0:
            if not a.real_masks:
                raise SystemExit('--real-case-paint needs --real-masks')
            bank = load_mask_bank(a.real_masks, label.shape, exclude=TEST_MASKS + VALIDATION_MASKS)
            print(f'{a.real_case_paint:.0%} of its patches with painted lesions of {len(bank)} masks', flush=True)
            samplers.append(PaintedRealSampler(a.real_case, keep, bank, (a.patch,) * 3, a.lesion_fraction, rng,
                                               paint=a.real_case_paint))
        else:
            image, label = image * keep, label * keep
            samplers.append(PatchSampler([crop_to_brain(image, label)], (a.patch,) * 3, a.lesion_fraction, rng))
        weights = [w * (1 - a.real_case_weight) for w in weights] + [a.real_case_weight]
    sampler = MixedSampler(samplers, weights, rng)

    def save():
        torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(),
                    'step': step, 'log': log, 'rng': rng.bit_generator.state,
                    'torch_rng': torch.get_rng_state(), 'args': vars(a)}, ckpt + '.tmp')
        os.replace(ckpt + '.tmp', ckpt)      # never leave a half-written checkpoint

    t0 = time.time()
    model.train()
    running = []
    while step < a.steps:
        xs, ys = zip(*[sampler.sample() for _ in range(a.batch)])
        x = torch.from_numpy(np.stack(xs))
        y = torch.from_numpy(np.stack(ys))
        logits = model(x)
        loss = dice_focal_loss(logits, y)
        if a.lesion_wise_weight > 0:
            loss = loss + a.lesion_wise_weight * lesion_wise_dice_loss(logits, lesion_regions(y.numpy()))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        running.append(loss.item())
        if step % a.save_every == 0 or step == a.steps:
            log.append({'step': step, 'loss': float(np.mean(running)), 'seconds': time.time() - t0})
            print(json.dumps(log[-1]), flush=True)
            running = []
            save()
            if (time.time() - t0) / 60 > a.max_minutes:
                print('time budget spent; resume with the same command', flush=True)
                return
    save()
    print('done', flush=True)


if __name__ == '__main__':
    main()
