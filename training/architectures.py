"""Compact PyTorch versions of the paper's three architectures, written for ONNX export.

Widths are small so the exported files and fixtures stay small; the structure (which layers,
norms, activations, skip paths) follows the paper's models. Every shape-dependent step uses tensor
shapes or tensor ops rather than Python branching, so one export with dynamic spatial axes runs at
any input size that is a multiple of the model's stride.
Tensor layout: [batch, channel, z, y, x] with channel 0 = FLAIR, 1 = MPRAGE.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- 3D U-Net (MONAI UNet style)
class DownConv(nn.Sequential):
    """Conv (stride) -> BatchNorm -> PReLU, as a U-Net layer without residual units."""

    def __init__(self, cin, cout, stride):
        super().__init__(nn.Conv3d(cin, cout, 3, stride=stride, padding=1),
                         nn.BatchNorm3d(cout), nn.PReLU(cout))


class UpConv(nn.Sequential):
    """Transposed conv (stride 2, output_padding 1) -> BatchNorm -> PReLU, or conv only at the top."""

    def __init__(self, cin, cout, top):
        layers = [nn.ConvTranspose3d(cin, cout, 3, stride=2, padding=1, output_padding=1)]
        if not top:
            layers += [nn.BatchNorm3d(cout), nn.PReLU(cout)]
        super().__init__(*layers)


class UNet3D(nn.Module):
    """Encoder of stride-2 convs, bottom at stride 1, decoder of transposed convs over concatenations.
    Input sizes: multiples of 8."""

    stride = 8

    def __init__(self, channels=(8, 16, 32, 64), in_channels=2, out_channels=2):
        super().__init__()
        c0, c1, c2, c3 = channels
        self.down0 = DownConv(in_channels, c0, 2)
        self.down1 = DownConv(c0, c1, 2)
        self.down2 = DownConv(c1, c2, 2)
        self.bottom = DownConv(c2, c3, 1)
        self.up2 = UpConv(c2 + c3, c1, top=False)
        self.up1 = UpConv(c1 + c1, c0, top=False)   # decoder layer at half resolution (Grad-CAM++)
        self.up0 = UpConv(c0 + c0, out_channels, top=True)

    def forward(self, x):
        d0 = self.down0(x)
        d1 = self.down1(d0)
        d2 = self.down2(d1)
        b = self.bottom(d2)
        u2 = self.up2(torch.cat([d2, b], 1))
        u1 = self.up1(torch.cat([d1, u2], 1))
        return self.up0(torch.cat([d0, u1], 1))


# ---------------------------------------------------------------- dynamic U-Net (nnU-Net style)
class ResBlock(nn.Module):
    """conv-IN-LReLU-conv-IN plus a (1x1 conv + IN) shortcut when the shape changes, then LReLU."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv3d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.norm1 = nn.InstanceNorm3d(cout, affine=True)
        self.conv2 = nn.Conv3d(cout, cout, 3, padding=1, bias=False)
        self.norm2 = nn.InstanceNorm3d(cout, affine=True)
        self.act = nn.LeakyReLU(0.01)
        self.shortcut = None
        if cin != cout or stride != 1:
            self.shortcut = nn.Sequential(nn.Conv3d(cin, cout, 1, stride=stride, bias=False),
                                          nn.InstanceNorm3d(cout, affine=True))

    def forward(self, x):
        y = self.act(self.norm1(self.conv1(x)))
        y = self.norm2(self.conv2(y))
        skip = x if self.shortcut is None else self.shortcut(x)
        return self.act(y + skip)


class UpBlock(nn.Module):
    """Transposed conv (kernel = stride = 2), concatenation with the skip, residual block."""

    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose3d(cin, cout, 2, stride=2, bias=False)
        self.block = ResBlock(2 * cout, cout)

    def forward(self, x, skip):
        return self.block(torch.cat([self.up(x), skip], 1))


