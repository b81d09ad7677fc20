// Measures a large video upload through a real server process: the multipart POST, and tus
// (creation + one streamed PATCH) followed by the claim. Reports MB/s, the ratio to `cp` of the same
// file onto the same disk (the baseline the scale targets use: ≥ 0.7 × cp), and the server's RSS growth.
// Also the upload ceiling: the same request to a bare Node `http` server (its own process, no framework)
// that only pipes the body to a file, i.e. what any Node HTTP upload can reach here; each path is
// compared with it too.
//   node --import tsx scripts/measure-expert-session-upload.ts /tmp/big.mp4
// Make a real ~1 GiB MP4 with: ffmpeg -f lavfi -i testsrc2=s=1280x720:r=30 -t 502 -c:v mjpeg -q:v 1 -movflags +faststart /tmp/big.mp4
// (-t 1004 for ~2 GiB). The file is then in the page cache, so cp and the uploads both read it from memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { cpuSecondsOf } from './bench-run.ts';

const file = process.argv[2] ?? '';
if (!file) throw new Error('Usage: measure-expert-session-upload.ts <video file>');
const size = fs.statSync(file).size;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-measure-'));
const port = 3900 + Math.floor(Math.random() * 1000);
const admin = { email: 'measure@jobready.test', password: 'measure-password' };

/** Waits for a child process and fails on a non-zero exit. */
function exited(child: ReturnType<typeof spawn>) {
  return new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${child.spawnfile} exited with ${code}`))));
  });
}

// The baseline: `cp` into the data directory, so it writes to the same file system the server will.
// Timed to cp's exit (its close included, no sync, like the uploads). --reflink=never so that a file
// system that can clone does not turn the copy into a metadata operation. Each copy is removed right
// away: deleting it drops its dirty pages instead of leaving their writeback to slow what follows.
// The best of three, because on a shared machine one cp can be several times slower than the next,
// and a slow baseline would flatter the uploads.
const cpTarget = path.join(dataDir, 'cp-baseline.video');
const cpRuns: number[] = [];
for (let run = 0; run < 3; run += 1) {
  const started = performance.now();
  await exited(spawn('cp', ['--reflink=never', file, cpTarget], { stdio: 'inherit' }));
  cpRuns.push((performance.now() - started) / 1000);
  fs.rmSync(cpTarget);
}
const cpSeconds = Math.min(...cpRuns);
const mbPerSecond = (seconds: number) => size / 1e6 / seconds;
console.log(
  `cp: ${mbPerSecond(cpSeconds).toFixed(1)} MB/s (best of ${cpRuns.map((seconds) => seconds.toFixed(2)).join(', ')} s ` +
    `for ${(size / 1024 ** 3).toFixed(2)} GiB)`,
);
let ceilingSeconds: number | undefined;
/** Speed and how it compares with cp (and with the ceiling, once measured). */
const rate = (seconds: number) =>
  `${mbPerSecond(seconds).toFixed(1)} MB/s, ${(cpSeconds / seconds).toFixed(2)} × cp` +
  `${ceilingSeconds ? `, ${(ceilingSeconds / seconds).toFixed(2)} × ceiling` : ''} (${seconds.toFixed(1)} s)`;

/** Starts a Node process and resolves once it prints `is ready` on stdout. */
async function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  // Whatever happens below, the child goes with this script.
  process.on('exit', () => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('is ready') && resolve());
    child.once('exit', (code) => reject(new Error(`${args.at(-1)} exited with ${code}`)));
  });
  return child;
}
async function stop(child: ReturnType<typeof spawn>) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

// The ceiling: a bare Node HTTP server that pipes the request body to a file in the same data dir.
const ceilingPort = port + 1000;
const ceiling = await start(
  [
    '--input-type=module',
    '--eval',
    `import fs from 'node:fs'; import http from 'node:http';
     http.createServer((request, response) => request.pipe(fs.createWriteStream(process.env.TARGET)).on('close', () => response.end()))
       .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('The ceiling is ready'));`,
  ],
  { PORT: String(ceilingPort), TARGET: path.join(dataDir, 'ceiling.video') },
);

const server = await start(['--import', 'tsx', 'src/server/main.ts'], {
  DATA_DIR: dataDir,
  PORT: String(port),
  HOST: '127.0.0.1',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  MAX_VIDEO_BYTES: String(4 * 1024 ** 3),
});

const base = `http://127.0.0.1:${port}`;
const signIn = await fetch(`${base}/api/auth/sign-in/email`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', origin: base },
  body: JSON.stringify(admin),
});
if (!signIn.ok) throw new Error(`Sign-in failed: ${signIn.status} ${await signIn.text()}`);
const authorization = `Bearer ${signIn.headers.get('set-auth-token')}`;

