"""Whole-volume inference in PyTorch (sliding windows, overlap 0.25, Gaussian blending), used only to
choose a threshold on validation cases. The figures we report come from the app's own runtime."""
import numpy as np
import torch


def axis_starts(length, size, overlap):
    """As the app's axisStarts: halves round up (JavaScript's Math.round), not to even as Python's round
    does; with round() the windows of a 181-voxel axis sat one voxel apart from the app's."""
    if length <= size:
        return [0]
    n = int(np.ceil((length - size) / (size * (1 - overlap)))) + 1
    return [int(np.floor(w * (length - size) / (n - 1) + 0.5)) for w in range(n)]


def gaussian(size, sigma_scale=0.125):
    axes = []
    for s in size:
        c, sig = (s - 1) / 2, s * sigma_scale
        axes.append(np.exp(-((np.arange(s) - c) ** 2) / (2 * sig * sig)))
    return np.einsum('i,j,k->ijk', *axes).astype(np.float32)


@torch.no_grad()
def lesion_probability(model, image, window=96, overlap=0.25):
    """image [2, z, y, x] -> lesion probability [z, y, x]."""
    model.eval()
    shape = np.array(image.shape[1:])
    size = (window,) * 3
    padded = np.zeros((2, *np.maximum(shape, window)), np.float32)
    padded[:, :shape[0], :shape[1], :shape[2]] = image
    acc = np.zeros(padded.shape[1:], np.float32)
    wsum = np.zeros_like(acc)
    g = gaussian(size)
    for z in axis_starts(padded.shape[1], window, overlap):
        for y in axis_starts(padded.shape[2], window, overlap):
            for x in axis_starts(padded.shape[3], window, overlap):
                s = (slice(z, z + window), slice(y, y + window), slice(x, x + window))
                logits = model(torch.from_numpy(padded[(slice(None),) + s][None]))
                p = torch.softmax(logits, 1)[0, 1].numpy()
                acc[s] += g * p
                wsum[s] += g
    return (acc / wsum)[:shape[0], :shape[1], :shape[2]]
