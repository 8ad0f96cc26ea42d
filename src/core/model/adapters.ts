/** A renderer or adapter name that means software (no GPU): correct, but slow. One rule for compute and display. */
export function isSoftwareRendererName(name: string): boolean {
  return /swiftshader|llvmpipe|software/i.test(name);
}

/** The renderer behind a WebGL context (the unmasked name where the browser gives it). */
export function webglRendererName(gl: WebGL2RenderingContext): string {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}
