import { useEffect, useMemo, useRef, useState } from 'react';
import { DRAG_MODE, Niivue, NVImage, SLICE_TYPE, SHOW_RENDER } from '@niivue/niivue';
import { applyAffine, invert4, voxelIndex, type Grid } from '../core/volume';
import { useApp, type Background, type Layout } from './store';
import { lesionNear, outerRing, outlineOf } from '../core/lesions';
import { methodById } from '../core/xai';
import { CROSSHAIR_RGB, OVERLAY_RGB, SALIENCY_LEVELS, boxedLabels, boxedOverlayImage, highlightedId, lesionLut, overlayImage, replaceOverlays, rgbaLayerImage, saliencyLegend, saliencyLevels, saliencyLut, type ColourMap } from './overlays';
import { lesionOf, select } from './segmentationActions';
import { currentExplanation } from './explainActions';
import { noteOverlayRepaint, readingWindow, registerViewer } from './viewerHandle';
import { cropChannel, type Xyz } from '../core/xai';
import { readNifti, writeNifti } from '../core/volume';
import { currentBrain } from './brainActions';
import { LayerCache } from './layerCache';
import { composeLabels, composeLuts, labelColours, type LabelPart } from './labelComposite';
import { isSoftwareRendererName, webglRendererName } from '../core/model/adapters';

const SLICE_OF: Record<Layout, SLICE_TYPE> = {
  multiplanar: SLICE_TYPE.MULTIPLANAR,
  axial: SLICE_TYPE.AXIAL,
  coronal: SLICE_TYPE.CORONAL,
  sagittal: SLICE_TYPE.SAGITTAL,
  render: SLICE_TYPE.RENDER,
};

interface Loaded {
  flair: NVImage;
  mprage: NVImage;
  mask?: NVImage;
}

interface Overlays {
  images: NVImage[];
  /** the opacities they were drawn at */
  look: string;
}

// A selection made by clicking in the viewer does not move the crosshair; one made in the table does.
let selectionFromViewer = false;

