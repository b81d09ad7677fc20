import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../../../http/errors.ts';
import { videoTooLarge } from '../expert-sessions.errors.ts';
import { stageVideo, type StagedVideo } from '../video-file.ts';

/** Room for the form's text fields and part headers on top of the video itself. */
const formOverheadBytes = 1024 * 1024;

export type SessionForm = { fields: Record<string, unknown>; video?: StagedVideo };

/**
 * Reads a multipart session form: text fields (repeated ones become arrays; a `product_ids` JSON
 * array string is parsed) and `video_file`, streamed to a staging file. On failure nothing staged
 * is left behind; on success the caller owns the staged file (`video.discard()` removes it). A body
 * the parser cannot read (no boundary, cut off mid-part) is the client's fault: 400
 * `request.malformed_multipart`.
 */
export async function readSessionForm(request: FastifyRequest, stagingDirectory: string, maxVideoBytes: number): Promise<SessionForm> {
  if (Number(request.headers['content-length'] ?? 0) > maxVideoBytes + formOverheadBytes) throw videoTooLarge();
  const fields: Record<string, string[]> = {};
  let video: StagedVideo | undefined;
  const parts = request.parts()[Symbol.asyncIterator]();
  try {
    for (let next = await nextPart(parts); !next.done; next = await nextPart(parts)) {
      const part = next.value;
      if (part.type === 'file') {
        if (part.fieldname !== 'video_file' || video)
          throw commonErrors.validation({ fields: [{ path: `body.${part.fieldname}`, message: 'Unexpected file' }] });
        // The file's own stream fails when the body ends before the part does, possibly before
        // anything listens to it: its `errored` says so either way.
        let cutOff: unknown;
        part.file.once('error', (error) => (cutOff = error));
        video = await stageVideo(part.file, stagingDirectory, maxVideoBytes).catch((error: unknown) => {
          const fileFailed = error === cutOff || (part.file.errored !== null && error === part.file.errored);
          throw fileFailed ? commonErrors.malformedMultipart() : error;
        });
      } else {
        fields[part.fieldname] = [...(fields[part.fieldname] ?? []), String(part.value)];
      }
    }
  } catch (error) {
    await video?.discard();
    throw error;
  }
  return { fields: formValues(fields), video };
}

/**
 * The next part. The parser's own errors (busboy's: a missing boundary, an unexpected end) carry no
 * status; @fastify/multipart's limits do, and the error handler answers those.
 */
async function nextPart(parts: AsyncIterator<Multipart>) {
  try {
    return await parts.next();
  } catch (error) {
    throw (error as { statusCode?: unknown }).statusCode ? error : commonErrors.malformedMultipart();
  }
}

function formValues(fields: Record<string, string[]>) {
  const values: Record<string, unknown> = {};
  for (const [name, [first, ...rest]] of Object.entries(fields)) {
    if (name === 'product_ids') values[name] = rest.length === 0 && first?.trim().startsWith('[') ? parseJson(first) : [first, ...rest];
    else if (name === 'is_active') values[name] = first === 'true' ? true : first === 'false' ? false : first;
    else values[name] = first;
  }
  return values;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
