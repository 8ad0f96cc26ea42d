"""Export the three compact architectures, the op zoo and four architectures we do not ship (SegResNet-,
nnU-Net v2-, attention U-Net- and UNETR-style; random weights, fixed seed) to ONNX and write the parity fixtures that
the TypeScript runtime is tested against.

Run from the repository root:  python3 training/export_fixtures.py [name ...]   (no names: all)
A new fixture folder also needs a manifest.json (copy one of the others; gradCamLayer = the ONNX name of the
layer module's output).
Writes public/test-fixtures/model/<name>/ : model.onnx, fixtures.json and per input size
  input.f16   input x, [1, C, z, y, x] float16 (C = 2, or the class's in_channels) (values are float16-exact; the model ran on them)
  logits.f32  model(x), [1, 2, z, y, x] float32
  mask.u8     voxel mask M, [z, y, x] uint8
  grad.f32    d/dx of sum over M of the lesion-class logits, [1, 2, z, y, x] float32
and for the first size, at the Grad-CAM++ layer A (module output named in fixtures.json):
  layer.f32   A, [1, C, z', y', x'];  layer_grad.f32   dS/dA, same shape.
All files little-endian, C order (x fastest).
"""
import copy
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from architectures import (AttentionUNet, CumulativeSum, DynUNet, FlairContrast, FlairContrastProbability, FlairOnlyUNet, OpZoo, PlainUNetDeepSupervision,  # noqa: E402
                           SegResNetLite, SwinUNETR, ThreeClassUNet, UNet3D, UNETRLite)

OUT = os.path.join('public', 'test-fixtures', 'model')
LESION_CHANNEL = 1  # unless the class says otherwise (lesion_channel)

# name: (class, spatial sizes [z, y, x], module whose output is the Grad-CAM++ layer, opset)
MODELS = {
    'unet3d': (UNet3D, [[16, 16, 16], [16, 24, 32]], 'up1', 17),
    'dynunet': (DynUNet, [[16, 16, 16], [16, 24, 32]], 'dec1', 17),
    'swin_unetr': (SwinUNETR, [[16, 16, 32], [32, 32, 32]], 'dec2', 17),
    # opset 13: LayerNorm and GELU come out decomposed (ReduceMean/Sub/Pow/Sqrt/Div, Erf)
    'opzoo': (OpZoo, [[8, 8, 8], [8, 12, 16]], None, 13),
    # not shipped: the patterns of models researchers bring (issue 18). GroupNorm exports as
    # Reshape -> InstanceNormalization -> Reshape; deep supervision as a second, half-resolution output.
    'segresnet': (SegResNetLite, [[16, 16, 16], [16, 24, 32]], 'dec1', 17),
    'plainunet_ds': (PlainUNetDeepSupervision, [[16, 16, 16], [16, 24, 32]], 'dec0', 17),
    'attention_unet': (AttentionUNet, [[16, 16, 16], [16, 24, 32]], 'dec1', 17),
    'unetr': (UNETRLite, [[16, 16, 16], [16, 24, 32]], 'dec0', 17),
    # other channel and class counts: FLAIR only with one sigmoid logit, three softmax classes, and a
    # hand-set FLAIR-contrast model that finds the demo's lesions (the e2e's user-added model)
    'unet_flair': (FlairOnlyUNet, [[16, 16, 16], [16, 24, 32]], 'up1', 17),
    'unet_3class': (ThreeClassUNet, [[16, 16, 16], [16, 24, 32]], 'up1', 17),
    'flair_contrast': (FlairContrast, [[8, 8, 8], [8, 12, 16]], 'halves', 17),
}
# exported as model.onnx only (no fixtures): a model the runtime must refuse, and FlairContrast with its sigmoid
# inside the graph (an output that is already a probability; checked against flair_contrast in the tests)
MODEL_ONLY = {'unsupported_op': (CumulativeSum, 17), 'flair_contrast_probability': (FlairContrastProbability, 17)}


def randomise_norms(model, gen):
    """Default init leaves norms as identity; give them values so the parity test sees them."""
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm3d, torch.nn.InstanceNorm3d, torch.nn.LayerNorm, torch.nn.GroupNorm)):
            if getattr(m, 'weight', None) is not None:
                m.weight.data = 0.5 + torch.rand(m.weight.shape, generator=gen)
                m.bias.data = 0.1 * torch.randn(m.bias.shape, generator=gen)
            if isinstance(m, torch.nn.BatchNorm3d):
                m.running_mean.data = 0.1 * torch.randn(m.running_mean.shape, generator=gen)
                m.running_var.data = 0.5 + torch.rand(m.running_var.shape, generator=gen)
        if isinstance(m, torch.nn.PReLU):
            m.weight.data = 0.1 + 0.3 * torch.rand(m.weight.shape, generator=gen)


def sphere_mask(size, gen):
    """A ball off the centre: a stand-in for one lesion instance."""
    z, y, x = np.meshgrid(*[np.arange(s) for s in size], indexing='ij')
    centre = [s * f for s, f in zip(size, torch.rand(3, generator=gen).numpy() * 0.4 + 0.3)]
    radius = min(size) / 6
    d2 = (z - centre[0]) ** 2 + (y - centre[1]) ** 2 + (x - centre[2]) ** 2
    return (d2 <= radius ** 2).astype(np.uint8)


