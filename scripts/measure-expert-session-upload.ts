// Measures a large video upload through a real server process: the multipart POST, and tus
// (creation + one streamed PATCH) followed by the claim. Reports MB/s, the ratio to `cp` of the same
// file onto the same disk (the baseline the scale targets use: ≥ 0.7 × cp), and the server's RSS growth.
// First the floors, each the same bytes into a file in the same data dir: socat over loopback TCP (no
// Node, no HTTP: what the machine itself can do), a Node process reading a TCP socket (no HTTP: what
// any Node server can do), and bare Node `http` servers (no framework): one that throws the body away
// (no file at all: what any Node HTTP server can receive), one writing it synchronously and one piping
// it to a file stream; the faster of these two is the upload ceiling each path is compared with.
// Every path, cp included, runs `--runs` times (3 unless given) and counts its best run, and each
// run's file is removed as soon as it is timed: on this virtual machine the same copy can take
// several times longer from one run to the next, and a file left behind holds page-cache memory the
// next run must find elsewhere (the host takes freed memory back).
// The client is curl: on two cores the client's CPU is taken from the server, and curl needs little.
// Needs curl and socat (apt-get install -y curl socat).
//   node --import tsx scripts/measure-expert-session-upload.ts /tmp/big.mp4 [--runs 3]
// Make a real ~1 GiB MP4 with: ffmpeg -f lavfi -i testsrc2=s=1280x720:r=30 -t 502 -c:v mjpeg -q:v 1 -movflags +faststart /tmp/big.mp4
// (-t 1004 for ~2 GiB). The file is then in the page cache, so cp and the uploads both read it from memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { cpuSecondsOf } from './bench-run.ts';

const { values: options, positionals } = parseArgs({ options: { runs: { type: 'string', default: '3' } }, allowPositionals: true });
const file = positionals[0] ?? '';
const runs = Number(options.runs);
if (!file || !Number.isInteger(runs) || runs < 1) throw new Error('Usage: measure-expert-session-upload.ts <video file> [--runs N ≥ 1]');
const size = fs.statSync(file).size;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobready-measure-'));
const port = 3900 + Math.floor(Math.random() * 1000);
const admin = { email: 'measure@jobready.test', password: 'measure-river-lantern' };

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
// The best of the runs, as for every path below.
const cpTarget = path.join(dataDir, 'cp-baseline.video');
const cpRuns: number[] = [];
for (let run = 0; run < runs; run += 1) {
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

/** A bare Node HTTP server taking each request's body: thrown away, piped to a file stream, or written synchronously. */
function bareHttpServer(target: string, bodyPort: number, writes: 'discarded' | 'streamed' | 'synchronous') {
  const handler = {
    discarded: `request.resume().on('end', () => response.end())`,
    streamed: `request.pipe(fs.createWriteStream(process.env.TARGET)).on('close', () => response.end())`,
    synchronous: `const fd = fs.openSync(process.env.TARGET, 'w');
         request.on('data', (chunk) => fs.writeSync(fd, chunk)).on('end', () => { fs.closeSync(fd); response.end(); })`,
  }[writes];
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
const bareTarget = (name: string) => path.join(dataDir, `${name}.video`);
const discardingPort = port + 999;
const discarding = await bareHttpServer(bareTarget('discarded'), discardingPort, 'discarded');
const streamedPort = port + 1000;
const streamed = await bareHttpServer(bareTarget('streamed'), streamedPort, 'streamed');
const synchronousPort = port + 1001;
const synchronous = await bareHttpServer(bareTarget('synchronous'), synchronousPort, 'synchronous');

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
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: output.slice(split + 4) });
    });
  });
}
const put = (url: string, method: string, headers: string[] = []) =>
  curl(url, ['-X', method, '-T', file, ...headers.flatMap((header) => ['-H', header])]);

/** Removes what a run wrote, so that the next one starts as cp's runs do. */
function removeFiles(...files: string[]) {
  for (const written of files) fs.rmSync(written, { recursive: true, force: true });
}
/** What the app wrote where it keeps stored videos and tus uploads (config.ts); the folders themselves stay. */
const appFiles = () =>
  [path.join(dataDir, 'storage'), path.join(dataDir, 'uploads')]
    .filter((folder) => fs.existsSync(folder))
    .flatMap((folder) => fs.readdirSync(folder).map((entry) => path.join(folder, entry)));

/** Prints each run and the best of them; returns the best run's seconds. */
async function bestOf(name: string, run: (line: (text: string) => void) => Promise<number>) {
  const seconds: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const lines: string[] = [];
    seconds.push(await run((text) => lines.push(text)));
    console.log(`  ${name}, run ${index + 1}: ${rate(seconds.at(-1)!)}${lines.map((text) => `\n    ${text}`).join('')}`);
  }
  const best = Math.min(...seconds);
  console.log(`${name}: ${rate(best)}, best of ${runs}`);
  return best;
}

/**
 * A floor without HTTP: `startReceiver()` starts a process listening on `floorPort` that takes what
 * socat sends into `target` and exits when it has it all.
 */
function tcpFloor(name: string, floorPort: number, target: string, startReceiver: () => Promise<ReturnType<typeof spawn>>) {
  return bestOf(name, async () => {
    const received = exited(await startReceiver());
    const started = performance.now();
    await exited(spawn('socat', ['-b', String(1024 * 1024), '-u', `OPEN:${file}`, `TCP:127.0.0.1:${floorPort}`], { stdio: 'inherit' }));
    await received;
    const seconds = (performance.now() - started) / 1000;
    removeFiles(target);
    return seconds;
  });
}

