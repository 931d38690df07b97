// Builds the web console (web/src) into web/dist, which the service serves at `/`.
// Everything is bundled: the service's CSP allows scripts, styles and fonts from 'self' only.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> for the module-preload polyfill: the CSP would block it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
