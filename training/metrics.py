"""The app's lesion rules and scores in NumPy (src/core/lesions mirrors these): binary map, instances, nDSC, lesion F1."""
import numpy as np
from scipy import ndimage

STRUCTURE_18 = ndimage.generate_binary_structure(3, 2)
# the app's default: components of this many voxels or fewer are dropped (a manifest may choose its own)
MAX_DROPPED_VOXELS = 5


def ndsc(pred, gt, r=0.001):
    tp = np.logical_and(pred, gt).sum()
    fp = np.logical_and(pred, ~gt).sum()
    fn = np.logical_and(~pred, gt).sum()
    n_gt = gt.sum()
    k = 1.0 if n_gt == 0 else (1 - r) * n_gt / (r * (gt.size - n_gt))
    d = 2 * tp + fn + k * fp
    return 1.0 if d == 0 else 2 * tp / d


def instances(prob, threshold, max_dropped_voxels=MAX_DROPPED_VOXELS):
    """Binary prediction as the app shows it: 18-connected components of more than max_dropped_voxels voxels."""
    labels, n = ndimage.label(prob >= threshold, structure=STRUCTURE_18)
    sizes = ndimage.sum(np.ones_like(labels), labels, index=np.arange(1, n + 1))
    keep = np.concatenate([[False], sizes > max_dropped_voxels])
    return keep[labels]


def iou_with_touched(a_labels, a_id, b_labels):
    inside = a_labels == a_id
    touched = np.unique(b_labels[inside])
    touched = touched[touched > 0]
    if len(touched) == 0:
        return 0.0
    union_b = np.isin(b_labels, touched)
    inter = np.logical_and(inside, union_b).sum()
    return inter / (inside.sum() + union_b.sum() - inter)


def case_metrics(pred, gt, iou_threshold=0.25):
    tp = np.logical_and(pred, gt).sum()
    dice = 1.0 if pred.sum() + gt.sum() == 0 else 2 * tp / (pred.sum() + gt.sum())
    p_labels, n_pred = ndimage.label(pred, structure=STRUCTURE_18)
    g_labels, n_gt = ndimage.label(gt, structure=STRUCTURE_18)
    detected = sum(iou_with_touched(g_labels, i, p_labels) >= iou_threshold for i in range(1, n_gt + 1))
    false_pred = sum(iou_with_touched(p_labels, i, g_labels) < iou_threshold for i in range(1, n_pred + 1))
    tpr = 1.0 if n_gt == 0 else detected / n_gt
    fdr = 0.0 if n_pred == 0 else false_pred / n_pred
    f1 = 0.0 if tpr + (1 - fdr) == 0 else 2 * tpr * (1 - fdr) / (tpr + 1 - fdr)
    return {'dice': float(dice), 'nDSC': float(ndsc(pred, gt)), 'TPR': float(tpr), 'FDR': float(fdr),
            'FNR': float(1 - tpr), 'F1': float(f1),
            'lesions': int(n_pred), 'falseLesions': int(false_pred), 'gtLesions': int(n_gt)}


THRESHOLDS = np.round(np.arange(0.1, 0.91, 0.05), 2)
DROPPED_VOXELS = (5, 7, 9, 11, 14, 19)


def choose_postprocessing(probs, gts, tie=0.005):
    """Threshold and minimum lesion size on validation cases.

    The rule: the highest mean nDSC over (threshold, dropped size); among pairs within `tie` of it, the highest
    mean lesion F1 (then the higher nDSC). nDSC alone would leave the size at the app's default, since a few small
    false lesions hardly move a voxel score, while to a reader each one is a lesion to check.
    """
    table = []
    for drop in DROPPED_VOXELS:
        for t in THRESHOLDS:
            rows = [case_metrics(instances(p, t, drop), g) for p, g in zip(probs, gts)]
            table.append((float(t), drop, float(np.mean([r['nDSC'] for r in rows])), float(np.mean([r['F1'] for r in rows]))))
    best_ndsc = max(r[2] for r in table)
    t, drop, score, f1 = max((r for r in table if r[2] >= best_ndsc - tie), key=lambda r: (r[3], r[2]))
    curve = {str(r[0]): round(r[2], 4) for r in table if r[1] == drop}
    return t, drop, curve, {'nDSC': round(score, 4), 'F1': round(f1, 4), 'bestNDSC': round(best_ndsc, 4)}