/**
 * Times `work` against the server process `target` (the app by default), best of the runs, and
 * removes the files `written()` lists after each; prints each run's server RSS growth and CPU time.
 * `work` gets a function that adds a line below its run.
 */
function measure(name: string, written: () => string[], work: (line: (text: string) => void) => Promise<void>, target = server) {
  const pid = target.pid!;
  return bestOf(name, async (line) => {
    // Each run starts with nothing dirty in the page cache, so that it does not run during the
    // kernel's writeback of the previous (from 2 GiB, two uploads cross its background threshold).
    await exited(spawn('sync', { stdio: 'inherit' }));
    const baseline = rssMiB(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
    const serverCpu = cpuSecondsOf(pid);
    const started = performance.now();
    await work(line);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    line(
      `server RSS ${baseline.toFixed(0)} → peak ${peak.toFixed(0)} MiB (growth ${(peak - baseline).toFixed(0)} MiB), server CPU ${(cpuSecondsOf(pid) - serverCpu).toFixed(1)} s`,
    );
    removeFiles(...written());
    return seconds;
  });
}

const adminUrl = '/api/admin/job-readiness/expert-sessions';
const describeSession = (body: string) => {
  const session = JSON.parse(body).session;
  return session ? `${session.video_media_type}, ${session.video_size_bytes} bytes, ${session.video_duration} s` : body;
};
const tus = { 'tus-resumable': '1.0.0' };
try {
  const floorPort = port + 1002;
  const socatTarget = path.join(dataDir, 'socat.video');
  await tcpFloor('TCP → file, socat both ends (no Node, no HTTP)', floorPort, socatTarget, async () => {
    const receiver = spawn(
      'socat',
      ['-b', String(1024 * 1024), '-u', `TCP-LISTEN:${floorPort},reuseaddr`, `OPEN:${socatTarget},creat,trunc`],
      { stdio: 'inherit' },
    );
    await sleep(300); // listening by then
    return receiver;
  });
  const nodeTarget = path.join(dataDir, 'node-tcp.video');
  await tcpFloor('TCP → file, a Node process receiving (no HTTP)', floorPort + 1, nodeTarget, () =>
    start(
      [
        '--input-type=module',
        '--eval',
        `import fs from 'node:fs'; import net from 'node:net';
         const server = net.createServer((socket) => {
           const fd = fs.openSync(process.env.TARGET, 'w');
           socket.on('data', (chunk) => fs.writeSync(fd, chunk)).on('end', () => { fs.closeSync(fd); process.exit(0); });
         }).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('The TCP receiver is ready'));`,
      ],
      { PORT: String(floorPort + 1), TARGET: nodeTarget },
    ),
  );
  const bareUpload = (bodyPort: number) => async () => void (await put(`http://127.0.0.1:${bodyPort}/`, 'PUT'));
  await measure('bare Node http, body thrown away (no file)', () => [], bareUpload(discardingPort), discarding);
  const synchronousSeconds = await measure(
    'bare Node http, synchronous writes',
    () => [bareTarget('synchronous')],
    bareUpload(synchronousPort),
    synchronous,
  );
  const streamedSeconds = await measure(
    'bare Node http, piped to a file stream',
    () => [bareTarget('streamed')],
    bareUpload(streamedPort),
    streamed,
  );
  // The upload ceiling: the faster of the two bare servers that store the body.
  ceilingSeconds = Math.min(synchronousSeconds, streamedSeconds);

  await measure('multipart POST', appFiles, async (line) => {
    const answer = await curl(`${base}${adminUrl}`, [
      '-F',
      'title=Measured (multipart)',
      '-F',
      `video_file=@${file};type=video/mp4;filename=big.mp4`,
    ]);
    line(`→ ${answer.status} ${describeSession(answer.body)}`);
  });

  // Measured as a whole, like the multipart POST (which also probes and stores the video before it
  // answers), with the PATCH and the claim also timed on their own to show where the time goes.
  await measure('tus (PATCH + claim)', appFiles, async (line) => {
    const created = await fetch(`${base}${adminUrl}/uploads`, {
      method: 'POST',
      headers: { ...tus, authorization, 'upload-length': String(size) },
    });
    const location = new URL(created.headers.get('location')!, base).href;
    const patchStarted = performance.now();
    const patched = await put(location, 'PATCH', [
      'tus-resumable: 1.0.0',
      'upload-offset: 0',
      'content-type: application/offset+octet-stream',
    ]);
    line(`PATCH: ${patched.status} offset ${patched.headers['upload-offset']}, ${rate((performance.now() - patchStarted) / 1000)}`);
    const claimStarted = performance.now();
    const claim = await fetch(`${base}${adminUrl}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Measured (tus)', upload_id: location.split('/').at(-1) }),
    });
    const claimSeconds = (performance.now() - claimStarted) / 1000;
    line(`claim: ${claim.status} in ${claimSeconds.toFixed(2)} s, ${describeSession(await claim.text())}`);
  });
} finally {
  await Promise.all([stop(server), stop(discarding), stop(streamed), stop(synchronous)]);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
