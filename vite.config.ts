import { defineConfig } from 'vite';

// The renderer bundle: React through Oxc's JSX transform (no plugin needed), written to dist/renderer
// with relative URLs so both the Electron app:// protocol and the web mode's server can serve it.
export default defineConfig({
  root: 'renderer',
  base: './',
  publicDir: '../resources/icons',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 1024,
  },
});
