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
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } } },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
