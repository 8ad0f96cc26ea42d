/** A renderer or adapter name that means software (no GPU): correct, but slow. One rule for compute and display. */
export function isSoftwareRendererName(name: string): boolean {
  return /swiftshader|llvmpipe|software/i.test(name);
}
