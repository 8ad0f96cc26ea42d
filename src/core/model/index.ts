// Public API of the model runtime. See README.md for the tensor layout.
export type { SegmentationModel, LayerInfo, ActivationsAndHead, LinearizedLesion } from './segmentationModel.ts';
export { validateManifest, ManifestError, channelRoles, scanRoleOf, type ModelManifest, type ModelFormat, type OutputKind, type Normalisation, type ImageRole } from './manifest.ts';
export { lesionProbability } from './output.ts';
export { loadSegmentationModel, loadManifest, httpModelFolder, ModelLoadError, type ReadModelFile } from './loadModel.ts';
export { OnnxSegmentationModel } from './onnx/onnxModel.ts';
export { LayersSegmentationModel, GraphSegmentationModel } from './tfjsModel.ts';
export { opCost, graphCost, explanationCost, type OpShape, type Cost, type ExplanationCost } from './cost.ts';
export { setFastCpuKernels } from './cpuKernels.ts';
export { initBackend, activeBackend, DEFAULT_BACKENDS, type BackendInfo, type BackendName, type BackendPreference, type BackendChoice } from './backend.ts';
export { volumesToInput, tensorToVolume, type DimsXyz } from './volumeTensor.ts';
export { memoryModelFolder, modelFileFacts, draftManifest, type ModelFiles, type ModelFileFacts } from './modelFiles.ts';
export { checkModelFiles, defaultCamLayer, dryRunSize, type ModelCheck } from './modelCheck.ts';
