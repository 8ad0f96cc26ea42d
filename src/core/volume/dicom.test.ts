import { describe, expect, it } from 'vitest';
import { guessSeriesRole, looksLikeDicom } from './dicom';

describe('guessSeriesRole', () => {
  it('reads the common series names of the main vendors', () => {
    expect(guessSeriesRole({ SeriesDescription: 't2_tirm_tra_dark-fluid' })).toBe('flair'); // Siemens 2D FLAIR
    expect(guessSeriesRole({ SeriesDescription: 'Sag CUBE FLAIR' })).toBe('flair');
    expect(guessSeriesRole({ ProtocolName: 't1_mprage_sag_p2_iso' })).toBe('mprage');
    expect(guessSeriesRole({ SeriesDescription: 'Ax BRAVO' })).toBe('mprage');
    expect(guessSeriesRole({ SeriesDescription: 'AX T2 FSE' })).toBeUndefined();
    expect(guessSeriesRole({ SeriesDescription: 'DWI b1000' })).toBeUndefined();
  });

  it('falls back on the timing (seconds) when the name says nothing', () => {
    expect(guessSeriesRole({ SeriesDescription: 'AX 3', RepetitionTime: 9, EchoTime: 0.081, InversionTime: 2.5 })).toBe('flair');
    expect(guessSeriesRole({ SeriesDescription: 'SAG 1', RepetitionTime: 2.3, EchoTime: 0.0029, InversionTime: 0.9 })).toBe('mprage');
    expect(guessSeriesRole({ SeriesDescription: 'AX 5', RepetitionTime: 0.55, EchoTime: 0.009 })).toBe('mprage'); // T1 spin echo
    expect(guessSeriesRole({ SeriesDescription: 'AX 7', RepetitionTime: 4, EchoTime: 0.1 })).toBeUndefined(); // T2
    expect(guessSeriesRole({ SeriesDescription: 'AX 8', RepetitionTime: 6, EchoTime: 0.01, InversionTime: 0.15 })).toBeUndefined(); // STIR: TR long
  });
});

describe('looksLikeDicom', () => {
  it('knows the DICM mark after the preamble, and DICOM names', () => {
    const head = new Uint8Array(132);
    head.set([0x44, 0x49, 0x43, 0x4d], 128);
    expect(looksLikeDicom('IM0001', head)).toBe(true);
    expect(looksLikeDicom('IM0001', new Uint8Array(132))).toBe(false);
    expect(looksLikeDicom('slice.dcm', new Uint8Array(10))).toBe(true);
  });
});
