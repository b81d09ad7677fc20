import type { FastifyRequest } from 'fastify';
import { commonErrors } from '../../http/errors.ts';
import { videoTooLarge } from './expert-sessions.errors.ts';
import { stageVideo, type StagedVideo } from './video-file.ts';

/** Room for the form's text fields and part headers on top of the video itself. */
const formOverheadBytes = 1024 * 1024;

export type SessionForm = { fields: Record<string, unknown>; video?: StagedVideo };

/**
 * Reads a multipart session form: text fields (repeated ones become arrays; a `product_ids` JSON
 * array string is parsed) and `video_file`, streamed to a staging file. On failure nothing staged
 * is left behind; on success the caller owns the staged file (`video.discard()` removes it).
 */
export async function readSessionForm(request: FastifyRequest, stagingDirectory: string, maxVideoBytes: number): Promise<SessionForm> {
  if (Number(request.headers['content-length'] ?? 0) > maxVideoBytes + formOverheadBytes) throw videoTooLarge();
  const fields: Record<string, string[]> = {};
  let video: StagedVideo | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'video_file' || video)
          throw commonErrors.validation({ fields: [{ path: `body.${part.fieldname}`, message: 'Unexpected file' }] });
        video = await stageVideo(part.file, stagingDirectory, maxVideoBytes);
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
