// Creates an empty PGlite data directory, then exits. `initdb` grows PGlite's WASM memory to about
// 850 MiB and a process never gives that back, so the server runs it in a child process like this
// and opens the finished directory itself (about 200 MiB).
import { PGlite } from '@electric-sql/pglite';

const client = await PGlite.create(process.argv[2]);
await client.close();
