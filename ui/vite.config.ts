import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Tauri expects a fixed dev port (tauri.conf.json devUrl) and serves ui/dist in release builds.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  // The mock backend (src/api/mock) bundles the demo project's scripts from ../migrations.
  server: { port: 1420, strictPort: true, fs: { allow: ['.', '../migrations'] } },
  preview: { port: 4173 },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK on Debian 12 and current WebView2 both handle ES2022.
    target: 'es2022',
    sourcemap: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
