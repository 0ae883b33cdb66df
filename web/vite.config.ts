import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console: a static single-page application built into web/dist, served at `/` by the local
 * gateway and, in AWS, from a private bucket behind CloudFront. It imports the API's own zod
 * schemas from shared/ (the fiche, the events), so that forms and API cannot disagree.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The budget is 150 KB of JavaScript gzipped for the first load: the build says so when it is passed.
    chunkSizeWarningLimit: 450,
  },
  server: { fs: { allow: ['..'] } },
});
