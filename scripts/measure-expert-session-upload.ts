// Measures a large video upload through a real server process: the multipart POST, and tus
// (creation + one streamed PATCH) followed by the claim. Reports MB/s, the ratio to `cp` of the same
// file onto the same disk (the baseline the scale targets use: ≥ 0.7 × cp), and the server's RSS growth.
// First the floors, each the same bytes into a file in the same data dir: socat over loopback TCP (no
// Node, no HTTP: what the machine itself can do), a Node process reading a TCP socket (no HTTP: what
// any Node server can do), and bare Node `http` servers (no framework): one piping the body to a
// file stream (the upload ceiling, which each path is compared with), one writing synchronously.
// The client is curl: on two cores the client's CPU is taken from the server, and curl needs little.
// Needs curl and socat (apt-get install -y curl socat).
//   node --import tsx scripts/measure-expert-session-upload.ts /tmp/big.mp4
// Make a real ~1 GiB MP4 with: ffmpeg -f lavfi -i testsrc2=s=1280x720:r=30 -t 502 -c:v mjpeg -q:v 1 -movflags +faststart /tmp/big.mp4
// (-t 1004 for ~2 GiB). The file is then in the page cache, so cp and the uploads both read it from memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** A bare Node HTTP server writing each request's body to `target`, piped to a file stream or synchronously. */
function bareHttpServer(target: string, bodyPort: number, writes: 'streamed' | 'synchronous') {
  const handler =
    writes === 'streamed'
      ? `request.pipe(fs.createWriteStream(process.env.TARGET)).on('close', () => response.end())`
      : `const fd = fs.openSync(process.env.TARGET, 'w');
         request.on('data', (chunk) => fs.writeSync(fd, chunk)).on('end', () => { fs.closeSync(fd); response.end(); })`;
  return start(
    [
      '--input-type=module',
      '--eval',
      `import fs from 'node:fs'; import http from 'node:http';
       http.createServer((request, response) => { ${handler} })
         .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('The bare server is ready'));`,
    ],
    { PORT: String(bodyPort), TARGET: target },
  );
}
const ceilingPort = port + 1000;
const ceiling = await bareHttpServer(path.join(dataDir, 'ceiling.video'), ceilingPort, 'streamed');
const synchronousPort = port + 1001;
const synchronous = await bareHttpServer(path.join(dataDir, 'synchronous.video'), synchronousPort, 'synchronous');

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

type Answer = { status: number; headers: Record<string, string>; body: string };

/** Runs curl (it sends the file itself, as `-T` or a `-F` part); resolves with the final response. */
function curl(url: string, args: string[]) {
  return new Promise<Answer>((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-i', '-H', 'Expect:', '-H', `authorization: ${authorization}`, ...args, url]);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
    child.stderr.pipe(process.stderr);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`curl ${url} exited with ${code}`));
      const split = output.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = output.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: output.slice(split + 4) });
    });
  });
}
const put = (url: string, method: string, headers: string[] = []) =>
  curl(url, ['-X', method, '-T', file, ...headers.flatMap((header) => ['-H', header])]);

/** A floor without HTTP: `receiver` (already listening on `floorPort`) takes what socat sends and exits when it has it all. */
async function tcpFloor(name: string, receiver: ReturnType<typeof spawn>, floorPort: number) {
  const received = exited(receiver);
  const started = performance.now();
  await exited(spawn('socat', ['-b', String(1024 * 1024), '-u', `OPEN:${file}`, `TCP:127.0.0.1:${floorPort}`], { stdio: 'inherit' }));
  await received;
  console.log(`${name}: ${rate((performance.now() - started) / 1000)}`);
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
  const serverCpu = cpuSecondsOf(pid);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(
    `${name}: ${rate(seconds)}, ` +
      `server RSS ${baseline.toFixed(0)} → peak ${peak.toFixed(0)} MiB (growth ${(peak - baseline).toFixed(0)} MiB), ` +
      `server CPU ${(cpuSecondsOf(pid) - serverCpu).toFixed(1)} s`,
  );
  return { result, seconds };
}

const adminUrl = '/api/admin/job-readiness/expert-sessions';
const describeSession = (body: string) => {
  const session = JSON.parse(body).session;
  return session ? `${session.video_media_type}, ${session.video_size_bytes} bytes, ${session.video_duration} s` : body;
};
try {
  const floorPort = port + 1002;
  const socatTarget = path.join(dataDir, 'socat.video');
  const socatReceiver = spawn('socat', ['-b', String(1024 * 1024), '-u', `TCP-LISTEN:${floorPort},reuseaddr`, `OPEN:${socatTarget},creat,trunc`], { stdio: 'inherit' });
  await sleep(300); // listening by then
  await tcpFloor('TCP → file, socat both ends (no Node, no HTTP)', socatReceiver, floorPort);
  const nodeReceiver = await start(
    [
      '--input-type=module',
      '--eval',
      `import fs from 'node:fs'; import net from 'node:net';
       const server = net.createServer((socket) => {
         const fd = fs.openSync(process.env.TARGET, 'w');
         socket.on('data', (chunk) => fs.writeSync(fd, chunk)).on('end', () => { fs.closeSync(fd); process.exit(0); });
       }).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('The TCP receiver is ready'));`,
    ],
    { PORT: String(floorPort + 1), TARGET: path.join(dataDir, 'node-tcp.video') },
  );
  await tcpFloor('TCP → file, a Node process receiving (no HTTP)', nodeReceiver, floorPort + 1);
  await measure('bare Node http, synchronous writes', () => put(`http://127.0.0.1:${synchronousPort}/`, 'PUT'), synchronous);
  ({ seconds: ceilingSeconds } = await measure(
    'upload ceiling (bare Node http, piped to a file stream)',
    () => put(`http://127.0.0.1:${ceilingPort}/`, 'PUT'),
    ceiling,
  ));

  const { result: multipart } = await measure('multipart POST', () =>
    curl(`${base}${adminUrl}`, ['-F', 'title=Measured (multipart)', '-F', `video_file=@${file};type=video/mp4;filename=big.mp4`]),
  );
  console.log(`  → ${multipart.status} ${describeSession(multipart.body)}`);

  const tus = { 'tus-resumable': '1.0.0' };
  const created = await fetch(`${base}${adminUrl}/uploads`, { method: 'POST', headers: { ...tus, authorization, 'upload-length': String(size) } });
  const location = new URL(created.headers.get('location')!, base).href;
  // Measured as a whole, like the multipart POST (which also probes and stores the video before it
  // answers), with the PATCH and the claim also timed on their own to show where the time goes.
  await measure('tus (PATCH + claim)', async () => {
    const patchStarted = performance.now();
    const patched = await put(location, 'PATCH', ['tus-resumable: 1.0.0', 'upload-offset: 0', 'content-type: application/offset+octet-stream']);
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
  await Promise.all([stop(server), stop(ceiling), stop(synchronous)]);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
