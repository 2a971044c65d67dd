import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  worker: { format: 'es' },
  build: {
    target: 'es2023',
    sourcemap: true,
    // Worklet modules stay files: the studio's CSP allows scripts from 'self' only (no data:/blob:).
    assetsInlineLimit: (file) => (file.endsWith('.worklet.js') ? false : undefined),
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
});
