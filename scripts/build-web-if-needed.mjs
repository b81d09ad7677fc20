// `npm start` builds the web app only when its sources are newer than the last build.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const built = 'dist/web/index.html';
const newestSource = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs;
    return Math.max(newest, time);
  }, 0);

const sourcesChanged = () => Math.max(newestSource('src/web'), fs.statSync('vite.config.ts').mtimeMs) > fs.statSync(built).mtimeMs;

if (!fs.existsSync(built) || sourcesChanged()) {
  console.log('Building the web app…');
  execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
}
