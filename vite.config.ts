import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in src/web and is served, built, from dist/web by the Fastify server.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    // Mantine + React are ~200 kB gzipped together; one vendor file is fine for an app used all day.
    chunkSizeWarningLimit: 800,
    // Libraries change less often than our code: a separate file stays cached across releases.
    // The charts (recharts and what it brings) only for the report page, which loads them on first use.
    rolldownOptions: {
      output: {
        codeSplitting: {
          // A group takes its own modules only: else the charts' chunk took React, which every page needs.
          includeDependenciesRecursively: false,
          groups: [
            {
              name: 'charts',
              test: /node_modules[\\/](recharts|victory-vendor|d3-[a-z-]+|internmap|@reduxjs|redux|react-redux|immer|reselect|decimal\.js-light|es-toolkit|eventemitter3|tiny-invariant)[\\/]/,
              priority: 1,
            },
            { name: 'vendor', test: /node_modules/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
