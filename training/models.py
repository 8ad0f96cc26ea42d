"""The widths of the shipped models (reduced from the paper's so they train on 2 CPU cores).

paper                                   shipped
3D U-Net 32-64-128-256-512 (5 levels)   16-32-64-128 (4 levels)
DynUNet 16-32-64, strides 1-2-2         8-16-32 (half width: a quarter of the work,
                                        so the app's CPU fallback stays usable)
Swin UNETR feature 48, 4 stages, ws 7   feature 12, 3 stages, window 2
"""
from architectures import DynUNet, SwinUNETR, UNet3D

SHIPPED = {
    'unet': lambda: UNet3D(channels=(16, 32, 64, 128)),
    'dynunet': lambda: DynUNet(filters=(8, 16, 32)),
    'swin_unetr': lambda: SwinUNETR(feature=12),
}


def build_model(arch):
    return SHIPPED[arch]()