def save(path, array, dtype):
    np.ascontiguousarray(array, dtype=dtype).astype(np.dtype(dtype).newbyteorder('<')).tofile(path)


def export(name, cls, sizes, layer_module, opset):
    gen = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    model = cls()
    randomise_norms(model, gen)
    model.eval()
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)

    # Several outputs (deep supervision): the fixtures are of the full-resolution one, named 'logits'
    names = getattr(cls, 'output_names', ['logits'])
    cin = getattr(cls, 'in_channels', 2)
    lesion_channel = getattr(cls, 'lesion_channel', LESION_CHANNEL)
    full = names.index('logits')
    logits_of = (lambda out: out[full]) if len(names) > 1 else (lambda out: out)

    # Check that tracing did not bake one input size in: trace at one size, run at the other.
    traced = torch.jit.trace(model, torch.randn(1, cin, *sizes[0]))
    probe = torch.randn(2, cin, *sizes[1])
    assert torch.allclose(logits_of(traced(probe)), logits_of(model(probe)), atol=1e-5), f'{name}: trace is size-bound'

    axes = {0: 'batch', 2: 'z', 3: 'y', 4: 'x'}
    # other outputs get their own spatial symbols, as an exporter gives a lower-resolution head
    out_axes = {n: (axes if n == 'logits' else {0: 'batch', 2: f'{n}_z', 3: f'{n}_y', 4: f'{n}_x'}) for n in names}
    torch.onnx.export(model, torch.randn(1, cin, *sizes[0]), os.path.join(folder, 'model.onnx'),
                      input_names=['input'], output_names=names, opset_version=opset,
                      dynamic_axes={'input': axes, **out_axes}, do_constant_folding=True)

    # Gradients come from a float64 copy: in this PyTorch build the float32 backward of the op zoo
    # disagreed with finite differences (and with itself between runs), float64 passes gradcheck.
    model64 = copy.deepcopy(model).double()
    captured = {}
    if layer_module:
        def hook(_module, _inputs, output):
            output.retain_grad()
            captured['layer'] = output
        dict(model64.named_modules())[layer_module].register_forward_hook(hook)

    cases = []
    for i, size in enumerate(sizes):
        x = torch.randn(1, cin, *size, generator=gen).half().float()
        mask = sphere_mask(size, gen)
        with torch.no_grad():
            logits = logits_of(model(x))
        x64 = x.double().requires_grad_(True)
        score = (logits_of(model64(x64))[0, lesion_channel] * torch.from_numpy(mask).double()).sum()
        score.backward()
        x.grad = x64.grad.float()
        tag = 'x'.join(str(s) for s in size)
        case = {'size_zyx': size, 'input': f'{tag}/input.f16', 'logits': f'{tag}/logits.f32',
                'mask': f'{tag}/mask.u8', 'grad': f'{tag}/grad.f32', 'mask_voxels': int(mask.sum())}
        os.makedirs(os.path.join(folder, tag), exist_ok=True)
        save(os.path.join(folder, case['input']), x.detach().numpy(), np.float16)
        save(os.path.join(folder, case['logits']), logits.detach().numpy(), np.float32)
        save(os.path.join(folder, case['mask']), mask, np.uint8)
        save(os.path.join(folder, case['grad']), x.grad.numpy(), np.float32)
        if layer_module and i == 0:
            layer = captured['layer']
            case['layer'] = f'{tag}/layer.f32'
            case['layer_grad'] = f'{tag}/layer_grad.f32'
            case['layer_shape'] = list(layer.shape)
            save(os.path.join(folder, case['layer']), layer.detach().float().numpy(), np.float32)
            save(os.path.join(folder, case['layer_grad']), layer.grad.float().numpy(), np.float32)
        cases.append(case)
        print(f'{name} {tag}: |logits|max {logits.abs().max():.3g} |grad|max {x.grad.abs().max():.3g}')

    meta = {'model': 'model.onnx', 'opset': opset, 'stride': cls.stride,
            'lesion_channel': lesion_channel, 'in_channels': cin, 'layer_module': layer_module,
            'layout': 'NCDHW = [batch, channel, z, y, x], C order', 'torch': torch.__version__,
            'gradients': 'float64 copy of the model, cast to float32',
            'cases': cases}
    with open(os.path.join(folder, 'fixtures.json'), 'w') as f:
        json.dump(meta, f, indent=1)


def export_model_only(name, cls, opset):
    torch.manual_seed(1234)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    axes = {0: 'batch', 2: 'z', 3: 'y', 4: 'x'}
    channels = getattr(cls, 'in_channels', 2)
    torch.onnx.export(cls().eval(), torch.randn(1, channels, 8, 8, 8), os.path.join(folder, 'model.onnx'), input_names=['input'],
                      output_names=['logits'], opset_version=opset, dynamic_axes={'input': axes, 'logits': axes})
    print(f'{name}: model.onnx only')


if __name__ == '__main__':
    torch.set_num_threads(2)
    for model_name, spec in MODELS.items():
        if len(sys.argv) > 1 and model_name not in sys.argv[1:]:
            continue
        export(model_name, *spec)
    for model_name, spec in MODEL_ONLY.items():
        if len(sys.argv) > 1 and model_name not in sys.argv[1:]:
            continue
        export_model_only(model_name, *spec)