function rssMiB(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const clientCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Sends `body` (a prefix, the file, a suffix) in one streamed request; resolves with status and body. */
function send(method: string, url: string, headers: Record<string, string>, prefix = '', suffix = '') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const length = Buffer.byteLength(prefix) + size + Buffer.byteLength(suffix);
    const request = http.request(new URL(url, base), { method, headers: { ...headers, authorization, 'content-length': length } }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.write(prefix);
    const stream = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
    stream.pipe(request, { end: false });
    stream.on('end', () => request.end(suffix));
  });
}

/** Times `work` against the server process `target` (the app by default); returns the result and the seconds. */
async function measure<T>(name: string, work: () => Promise<T>, target = server) {
  // Each path starts with nothing dirty in the page cache, so that the next one does not run during
  // the kernel's writeback of the previous (from 2 GiB, two uploads cross its background threshold).
  await exited(spawn('sync', { stdio: 'inherit' }));
  const pid = target.pid!;
  const baseline = rssMiB(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  const [serverCpu, clientCpu] = [cpuSecondsOf(pid), clientCpuSeconds()];
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    `${name}: ${rate(seconds)}, ` +
      `server RSS ${baseline.toFixed(0)} → peak ${peak.toFixed(0)} MiB (growth ${(peak - baseline).toFixed(0)} MiB), ` +
      `CPU: server ${(cpuSecondsOf(pid) - serverCpu).toFixed(1)} s, this client ${(clientCpuSeconds() - clientCpu).toFixed(1)} s`,
  );
  return { result, seconds };
}

const adminUrl = '/api/admin/job-readiness/expert-sessions';
const describeSession = (body: string) => {
  const session = JSON.parse(body).session;
  return session ? `${session.video_media_type}, ${session.video_size_bytes} bytes, ${session.video_duration} s` : body;
};
try {
  ({ seconds: ceilingSeconds } = await measure(
    'upload ceiling (bare Node http → file)',
    () => send('PUT', `http://127.0.0.1:${ceilingPort}/`, {}),
    ceiling,
  ));

  const boundary = '----jobreadymeasure';
  const { result: multipart } = await measure('multipart POST', () =>
    send(
      'POST',
      adminUrl,
      { 'content-type': `multipart/form-data; boundary=${boundary}` },
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nMeasured (multipart)\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="video_file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
      `\r\n--${boundary}--\r\n`,
    ),
  );
  console.log(`  → ${multipart.status} ${describeSession(multipart.body)}`);

  const tus = { 'tus-resumable': '1.0.0' };
  const created = await fetch(`${base}${adminUrl}/uploads`, { method: 'POST', headers: { ...tus, authorization, 'upload-length': String(size) } });
  const location = created.headers.get('location')!;
  // Measured as a whole, like the multipart POST (which also probes and stores the video before it
  // answers), with the PATCH and the claim also timed on their own to show where the time goes.
  await measure('tus (PATCH + claim)', async () => {
    const patchStarted = performance.now();
    const patched = await send('PATCH', location, { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' });
    console.log(`  PATCH: ${patched.status} offset ${patched.headers['upload-offset']}, ${rate((performance.now() - patchStarted) / 1000)}`);
    const claimStarted = performance.now();
    const claim = await fetch(`${base}${adminUrl}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Measured (tus)', upload_id: location.split('/').at(-1) }),
    });
    const claimSeconds = (performance.now() - claimStarted) / 1000;
    console.log(`  claim: ${claim.status} in ${claimSeconds.toFixed(2)} s, ${describeSession(await claim.text())}`);
  });
} finally {
  await Promise.all([stop(server), stop(ceiling)]);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
