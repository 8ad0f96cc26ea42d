"""Dice + focal loss, as the paper. Soft Dice on the lesion probability keeps the rare lesion class from
being ignored; focal cross-entropy (gamma 2) sharpens the border voxels Dice alone treats loosely."""
import torch
import torch.nn.functional as F


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
