"""Dice + focal loss, as the paper. Soft Dice on the lesion probability keeps the rare lesion class from
being ignored; focal cross-entropy (gamma 2) sharpens the border voxels Dice alone treats loosely."""
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage


def dice_focal_loss(logits, target, gamma=2.0, smooth=1.0):
    """logits [B, 2, z, y, x]; target [B, z, y, x] in {0, 1}."""
    prob = torch.softmax(logits, 1)[:, 1]
    t = target.float()
    inter = (prob * t).sum()
    dice = 1 - (2 * inter + smooth) / (prob.sum() + t.sum() + smooth)
    logp = F.log_softmax(logits, 1)
    logp_true = logp.gather(1, target.long().unsqueeze(1)).squeeze(1)
    focal = (-(1 - logp_true.exp()) ** gamma * logp_true).mean()
    return dice + focal


def lesion_regions(target, margin=3):
    """Per lesion (18-connected component of a patch's label): the box around it, grown by `margin` voxels,
    and which voxels of that box belong to it or to no lesion (other lesions are left out, so each lesion is
    scored on its own). target: numpy [B, z, y, x]. Returns (b, box, region, inside): region and inside are bool
    tensors on the box, inside the lesion's own voxels."""
    out = []
    st = ndimage.generate_binary_structure(3, 2)
    for b in range(target.shape[0]):
        labels, n = ndimage.label(target[b] > 0, structure=st)
        for i, sl in enumerate(ndimage.find_objects(labels), start=1):
            box = tuple(slice(max(s.start - margin, 0), s.stop + margin) for s in sl)
            lab = labels[box]
            inside = lab == i
            region = ndimage.binary_dilation(inside, structure=st, iterations=margin) & ((lab == 0) | inside)
            out.append((b, box, torch.from_numpy(region), torch.from_numpy(inside)))
    return out


def lesion_wise_dice_loss(logits, regions, smooth=0.1):
    """The mean over lesions of (1 - soft Dice) inside each lesion's own neighbourhood: every lesion counts
    once whatever its size (the idea of Kofler et al.'s blob loss, 2023). Batch Dice alone is dominated by
    the large lesions, and a model trained on it misses the small ones that decide lesion-wise F1 and nDSC."""
    if not regions:
        return logits.sum() * 0
    prob = torch.softmax(logits, 1)[:, 1]
    losses = []
    for b, box, region, inside in regions:
        p = prob[(b,) + box][region]
        t = inside[region].float()
        losses.append(1 - (2 * (p * t).sum() + smooth) / (p.sum() + t.sum() + smooth))
    return torch.stack(losses).mean()
