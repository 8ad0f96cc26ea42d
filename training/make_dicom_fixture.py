"""Write the small DICOM study the DICOM tests convert (public/test-fixtures/dicom/).

From the shipped 64^3 demo crop (synthetic, public/samples/test64), two series of one study, as a scanner
would store them: an axial FLAIR (series 3) and a T1-weighted spin echo (series 5) on another grid, both
tilted (oblique slices) and anisotropic, uint16, one file per slice, explicit VR little endian. Beside each
series, the NIfTI it was made from (`flair.nii`, `t1.nii`): the reference the converted geometry and values
are checked against (the DICOM geometry is derived here from that NIfTI's affine, independently of dcm2niix).
Also the bad inputs the app must refuse clearly: a single slice, a file cut short, a file with no pixel
data, and one series whose slices have two matrix sizes ("mixed").

    /usr/bin/python3 training/make_dicom_fixture.py --out public/test-fixtures/dicom
"""
import argparse
import datetime
import os

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LPS_FROM_RAS = np.diag([-1.0, -1.0, 1.0])


def rotation(deg_x, deg_y, deg_z):
    rx, ry, rz = np.radians([deg_x, deg_y, deg_z])
    cx, sx, cy, sy, cz, sz = np.cos(rx), np.sin(rx), np.cos(ry), np.sin(ry), np.cos(rz), np.sin(rz)
    mx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    my = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    mz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return mz @ my @ mx


def lps_stored_affine(shape, spacing_mm, tilt_deg, centre_ras):
    """An affine as a scanner stores an axial series: columns run right->left, rows anterior->posterior."""
    axes = rotation(*tilt_deg) @ np.diag([-1.0, -1.0, 1.0]) @ np.diag(spacing_mm)
    a = np.eye(4)
    a[:3, :3] = axes
    a[:3, 3] = np.asarray(centre_ras) - axes @ ((np.asarray(shape) - 1) / 2)
    return a


def series_datasets(vol, affine_ras, study, series_number, description, tr_ms, te_ms, ti_ms):
    """One DICOM dataset per slice k of vol (i = column, j = row), geometry from the RAS affine."""
    lps = LPS_FROM_RAS @ affine_ras[:3, :]
    col_step, row_step, slice_step, origin = lps[:, 0], lps[:, 1], lps[:, 2], lps[:, 3]
    dx, dy, dz = (np.linalg.norm(v) for v in (col_step, row_step, slice_step))
    series_uid = generate_uid()
    frame_uid = generate_uid()
    out = []
    for k in range(vol.shape[2]):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MRImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
        ds.SOPClassUID = MRImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.Modality = 'MR'
        ds.Manufacturer = 'LesionLens test fixture'
        ds.PatientName = 'Synthetic^Demo'
        ds.PatientID = 'SYNTH-0001'
        ds.StudyInstanceUID = study['uid']
        ds.StudyDate = study['date']
        ds.StudyTime = '120000'
        ds.SeriesDate = study['date']
        ds.SeriesTime = '12%02d00' % series_number
        ds.AcquisitionTime = '12%02d00' % series_number
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = frame_uid
        ds.SeriesNumber = series_number
        ds.AcquisitionNumber = 1
        ds.InstanceNumber = k + 1
        ds.SeriesDescription = description
        ds.ProtocolName = description
        ds.ScanningSequence = 'SE\\IR' if ti_ms else 'SE'
        ds.SequenceVariant = 'SK'
        ds.MRAcquisitionType = '2D'
        ds.RepetitionTime = tr_ms
        ds.EchoTime = te_ms
        if ti_ms:
            ds.InversionTime = ti_ms
        ds.MagneticFieldStrength = 3
        ds.ImageOrientationPatient = [float('%.8f' % v) for v in (*(col_step / dx), *(row_step / dy))]
        ds.ImagePositionPatient = [float('%.6f' % v) for v in (origin + k * slice_step)]
        ds.PixelSpacing = [float('%.6f' % dy), float('%.6f' % dx)]  # row spacing, then column spacing
        ds.SliceThickness = float('%.6f' % dz)
        ds.SpacingBetweenSlices = float('%.6f' % dz)
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = 'MONOCHROME2'
        ds.Rows, ds.Columns = vol.shape[1], vol.shape[0]
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
        ds.PixelData = np.ascontiguousarray(vol[:, :, k].T.astype('<u2')).tobytes()  # rows of constant j
        out.append(ds)
    return out