class DynUNet(nn.Module):
    """3 levels, filters 8-16-32, strides 1-2-2. Input sizes: multiples of 4."""

    stride = 4

    def __init__(self, filters=(8, 16, 32), in_channels=2, out_channels=2):
        super().__init__()
        f0, f1, f2 = filters
        self.enc0 = ResBlock(in_channels, f0, 1)
        self.enc1 = ResBlock(f0, f1, 2)
        self.bottleneck = ResBlock(f1, f2, 2)
        self.dec1 = UpBlock(f2, f1)   # decoder layer at half resolution (Grad-CAM++)
        self.dec0 = UpBlock(f1, f0)
        self.out = nn.Conv3d(f0, out_channels, 1)

    def forward(self, x):
        e0 = self.enc0(x)
        e1 = self.enc1(e0)
        b = self.bottleneck(e1)
        return self.out(self.dec0(self.dec1(b, e1), e0))


# ---------------------------------------------------------------- Swin UNETR
def window_partition(x, ws):
    """[B, D, H, W, C] -> [B * windows, ws^3, C]."""
    b, d, h, w, c = x.shape
    x = x.reshape(b, d // ws, ws, h // ws, ws, w // ws, ws, c)
    return x.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(-1, ws * ws * ws, c)


def window_reverse(windows, ws, b, d, h, w):
    """[B * windows, ws^3, C] -> [B, D, H, W, C]."""
    c = windows.shape[-1]
    x = windows.reshape(b, d // ws, h // ws, w // ws, ws, ws, ws, c)
    return x.permute(0, 1, 4, 2, 5, 3, 6, 7).reshape(b, d, h, w, c)


def shift_region_labels(x, ws, shift):
    """Region label of each position after a cyclic shift, built from x's shape with tensor ops so
    that it follows a dynamic input size. Along one axis of length L the regions are
    [0, L-ws) -> 0, [L-ws, L-shift) -> 1, [L-shift, L) -> 2; the 3 axes combine to 0..26.
    x: [B, D, H, W, C]; returns [1, D, H, W, 1]."""
    zero = x[:1, :, :, :, :1] * 0.0
    labels = 0.0
    for axis, weight in ((1, 9.0), (2, 3.0), (3, 1.0)):
        line = zero
        for other in (1, 2, 3):
            if other != axis:
                line = line.narrow(other, 0, 1)         # [1, L, 1, 1, 1] along this axis
        index = [slice(None)] * 5
        index[axis] = slice(0, -ws)
        shape = [1] * 5
        shape[axis] = ws
        tail = torch.tensor([1.0] * (ws - shift) + [2.0] * shift).reshape(shape)
        labels = labels + weight * torch.cat([line[tuple(index)], tail], axis)
    return labels


class WindowAttention(nn.Module):
    def __init__(self, dim, heads, ws):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.bias_table = nn.Parameter(torch.randn((2 * ws - 1) ** 3, heads) * 0.02)
        coords = torch.stack(torch.meshgrid(torch.arange(ws), torch.arange(ws), torch.arange(ws),
                                            indexing='ij')).flatten(1)          # [3, N]
        rel = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (ws - 1)
        index = rel[..., 0] * (2 * ws - 1) ** 2 + rel[..., 1] * (2 * ws - 1) + rel[..., 2]
        self.register_buffer('bias_index', index.flatten(), persistent=False)
        self.n = ws ** 3

    def forward(self, x, mask):
        bw, n, c = x.shape
        qkv = self.qkv(x).reshape(bw, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = q @ k.transpose(-2, -1)
        bias = self.bias_table[self.bias_index].reshape(self.n, self.n, -1).permute(2, 0, 1)
        attn = attn + bias.unsqueeze(0)
        if mask is not None:
            nw = mask.shape[0]
            attn = attn.reshape(-1, nw, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.reshape(-1, self.heads, n, n)
        attn = attn.softmax(-1)
        out = (attn @ v).transpose(1, 2).reshape(bw, n, c)
        return self.proj(out)


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, ws, shift):
        super().__init__()
        self.ws, self.shift = ws, shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, heads, ws)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):                                   # x: [B, D, H, W, C]
        b, d, h, w, c = x.shape
        y = self.norm1(x)
        mask = None
        if self.shift:
            s = self.shift
            y = torch.roll(y, shifts=(-s, -s, -s), dims=(1, 2, 3))
            ids = window_partition(shift_region_labels(x, self.ws, s), self.ws)[:, :, 0]
            mask = (ids.unsqueeze(1) != ids.unsqueeze(2)).to(x.dtype) * -100.0
        y = window_reverse(self.attn(window_partition(y, self.ws), mask), self.ws, b, d, h, w)
        if self.shift:
            s = self.shift
            y = torch.roll(y, shifts=(s, s, s), dims=(1, 2, 3))
        x = x + y
        return x + self.mlp(self.norm2(x))


class PatchMerging(nn.Module):
    """2x2x2 neighbours concatenated on channels, LayerNorm, linear 8C -> 2C."""

    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(8 * dim)
        self.reduction = nn.Linear(8 * dim, 2 * dim, bias=False)

    def forward(self, x):
        parts = [x[:, i::2, j::2, k::2, :] for i in (0, 1) for j in (0, 1) for k in (0, 1)]
        return self.reduction(self.norm(torch.cat(parts, -1)))


class SwinStage(nn.Module):
    def __init__(self, dim, depth, heads, ws):
        super().__init__()
        self.blocks = nn.ModuleList(
            [SwinBlock(dim, heads, ws, 0 if i % 2 == 0 else ws // 2) for i in range(depth)])
        self.merge = PatchMerging(dim)

    def forward(self, x):                                   # [B, C, D, H, W] -> [B, 2C, D/2, ...]
        x = x.permute(0, 2, 3, 4, 1)
        for block in self.blocks:
            x = block(x)
        return self.merge(x).permute(0, 4, 1, 2, 3)


class ChannelLayerNorm(nn.LayerNorm):
    """LayerNorm over channels of [B, C, D, H, W] (the ViT's normalised outputs). MONAI's is
    parameter-free; ours has an affine part because opset 17 LayerNormalization requires a scale."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3)


class SwinUNETR(nn.Module):
    """Swin transformer encoder (patch 2, window 2, 3 stages; compact: MONAI's default has 4 stages
    and window 7) with a convolutional U-Net decoder. Input sizes: multiples of 16."""

    stride = 16

    def __init__(self, feature=6, depths=(2, 2, 2), heads=(1, 2, 4), ws=2,
                 in_channels=2, out_channels=2):
        super().__init__()
        f = feature
        self.patch_embed = nn.Conv3d(in_channels, f, 2, stride=2)
        self.out_norms = nn.ModuleList([ChannelLayerNorm(f * 2 ** i) for i in range(len(depths) + 1)])
        self.stages = nn.ModuleList(
            [SwinStage(f * 2 ** i, depths[i], heads[i], ws) for i in range(len(depths))])
        self.enc1 = ResBlock(in_channels, f)
        self.enc2 = ResBlock(f, f)
        self.enc3 = ResBlock(2 * f, 2 * f)
        self.enc4 = ResBlock(4 * f, 4 * f)
        self.enc10 = ResBlock(8 * f, 8 * f)
        self.dec4 = UpBlock(8 * f, 4 * f)
        self.dec3 = UpBlock(4 * f, 2 * f)
        self.dec2 = UpBlock(2 * f, f)   # decoder layer at half resolution (Grad-CAM++)
        self.dec1 = UpBlock(f, f)
        self.out = nn.Conv3d(f, out_channels, 1)

    def forward(self, x):
        h = [self.patch_embed(x)]                       # /2
        for stage in self.stages:
            h.append(stage(h[-1]))                      # /4, /8, /16
        h = [norm(t) for norm, t in zip(self.out_norms, h)]
        d = self.dec4(self.enc10(h[3]), self.enc4(h[2]))
        d = self.dec3(d, self.enc3(h[1]))
        d = self.dec2(d, self.enc2(h[0]))
        d = self.dec1(d, self.enc1(x))
        return self.out(d)


# ---------------------------------------------------------------- op zoo (rarer exporter ops)
class OpZoo(nn.Module):
    """Not a segmentation model: a small net that makes the exporter emit the listed ops that the
    three architectures do not (pools, Resize, Pad, Sigmoid, Gemm, dilated/grouped convs...).
    Input sizes: multiples of 4."""

    stride = 4

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(2, 8, 3, padding=2, dilation=2)
        self.grouped = nn.Conv3d(8, 8, 3, padding=1, groups=4)
        self.bn = nn.BatchNorm3d(8)
        self.fc = nn.Linear(8, 8)
        self.tconv = nn.ConvTranspose3d(8, 4, 3, stride=2, padding=1, output_padding=1, groups=2)
        self.ln = nn.LayerNorm(4)
        self.out = nn.Conv3d(8, 2, 1)

    def forward(self, x):
        a = self.bn(self.grouped(torch.relu(self.conv(x))))
        p = F.max_pool3d(a, 2) + F.avg_pool3d(a, 2)                     # /2
        q = F.pad(p, (1, 0, 0, 1, 1, 1))                                  # uneven pads
        q = q[:, :, 1:-1, :-1, 1:]                                        # back to /2
        g = self.fc(q.mean(dim=(2, 3, 4)))                                # Gemm on [B, C]
        q = q * torch.sigmoid(g)[:, :, None, None, None]                  # channel gate
        up = F.interpolate(q, scale_factor=2, mode='trilinear', align_corners=False)
        near = F.interpolate(F.avg_pool3d(q, 2), scale_factor=4, mode='nearest')
        t = self.tconv(q).permute(0, 2, 3, 4, 1)
        t = F.gelu(self.ln(t)).permute(0, 4, 1, 2, 3)
        y = torch.cat([up[:, :4] * t - near[:, 4:] / (1.5 + near[:, :4] ** 2).sqrt(), up[:, 4:]], 1)
        y = torch.where(y > 0, y, 0.2 * y)
        return self.out(torch.softmax(y, 1) + y)


# ---------------------------------------------------------------- parity-only architectures (issue 18)
# Not shipped and not trained: small nets with random weights whose ONNX exports carry the patterns of models
# researchers bring (MONAI SegResNet, nnU-Net v2), for the runtime's PyTorch parity fixtures.
class GNResBlock(nn.Module):
    """SegResNet's pre-activation block: GroupNorm -> ReLU -> conv, twice, plus the input."""

    def __init__(self, c, groups=4):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups, c), nn.Conv3d(c, c, 3, padding=1)
        self.norm2, self.conv2 = nn.GroupNorm(groups, c), nn.Conv3d(c, c, 3, padding=1)

    def forward(self, x):
        y = self.conv1(F.relu(self.norm1(x)))
        return x + self.conv2(F.relu(self.norm2(y)))


class SegResNetLite(nn.Module):
    """MONAI SegResNet in small: GroupNorm residual blocks, strided-conv encoder, 1x1 conv + trilinear
    upsampling + addition decoder. Input sizes: multiples of 4."""

    stride = 4

    def __init__(self, width=8, in_channels=2, out_channels=2):
        super().__init__()
        w = width
        self.stem = nn.Conv3d(in_channels, w, 3, padding=1)
        self.enc0 = GNResBlock(w)
        self.down1, self.enc1 = nn.Conv3d(w, 2 * w, 3, stride=2, padding=1), GNResBlock(2 * w)
        self.down2, self.enc2 = nn.Conv3d(2 * w, 4 * w, 3, stride=2, padding=1), GNResBlock(4 * w)
        self.up1, self.dec1 = nn.Conv3d(4 * w, 2 * w, 1), GNResBlock(2 * w)
        self.up0, self.dec0 = nn.Conv3d(2 * w, w, 1), GNResBlock(w)
        self.head = nn.Sequential(nn.GroupNorm(4, w), nn.ReLU(), nn.Conv3d(w, out_channels, 1))

    def forward(self, x):
        a = self.enc0(self.stem(x))
        b = self.enc1(self.down1(a))
        c = self.enc2(self.down2(b))
        up = lambda t: F.interpolate(t, scale_factor=2, mode='trilinear', align_corners=False)  # noqa: E731
        d = self.dec1(up(self.up1(c)) + b)
        return self.head(self.dec0(up(self.up0(d)) + a))


def conv_in_lrelu(cin, cout, stride=1):
    """nnU-Net v2's ConvDropoutNormReLU without dropout: conv -> InstanceNorm (affine) -> LeakyReLU(0.01)."""
    return nn.Sequential(nn.Conv3d(cin, cout, 3, stride=stride, padding=1), nn.InstanceNorm3d(cout, affine=True),
                         nn.LeakyReLU(0.01, inplace=True))


class PlainUNetDeepSupervision(nn.Module):
    """nnU-Net v2's PlainConvUNet in small, with deep supervision: two conv-IN-LReLU per stage, strided convs
    down, transposed convs (kernel = stride = 2) up, a 1x1 head at every decoder stage. forward returns the
    half-resolution head FIRST, then the full-resolution one (the ONNX outputs in that order), so the runtime
    must pick the full-resolution output, not the first. Input sizes: multiples of 4."""

    stride = 4
    output_names = ['logits_half', 'logits']   # the order of forward's outputs; 'logits' is full resolution

    def __init__(self, in_channels=2, out_channels=2):
        super().__init__()
        self.stage0 = nn.Sequential(conv_in_lrelu(in_channels, 8), conv_in_lrelu(8, 8))
        self.stage1 = nn.Sequential(conv_in_lrelu(8, 16, 2), conv_in_lrelu(16, 16))
        self.stage2 = nn.Sequential(conv_in_lrelu(16, 32, 2), conv_in_lrelu(32, 32))
        self.up1, self.dec1, self.seg1 = nn.ConvTranspose3d(32, 16, 2, stride=2), nn.Sequential(conv_in_lrelu(32, 16), conv_in_lrelu(16, 16)), nn.Conv3d(16, out_channels, 1)
        self.up0, self.dec0, self.seg0 = nn.ConvTranspose3d(16, 8, 2, stride=2), nn.Sequential(conv_in_lrelu(16, 8), conv_in_lrelu(8, 8)), nn.Conv3d(8, out_channels, 1)

    def forward(self, x):
        s0 = self.stage0(x)
        s1 = self.stage1(s0)
        d1 = self.dec1(torch.cat([self.up1(self.stage2(s1)), s1], 1))
        d0 = self.dec0(torch.cat([self.up0(d1), s0], 1))
        return self.seg1(d1), self.seg0(d0)


class AttentionGate(nn.Module):
    """Attention U-Net's additive gate: psi = sigmoid(1x1(relu(Wg g + Wx x))), then x * psi (one channel of psi
    over all of x's: a broadcast multiply)."""

    def __init__(self, cx, cg, ci):
        super().__init__()
        self.wx, self.wg, self.psi = nn.Conv3d(cx, ci, 1), nn.Conv3d(cg, ci, 1), nn.Conv3d(ci, 1, 1)

    def forward(self, x, g):
        return x * torch.sigmoid(self.psi(F.relu(self.wx(x) + self.wg(g))))


def conv_bn_relu(cin, cout, stride=1):
    return nn.Sequential(nn.Conv3d(cin, cout, 3, stride=stride, padding=1), nn.BatchNorm3d(cout), nn.ReLU())


class AttentionUNet(nn.Module):
    """Attention U-Net in small (Oktay et al.'s gates on the skips): max-pool encoder, transposed-conv decoder,
    each skip gated by the decoder signal before the concatenation. Input sizes: multiples of 4."""

    stride = 4

    def __init__(self, in_channels=2, out_channels=2):
        super().__init__()
        self.enc0, self.enc1, self.enc2 = conv_bn_relu(in_channels, 8), conv_bn_relu(8, 16), conv_bn_relu(16, 32)
        self.up1, self.gate1, self.dec1 = nn.ConvTranspose3d(32, 16, 2, stride=2), AttentionGate(16, 16, 8), conv_bn_relu(32, 16)
        self.up0, self.gate0, self.dec0 = nn.ConvTranspose3d(16, 8, 2, stride=2), AttentionGate(8, 8, 4), conv_bn_relu(16, 8)
        self.out = nn.Conv3d(8, out_channels, 1)

    def forward(self, x):
        e0 = self.enc0(x)
        e1 = self.enc1(F.max_pool3d(e0, 2))
        e2 = self.enc2(F.max_pool3d(e1, 2))
        u1 = self.up1(e2)
        d1 = self.dec1(torch.cat([u1, self.gate1(e1, u1)], 1))
        u0 = self.up0(d1)
        return self.out(self.dec0(torch.cat([u0, self.gate0(e0, u0)], 1)))


class ViTBlock(nn.Module):
    """Pre-norm transformer block: LayerNorm -> multi-head self-attention (written out: Linear, MatMul,
    Softmax) -> LayerNorm -> GELU MLP, each with a residual."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm1, self.qkv, self.proj = nn.LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.norm2, self.mlp = nn.LayerNorm(dim), nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, t):
        b, n, c = t.shape
        q, k, v = self.qkv(self.norm1(t)).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-2, -1) * (c // self.heads) ** -0.5, dim=-1)
        t = t + self.proj((a @ v).transpose(1, 2).reshape(b, n, c))
        return t + self.mlp(self.norm2(t))


class UNETRLite(nn.Module):
    """UNETR in small: a ViT over 4^3 patches (no positional embedding, so any input size works), its tokens
    folded back to a grid and decoded by transposed convolutions with a convolutional skip from the input.
    Input sizes: multiples of 4."""

    stride = 4

    def __init__(self, in_channels=2, out_channels=2, dim=16):
        super().__init__()
        self.embed = nn.Conv3d(in_channels, dim, 4, stride=4)
        self.blocks = nn.Sequential(ViTBlock(dim, 2), ViTBlock(dim, 2))
        self.skip = conv_bn_relu(in_channels, 8)
        self.up1 = nn.ConvTranspose3d(dim, 16, 2, stride=2)
        self.up0 = nn.ConvTranspose3d(16, 8, 2, stride=2)
        self.dec0 = conv_bn_relu(16, 8)
        self.out = nn.Conv3d(8, out_channels, 1)

    def forward(self, x):
        e = self.embed(x)
        b, c, d, h, w = e.shape
        t = self.blocks(e.flatten(2).transpose(1, 2))
        g = t.transpose(1, 2).reshape(b, c, d, h, w)
        return self.out(self.dec0(torch.cat([self.up0(F.relu(self.up1(g))), self.skip(x)], 1)))


# ---------------------------------------------------------------- other channel and class counts (issue 18)
class FlairOnlyUNet(UNet3D):
    """The 3D U-Net with one input channel (FLAIR) and one output logit (sigmoid): a FLAIR-only model."""

    in_channels, out_channels, lesion_channel = 1, 1, 0

    def __init__(self):
        super().__init__(in_channels=1, out_channels=1)


class ThreeClassUNet(UNet3D):
    """The 3D U-Net with three softmax classes (background, lesion, other), the lesion class in the middle."""

    out_channels, lesion_channel = 3, 1

    def __init__(self):
        super().__init__(out_channels=3)


class FlairContrast(nn.Module):
    """Not trained: weights set by hand. logit = gain * (mean of the z-scored FLAIR over 3^3 voxels - level), written
    as two ReLU halves (the Grad-CAM++ layer `halves`) recombined by a 1^3 convolution. On our synthetic demo the
    lesion voxels' 3^3 mean has median 1.61 and the rest of the brain's 99.99th percentile is 1.43, so a level
    of 1.45 finds lesion cores: a transparent baseline (bright FLAIR = lesion) to test a user-added model with."""

    stride = 1
    in_channels, out_channels, lesion_channel = 1, 1, 0

    def __init__(self, level=1.45, gain=10.0):
        super().__init__()
        self.box = nn.Conv3d(1, 2, 3, padding=1)
        self.halves = nn.ReLU()
        self.head = nn.Conv3d(2, 1, 1)
        with torch.no_grad():
            self.box.weight[0].fill_(1 / 27)
            self.box.weight[1].fill_(-1 / 27)
            self.box.bias.copy_(torch.tensor([-level, level]))
            self.head.weight.copy_(torch.tensor([gain, -gain]).reshape(1, 2, 1, 1, 1))
            self.head.bias.zero_()

    def forward(self, x):
        return self.head(self.halves(self.box(x)))


class FlairContrastProbability(FlairContrast):
    """FlairContrast with the sigmoid inside the graph: a model whose output is already the lesion probability."""

    def forward(self, x):
        return torch.sigmoid(super().forward(x))


class CumulativeSum(nn.Module):
    """A model with an op the runtime does not have (ONNX CumSum): the app must refuse it by the op's name."""

    stride = 1

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(2, 2, 1)

    def forward(self, x):
        return torch.cumsum(self.conv(x), dim=2)
