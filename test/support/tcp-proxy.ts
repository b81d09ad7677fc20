import net from 'node:net';

export type TcpProxy = {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  addressFor(url: string): string;
  /** Closes every connection and refuses new ones (ECONNREFUSED), as a stopped server does. */
  refuse(): Promise<void>;
  /**
   * Refuses new connections (ECONNREFUSED) while those open go on, as a server does that stops taking
   * connections and keeps its sessions (a smart shutdown); `restore` takes them again.
   */
  refuseNew(): void;
  /** Closes every connection and accepts new ones without ever answering, as a host that vanished does. */
  blackhole(): Promise<void>;
  /** Forwards new connections again. */
  restore(): Promise<void>;
  /** Stops passing the server's replies on (they wait, as in a slow network), until `deliverReplies`. */
  holdReplies(): void;
  deliverReplies(): void;
  close(): Promise<void>;
};

/**
 * A loopback TCP proxy to `target` that a test can cut, to make PostgreSQL unreachable for one app
 * without stopping the server that other tests use.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'forward' | 'blackhole' = 'forward';
  const sockets = new Set<net.Socket>();
  const links = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A peer's reset is what the proxy is for; nothing to report.
    socket.on('error', () => {});
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'blackhole') return;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    const link = { client, upstream };
    links.add(link);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      links.delete(link);
      client.destroy();
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    addressFor(url) {
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(port);
      return proxied.toString();
    },
    async refuse() {
      const closed = stopListening();
      cutAll();
      await closed;
    },
    refuseNew() {
      // Not awaited: `close` calls back only once the connections still open have ended.
      if (server.listening) server.close();
    },
    async blackhole() {
      mode = 'blackhole';
      cutAll();
    },
    async restore() {
      mode = 'forward';
      if (!server.listening) await listen(port);
    },
    holdReplies() {
      for (const { client, upstream } of links) upstream.unpipe(client).pause();
    },
    deliverReplies() {
      for (const { client, upstream } of links) upstream.pipe(client);
    },
    async close() {
      const closed = stopListening();
      cutAll();
      await closed;
    },
  };
}
