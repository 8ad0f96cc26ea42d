import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptBodies } from './csp';

const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(name + ' '));

describe('Content-Security-Policy', () => {
  it('allows scripts, workers and connections from the own origin only, and no eval (WebAssembly compiles only)', () => {
    const p = contentSecurityPolicy();
    expect(directive(p, 'script-src')).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(directive(p, 'connect-src')).toBe("connect-src 'self'");
    expect(directive(p, 'worker-src')).toBe("worker-src 'self'");
    expect(directive(p, 'style-src')).toBe("style-src 'self'");
    expect(p.replace("'wasm-unsafe-eval'", '')).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:/);
    expect(directive(p, 'frame-ancestors')).toBeUndefined(); // ignored in <meta>: header only
    expect(directive(contentSecurityPolicy({ header: true }), 'frame-ancestors')).toBe("frame-ancestors 'none'");
  });

  it('allows the dev server\'s inline script by its hash (checked with openssl), and inline styles there only', () => {
    const p = contentSecurityPolicy({ dev: true, inlineScripts: ['console.log(1)'] });
    expect(directive(p, 'script-src')).toBe("script-src 'self' 'wasm-unsafe-eval' 'sha256-CihokcEcBW4atb/CW/XWsvWwbTjqwQlE9nj9ii5ww5M='");
    expect(directive(p, 'style-src')).toBe("style-src 'self' 'unsafe-inline'");
  });

  it('finds the bodies of inline scripts, not of scripts loaded from a file', () => {
    const html = '<head><script type="module" src="/src/main.tsx"></script><script type="module">import x from "/a";\nx()</script><script></script></head>';
    expect(inlineScriptBodies(html)).toEqual(['import x from "/a";\nx()']);
  });
});
