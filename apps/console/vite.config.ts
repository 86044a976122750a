// The console is served by the API under /console/, so every built URL starts there. Asset
// names carry a content hash (Vite's default), which lets the API cache them for good.
// `pnpm --filter @mix/console dev` serves it with live reload, passing API calls to MIX_API_URL.
import { defineConfig } from "vite";

const api = process.env.MIX_API_URL ?? "http://localhost:8088";

export default defineConfig({
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022", modulePreload: { polyfill: false } },
  server: { proxy: { "/api": api, "/stream": api } },
});
