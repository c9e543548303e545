/// <reference types="vitest/config" />
// Vite: builds the client into `dist/` (served by `kyocho serve` at `/`). In development,
// API calls are proxied to a local edition on KYOCHO_API (default http://127.0.0.1:8080).
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const api = process.env.KYOCHO_API ?? "http://127.0.0.1:8080";
const apiPaths = ["/auth", "/me", "/admin", "/audit", "/projects", "/exports", "/analysis", "/library", "/render", "/health", "/_blobs", "/status", "/announcements", "/inquiries", "/support-grants"];

export default defineConfig({
  plugins: [react()],
  server: { fs: { allow: [".."] }, proxy: Object.fromEntries(apiPaths.map((p) => [p, api])) },
  build: { target: "es2022", sourcemap: false },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
