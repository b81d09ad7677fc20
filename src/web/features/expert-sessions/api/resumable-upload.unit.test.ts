// What an uploader is told once tus-js-client gives up, from the error tus-js-client itself hands to
// `onError` after its retries, against a server that answers every request the same way.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Upload } from 'tus-js-client';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadFailure } from './resumable-upload.ts';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Uploads a few bytes (two retries, no delay) to a server that `answer`s each request; the error given up with and the requests made. */
async function failedUpload(answer: (request: http.IncomingMessage, response: http.ServerResponse) => void) {
  let requests = 0;
  server = http.createServer((request, response) => {
    requests += 1;
    request.resume();
    answer(request, response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/uploads`;
  const error = await new Promise<Error>((resolve, reject) => {
    const upload = new Upload(Buffer.from('not much of a video'), {
      endpoint,
      retryDelays: [0, 0],
      onError: resolve,
      onSuccess: () => reject(new Error('The upload succeeded')),
    });
    upload.start();
  });
  return { error, requests };
}

const refusal = (status: number, code: string) => (_request: http.IncomingMessage, response: http.ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json', 'retry-after': '1', 'tus-resumable': '1.0.0' });
  response.end(JSON.stringify({ error: { code, message: '…' } }));
};

describe('the message of an upload that stopped', () => {
  for (const code of ['uploads.overloaded', 'server.database_unavailable']) {
    it(`says the server is busy, not the connection, when the last answer was 503 ${code}`, async () => {
      const { error, requests } = await failedUpload(refusal(503, code));
      // tus-js-client retried the 503 after each of its delays before giving up.
      expect(requests).toBe(3);
      const message = uploadFailure(error);
      expect(message).toBe(
        'The upload stopped: the server is busy just now. Wait a few seconds, then resume: it continues where it stopped.',
      );
      expect(message).not.toMatch(/connection/);
    });
  }

  it('tells to check the connection when no answer came', async () => {
    const { error, requests } = await failedUpload((request) => request.socket.destroy());
    expect(requests).toBe(3);
    expect(uploadFailure(error)).toBe('The upload stopped. Check your connection, then resume: it continues where it stopped.');
  });

  it('keeps its own words for a 413, answered at once', async () => {
    const { error, requests } = await failedUpload(refusal(413, 'uploads.too_large'));
    expect(requests).toBe(1);
    expect(uploadFailure(error)).toBe('This video is larger than the server accepts.');
  });
});