/** Shows the current case; reads the store, writes only the crosshair readout and window back. */
export function Viewer() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const nvRef = useRef<Niivue | null>(null);
  const loadedRef = useRef<Loaded | null>(null);
  const scan = useApp((s) => s.scan);
  const background = useApp((s) => s.background);
  const layout = useApp((s) => s.layout);
  const showMask = useApp((s) => s.showMask);
  const radiological = useApp((s) => s.radiological);
  const windowLevel = useApp((s) => s.window[s.background]);
  const analysis = useApp((s) => s.analysis);
  const selection = useApp((s) => s.selection);
  const overlay = useApp((s) => s.overlay);
  const probability = useApp((s) => s.segmentation?.probability);
  const brainMask = useApp((s) => currentBrain(s));
  const brainTool = useApp((s) => s.brainTool);
  const explanation = useApp((s) => currentExplanation(s));
  const partial = useApp((s) => s.partialSaliency);
  const saliencyChannel = useApp((s) => s.saliencyChannel);
  const saliencyThreshold = useApp((s) => s.saliencyThreshold);
  const overlaysRef = useRef<Overlays>({ images: [], look: '' });
  // the lesions' box: every lesion layer is drawn on it, not on the whole scan
  const lesionBox = useMemo(() => (analysis && scan ? boxedLabels(scan.flair, analysis.labels.labels) : null), [analysis, scan]);
  const layersRef = useRef(new LayerCache<NVImage | null>());
  const partsRef = useRef(new LayerCache<LabelPart | null>());
  const clickPendingRef = useRef(false);

  useEffect(() => {
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      crosshairColor: [...CROSSHAIR_RGB.map((c) => c / 255), 1],
      show3Dcrosshair: true,
      multiplanarShowRender: SHOW_RENDER.ALWAYS,
      isColorbar: false,
      logLevel: 'error',
      // a thin crosshair with a gap at its centre: the clicked lesion is not hidden under it. NiiVue draws it as
      // thin cylinders (show3Dcrosshair); in 'voxels' a 64^3 crop filling the view got a 10 px bar. In 'percent'
      // of the field of view it stays a line at any zoom; the gap is in multiples of its radius.
      crosshairWidth: 0.3,
      crosshairWidthUnit: 'percent',
      crosshairGap: 40,
      isOrientationTextVisible: true,
      loadingText: '',
      // viewer habits: left click/drag moves the crosshair, right-drag changes window/level continuously,
      // middle-drag (or shift + left-drag) pans; the wheel moves through slices
      mouseEventConfig: { leftButton: { primary: DRAG_MODE.crosshair, withShift: DRAG_MODE.pan }, rightButton: DRAG_MODE.windowing, centerButton: DRAG_MODE.pan },
    });
    nv.attachToCanvas(canvasRef.current!);
    // Without a GPU (software WebGL) the 3D tile of the multiplanar view was most of the cost of every repaint:
    // seconds per click on the whole brain (e2e/reading-room-profile.spec.ts). It is left out there; View 3D shows it.
    const renderer = webglRendererName(nv.gl);
    if (isSoftwareRendererName(renderer)) {
      nv.opts.multiplanarShowRender = SHOW_RENDER.NEVER;
      useApp.setState({ softwareViewer: renderer });
    }
    // right-drag window/level in the viewer: keep the toolbar's numbers in step
    nv.onIntensityChange = (img) => {
      const s = useApp.getState();
      if (img === loadedRef.current?.[s.background]) s.setWindow(s.background, { min: img.cal_min ?? 0, max: img.cal_max ?? 1 });
    };
    nvRef.current = nv;
    registerViewer(nv);
    return () => {
      nvRef.current = null;
      registerViewer(null);
      loadedRef.current = null;
    };
  }, []);

  // A new case: hand all volumes to NiiVue once; later switches only reorder or fade them.
  useEffect(() => {
    const nv = nvRef.current;
    const canvas = canvasRef.current;
    if (!nv || !scan) return;
    let cancelled = false;
    (async () => {
      const [flair, mprage, mask] = await Promise.all([
        overlayImage(scan.flair, scan.flair.data, 'flair.nii', 'gray', 1),
        overlayImage(scan.mprage, scan.mprage.data, 'mprage.nii', 'gray', 0),
        scan.mask ? boxedOverlayImage(scan.mask, Uint8Array.from(scan.mask.data, (x) => (x > 0 ? 1 : 0)), 'ground-truth.nii', 'red', 0.5, 'uint8').then((img) => img ?? undefined) : undefined,
      ]);
      if (cancelled) return;
      while (nv.volumes.length) nv.removeVolumeByIndex(0);
      overlaysRef.current = { images: [], look: '' }; // the previous case's overlays went with it
      layersRef.current.clear();
      partsRef.current.clear();
      nv.addVolume(flair);
      loadedRef.current = { flair, mprage, mask };
      const inv = invert4(scan.flair.voxToMm);
      nv.onLocationChange = (loc) => {
        const mm = (loc as { mm: number[] }).mm;
        const mmXyz: [number, number, number] = [mm[0], mm[1], mm[2]];
        const v = applyAffine(inv, mmXyz).map(Math.round) as [number, number, number];
        const inside = v.every((c, a) => c >= 0 && c < scan.flair.dims[a]);
        if (!inside) return;
        const idx = voxelIndex(scan.flair, ...v);
        if (clickPendingRef.current) {
          clickPendingRef.current = false;
          selectAt(v);
        }
        useApp.getState().setCrosshair({
          vox: v,
          mm: mmXyz,
          flair: scan.flair.data[idx],
          mprage: scan.mprage.data[idx],
          mask: scan.mask?.data[idx],
        });
      };
      applyView(nv, loadedRef.current, useApp.getState().background, useApp.getState().showMask && !currentExplanation(useApp.getState()), overlaysRef.current.images);
      nv.createOnLocationChange(); // report the starting crosshair (volume centre)
      const s = useApp.getState();
      if (!s.window.flair) s.setWindow('flair', readingWindow(scan.flair.data, 'flair'));
      if (!s.window.mprage) s.setWindow('mprage', readingWindow(scan.mprage.data, 'mprage'));
      canvas?.setAttribute('data-loaded', 'true');
    })();
    return () => {
      cancelled = true;
      canvas?.removeAttribute('data-loaded');
    };
  }, [scan]);

  // while a saliency map is shown the ground truth is an outline (overlays below), not a fill over the map
  const maskFilled = showMask && !explanation && !partial;
  // A full redraw (the background uploaded again and its 3D gradient recomputed, inside NiiVue) holds the page for
  // 2-3 s on software WebGL: a notice is painted first (two frames), then the page blocks.
  const [drawn, setDrawn] = useState({ background, maskFilled });
  const softwareViewer = useApp((s) => s.softwareViewer);
  const redrawing = softwareViewer && (drawn.background !== background || drawn.maskFilled !== maskFilled)
    ? `Drawing ${background === 'flair' ? 'FLAIR' : 'MPRAGE'}${maskFilled ? ' and the ground truth' : ''}...`
    : null;
  useEffect(() => {
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        const nv = nvRef.current;
        if (nv && loadedRef.current) applyView(nv, loadedRef.current, background, maskFilled, overlaysRef.current.images);
        setDrawn({ background, maskFilled });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [background, maskFilled]);

  useEffect(() => {
    nvRef.current?.setRadiologicalConvention(radiological);
  }, [radiological]);

  useEffect(() => {
    nvRef.current?.setSliceType(SLICE_OF[layout]);
  }, [layout]);

  useEffect(() => {
    const nv = nvRef.current;
    const img = loadedRef.current?.[background];
    if (!nv || !img || !windowLevel) return;
    applyWindow(nv, img, windowLevel.min, windowLevel.max);
  }, [windowLevel, background]);

  // Lesion overlays: instance labels, outlines, the missed ground-truth lesions and the probability map. Each
  // layer is kept while what it is made of stays the same (layerCache.ts): a click changes colours, not voxels.
  useEffect(() => {
    const nv = nvRef.current;
    const grid = useApp.getState().scan?.flair;
    if (!nv || !grid || !loadedRef.current) return;
    const cache = layersRef.current;
    let cancelled = false;
    (async () => {
      const started = performance.now();
      const images: NVImage[] = [];
      // saliency under the lesion outlines: the finished map, or SmoothGrad's running mean while it sharpens
      const saliency = explanation
        ? { maps: explanation.data.maps, channel: Math.min(saliencyChannel, explanation.data.maps.length - 1), gradCam: !methodById(explanation.data.settings.method).signed, name: explanation.data.channels[0], crop: explanation.data }
        : partial
          ? { maps: partial.maps, channel: 0, gradCam: false, name: 'FLAIR', crop: partial }
          : null;
      // every layer but the probability map as one colour layer (labelComposite.ts), bottom to top: the saliency
      // map, the brain's outline, lesion fills, lesion outlines, missed lesions, the ground truth's outline; a
      // selection recolours the kept parts, it recomputes none
      const parts: { part: LabelPart | null; lut: ColourMap }[] = [];
      const partCache = partsRef.current;
      if (saliency) {
        const legend = saliencyLegend(saliency.maps, saliency.gradCam, saliencyThreshold, saliency.name);
        const { crop } = saliency.crop;
        // the map's own crop (cut where it runs past the scan's edge), not pasted into a full-grid volume
        const box = { origin: crop.origin, dims: crop.dims.map((d, a) => Math.min(d, grid.dims[a] - crop.origin[a])) as Xyz };
        const map = await partCache.get('saliency', [saliency.crop, saliency.channel, legend.signed, legend.thresholdAbs, legend.maxAbs], async () => ({
          box,
          labels: saliencyLevels(cropChannel(saliency.maps[saliency.channel], crop.dims, { origin: [0, 0, 0], dims: box.dims }), legend),
          count: (legend.signed ? 2 : 1) * SALIENCY_LEVELS,
        }));
        parts.push({ part: map, lut: saliencyLut(legend) });
      }
      if (brainMask && overlay.brain && brainTool === 'off') {
        // the extracted brain's outline in green, under the lesions' colours
        parts.push({ part: await partCache.get('brain', [brainMask], async () => outlinePart(grid, brainMask)), lut: lesionLut(1, null, 200, OVERLAY_RGB.brain) });
      }
      const sel = highlightedId(selection, 'predicted');
      if (analysis && lesionBox) {
        const count = analysis.labels.count;
        if (overlay.labels && !saliency) {
          const fill = await partCache.get('fill', [lesionBox], async () => ({ box: lesionBox.box, labels: lesionBox.labels, count }));
          parts.push({ part: fill, lut: lesionLut(count, sel, Math.round(255 * overlay.opacity)) });
        }
        if (overlay.outlines) {
          // the explained lesion's outline goes just outside it: its own border would cover its map
          const ringAround = saliency ? sel : null;
          const outlines = await partCache.get('outlines', [lesionBox, ringAround], async () => {
            const boxGrid = { dims: lesionBox.box.dims };
            const outline = outlineOf(boxGrid, lesionBox.labels);
            if (ringAround) {
              const ring = outerRing(boxGrid, lesionBox.labels, ringAround);
              for (let v = 0; v < outline.length; v++) {
                if (outline[v] === ringAround) outline[v] = 0;
                if (ring[v] && !lesionBox.labels[v]) outline[v] = ringAround;
              }
            }
            return { box: lesionBox.box, labels: outline, count };
          });
          parts.push({ part: outlines, lut: lesionLut(count, sel, 255) });
        }
      }
      const gt = analysis?.groundTruth;
      if (gt && gt.missed.length) {
        const missed = await partCache.get('missed', [gt], async () => {
          const missedIds = new Set(gt.missed.map((m) => m.lesionId));
          const boxed = boxedLabels(grid, Int32Array.from(gt.gtLabels.labels, (id) => (missedIds.has(id) ? id : 0)));
          return boxed ? { box: boxed.box, labels: outlineOf({ dims: boxed.box.dims }, boxed.labels), count: gt.gtLabels.count } : null;
        });
        // missed lesions: cyan outlines, the selected one yellow
        parts.push({ part: missed, lut: lesionLut(gt.gtLabels.count, highlightedId(selection, 'missed'), 255, OVERLAY_RGB.missed) });
      }
      const mask = useApp.getState().scan?.mask;
      if (saliency && showMask && mask) {
        // ground truth over a map: a red outline, so it cannot be taken for positive saliency
        parts.push({ part: await partCache.get('ground-truth-outline', [mask], async () => outlinePart(grid, mask.data)), lut: lesionLut(1, null, 255, OVERLAY_RGB.groundTruth) });
      }
      const labelParts = parts.filter((p): p is { part: LabelPart; lut: ColourMap } => p.part !== null);
      if (labelParts.length) {
        const composite = await partCache.get('composite', labelParts.map((p) => p.part), async () => composeLabels(labelParts.map((p) => p.part), 1));
        const lut = composeLuts(labelParts.map((p) => p.lut));
        // a new colour (a selection) recolours the kept voxel ids: no outline or map is recomputed
        const img = composite && (await cache.get('overlay', [composite, JSON.stringify(lut)], () => rgbaLayerImage(grid, composite.box, labelColours(composite.labels, lut), 'overlay.nii')));
        if (img) images.push(img);
      }
      if (probability && overlay.probability) {
        const img = await cache.get('probability', [probability], async () => {
          const img = await boxedOverlayImage(grid, probability, 'probability.nii', 'warm', 1);
          if (!img) return null;
          img.cal_min = 0.05;
          img.cal_max = 1;
          img.colorbarVisible = true;
          return img;
        });
        if (img) {
          img.opacity = overlay.opacity;
          images.push(img);
        }
      }
      if (cancelled) return;
      // nothing to redraw when the same layers come back at the same opacity (e.g. unticking fills hidden under a
      // map): the colour layer is a new image whenever its colours change, and opacity is all that is set on a kept one
      const look = images.map((i) => i.opacity).join();
      const kept = overlaysRef.current;
      if (look === kept.look && images.length === kept.images.length && images.every((img, i) => img === kept.images[i])) return;
      nv.opts.isColorbar = images.some((i) => i.colorbarVisible);
      replaceOverlays(nv, kept.images, images);
      overlaysRef.current = { images, look };
      // the drawing itself runs in the GPU process (SwiftShader without a GPU) and would block the page later, at
      // the next frame; waiting here makes the measured cost true, so a running map repaints no more often than it allows
      nv.gl.finish();
      noteOverlayRepaint(performance.now() - started);
    })();
    return () => {
      cancelled = true;
    };
  }, [analysis, lesionBox, selection, overlay, probability, brainMask, brainTool, explanation, partial, saliencyChannel, saliencyThreshold, showMask]);

  // Painting or erasing the brain: the mask goes into NiiVue's drawing layer (filled, red) and comes back,
  // in the scan's voxel order, as the user's correction when the tool is switched off. The drawing belongs to
  // the scan it was made on: opening another case (which switches the tool off) drops it.
  const drawingOfScanRef = useRef<number | null>(null);
  useEffect(() => {
    const nv = nvRef.current;
    const s = useApp.getState();
    if (!nv || !s.scan) return;
    const grid = s.scan.flair;
    let cancelled = false;
    (async () => {
      if (brainTool !== 'off') {
        if (drawingOfScanRef.current === null) {
          const brain = currentBrain(s);
          if (!brain) return;
          const bytes = writeNifti({ ...grid, data: Float32Array.from(brain) }, { gzip: false, datatype: 'uint8' });
          const img = await NVImage.loadFromUrl({ url: 'brain-drawing.nii', name: 'brain-drawing.nii', buffer: bytes.buffer as ArrayBuffer });
          if (cancelled) return;
          nv.loadDrawing(img);
          nv.setDrawOpacity(0.35);
          drawingOfScanRef.current = s.scanId;
        }
        nv.opts.penSize = 3;
        nv.setPenValue(brainTool === 'paint' ? 1 : 0, false);
        nv.setDrawingEnabled(true);
      } else if (drawingOfScanRef.current !== null) {
        const drawnOn = drawingOfScanRef.current;
        drawingOfScanRef.current = null;
        nv.setDrawingEnabled(false);
        if (drawnOn !== s.scanId) {
          nv.closeDrawing();
          return;
        }
        const bytes = (await nv.saveImage({ filename: '', isSaveDrawing: true, volumeByIndex: 0 })) as Uint8Array;
        nv.closeDrawing();
        const drawn = readNifti(bytes, 'drawing').volume.data;
        const mask = Uint8Array.from(drawn, (v) => (v > 0 ? 1 : 0));
        const before = currentBrain(useApp.getState());
        if (!before || mask.some((v, i) => v !== before[i])) useApp.setState({ brainEdit: mask });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [brainTool]);

  // Table or keyboard selection: move the crosshair to the lesion's centre.
  useEffect(() => {
    const nv = nvRef.current;
    const a = useApp.getState().analysis;
    if (!nv || !a || !selection) return;
    if (selectionFromViewer) {
      selectionFromViewer = false;
      return;
    }
    const m = lesionOf(a, selection);
    if (!m) return;
    nv.scene.crosshairPos = nv.mm2frac(m.centroidMm);
    nv.createOnLocationChange();
    nv.drawScene();
  }, [selection]);

  // Zoom to the lesion: the 2D views magnified about the selected lesion's centre, as NiiVue zooms about the
  // crosshair (pan = (1 - zoom) x the fixed point, in mm); off, or nothing selected: the whole slice again.
  const zoomToLesion = useApp((s) => s.zoomToLesion);
  useEffect(() => {
    const nv = nvRef.current;
    const { analysis: a, scan: sc } = useApp.getState();
    if (!nv) return;
    const m = lesionOf(a, selection);
    if (zoomToLesion && m && sc) {
      // about a fifth of the view for the lesion's longest box side, between 1.5x and 6x
      const { dims, spacingMm } = sc.flair;
      const extentMm = Math.max(...[0, 1, 2].map((k) => (m.bboxMax[k] - m.bboxMin[k] + 1) * spacingMm[k]));
      const fovMm = Math.max(...[0, 1, 2].map((k) => dims[k] * spacingMm[k]));
      const zoom = Math.min(6, Math.max(1.5, fovMm / (5 * extentMm)));
      nv.setPan2Dxyzmm([(1 - zoom) * m.centroidMm[0], (1 - zoom) * m.centroidMm[1], (1 - zoom) * m.centroidMm[2], zoom]);
    } else nv.setPan2Dxyzmm([0, 0, 0, 1]);
    nv.drawScene();
  }, [selection, zoomToLesion]);

  return (
    <div className="viewer">
      {redrawing && (
        <p className="viewer-busy" role="status" data-testid="viewer-busy">
          {redrawing}
        </p>
      )}
      <canvas
        ref={canvasRef}
        data-testid="viewer-canvas"
        aria-label="MRI viewer"
        onPointerDown={(e) => {
          if (e.button === 0 && useApp.getState().brainTool === 'off') clickPendingRef.current = true;
        }}
      />
    </div>
  );
}

/** The outline of a binary mask (any value > 0), id 1, on the mask's box. */
function outlinePart(grid: Grid, mask: Float32Array | Uint8Array): LabelPart | null {
  // binarised on the box only: a pass with a callback over the whole grid (7 million voxels) and its garbage was half a second
  const boxed = boxedLabels(grid, mask);
  if (!boxed) return null;
  const binary = Int32Array.from(cropChannel(mask, grid.dims, boxed.box), (v) => (v > 0 ? 1 : 0));
  return { box: boxed.box, labels: outlineOf({ dims: boxed.box.dims }, binary), count: 1 };
}

/** A click selects the lesion at or within 2 voxels of the clicked voxel; predicted lesions first. */
function selectAt(vox: [number, number, number]) {
  const s = useApp.getState();
  const a = s.analysis;
  if (!a || !s.scan) return;
  const id = lesionNear(s.scan.flair, a.labels.labels, vox, 2);
  let next: { kind: 'predicted' | 'missed'; id: number } | null = id ? { kind: 'predicted', id } : null;
  if (!next && a.groundTruth?.missed.length) {
    const gtId = lesionNear(s.scan.flair, a.groundTruth.gtLabels.labels, vox, 2);
    if (gtId && a.groundTruth.missed.some((m) => m.lesionId === gtId)) next = { kind: 'missed', id: gtId };
  }
  if (next) {
    selectionFromViewer = true;
    select(next);
  }
}

/**
 * The background and, when filled, the ground truth under the overlays. Only what is shown is handed to NiiVue:
 * it uploads and reslices every listed volume on each refresh, and a hidden second background (opacity 0) cost
 * a whole-brain upload on every click.
 */
function applyView(nv: Niivue, loaded: Loaded, background: Background, showMask: boolean, overlays: readonly NVImage[]) {
  const bg = loaded[background];
  bg.opacity = 1;
  if (loaded.mask) loaded.mask.opacity = 0.5;
  nv.volumes = [bg, ...(showMask && loaded.mask ? [loaded.mask] : []), ...overlays];
  nv.back = bg;
  nv.overlays = nv.volumes.slice(1);
  nv.updateGLVolume();
}

function applyWindow(nv: Niivue, img: NVImage, min: number, max: number) {
  if (img.cal_min === min && img.cal_max === max) return;
  img.cal_min = min;
  img.cal_max = max;
  nv.updateGLVolume();
}
