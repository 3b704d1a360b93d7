import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is served by the server itself: build straight into its wwwroot (published beside the dll).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: '../src/OneApi.Server/wwwroot',
    emptyOutDir: true,
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/v1': 'http://localhost:3000' },
  },
});