def write_series(datasets, folder, prefix):
    os.makedirs(folder, exist_ok=True)
    paths = []
    for k, ds in enumerate(datasets):
        path = os.path.join(folder, '%s%03d.dcm' % (prefix, k + 1))
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(path, write_like_original=False)
        paths.append(path)
    return paths


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--out', default=os.path.join(ROOT, 'public/test-fixtures/dicom'))
    args = p.parse_args()
    rng = np.random.default_rng(5)
    flair_src = nib.load(os.path.join(ROOT, 'public/samples/test64/flair.nii.gz')).get_fdata()
    t1_src = nib.load(os.path.join(ROOT, 'public/samples/test64/mprage.nii.gz')).get_fdata()
    # small crops through the lesions, scaled to a scanner's uint16 range, with noise so no two voxels tie
    flair = np.clip(flair_src[14:46, 18:46, 24:36] * 3 + rng.normal(0, 2, (32, 28, 12)) + 40, 0, 65535).round()
    t1 = np.clip(t1_src[16:44, 20:44, 22:36:2] * 2 + rng.normal(0, 2, (28, 24, 7)) + 40, 0, 65535).round()
    flair_affine = lps_stored_affine(flair.shape, (0.72, 0.72, 3.0), (8, -5, 11), (2.0, 14.0, 6.0))
    t1_affine = lps_stored_affine(t1.shape, (0.9, 0.9, 4.0), (8, -5, 11), (2.0, 14.0, 6.0))

    study = {'uid': generate_uid(), 'date': datetime.date(2026, 12, 2).strftime('%Y%m%d')}
    good = os.path.join(args.out, 'study')
    flair_ds = series_datasets(flair, flair_affine, study, 3, 'AX FLAIR', 9000, 81, 2500)
    t1_ds = series_datasets(t1, t1_affine, study, 5, 'AX T1 SE', 550, 9, None)
    write_series(flair_ds, good, 'flair_')
    write_series(t1_ds, good, 't1_')
    for vol, aff, name in ((flair, flair_affine, 'flair'), (t1, t1_affine, 't1')):
        img = nib.Nifti1Image(vol.astype(np.uint16), aff)
        img.set_qform(aff, code=1)
        img.set_sform(aff, code=1)
        nib.save(img, os.path.join(args.out, '%s.nii' % name))

    bad = os.path.join(args.out, 'bad')
    write_series(series_datasets(flair[:, :, :1], flair_affine, study, 7, 'AX FLAIR single', 9000, 81, 2500),
                 os.path.join(bad, 'single-slice'), 'slice_')
    cut = write_series(series_datasets(flair[:, :, :3], flair_affine, study, 8, 'AX FLAIR cut', 9000, 81, 2500),
                       os.path.join(bad, 'truncated'), 'slice_')
    for path in cut:
        data = open(path, 'rb').read()
        open(path, 'wb').write(data[: len(data) - 900])  # the pixel data stops short of its stated length
    nopix = series_datasets(flair[:, :, :3], flair_affine, study, 9, 'AX FLAIR no pixels', 9000, 81, 2500)
    for ds in nopix:
        del ds.PixelData
    write_series(nopix, os.path.join(bad, 'no-pixel-data'), 'slice_')
    # one series (same UID and number) whose slices come in two matrix sizes
    mixed = series_datasets(flair[:, :, :3], flair_affine, study, 10, 'AX FLAIR mixed', 9000, 81, 2500)
    shifted = flair_affine.copy()
    shifted[:3, 3] += 3 * flair_affine[:3, 2]  # slices 3-5, in place after the first three
    other = series_datasets(flair[:24, :20, 3:6], shifted, study, 10, 'AX FLAIR mixed', 9000, 81, 2500)
    for ds in other:
        ds.SeriesInstanceUID = mixed[0].SeriesInstanceUID
        ds.InstanceNumber += 3
    write_series(mixed + other, os.path.join(bad, 'mixed'), 'slice_')
    print('wrote', args.out)


if __name__ == '__main__':
    main()
