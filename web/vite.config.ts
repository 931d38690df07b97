// Builds the web console (web/src) into web/dist, which the service serves at `/`.
// Everything is bundled: the service's CSP allows scripts, styles and fonts from 'self' only.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run build:web` and the tests build with NODE_ENV=production: with another NODE_ENV (the test
// runner sets "test") Vite would bundle React's development build.
export default defineConfig(() => ({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline <script> for the module-preload polyfill: the CSP would block it.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
}));
