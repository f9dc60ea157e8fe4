// Lets `node --test` load the UI's modules as the bundler does: the core's
// `*_bg.wasm` import resolves to wasm2js's `*_bg.wasm.js` (see vite.config.ts), and
// TypeScript sources (extensionless imports too) are transpiled with `typescript`.
import { register } from 'node:module';

register('./loader.mjs', import.meta.url);
