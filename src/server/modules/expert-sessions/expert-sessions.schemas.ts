import { z } from 'zod';
import { mediaUrlOf } from './video-url.ts';

// What the admin's and the student's schemas both use; each sub-feature's own are in its schemas file.

/** The ids and time the API document's examples show, the same in the admin's and the student's. */
export const exampleId = '3f1c2a9e-8b7d-4c5e-9f10-2a3b4c5d6e7f';
export const exampleProductId = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
export const exampleTime = '2026-11-20T09:30:00.000Z';

export const sessionIdParams = z.object({ id: z.uuid().meta({ example: exampleId }) });

export const captionsParams = sessionIdParams.extend({
  language: z.string().min(1).max(35).meta({ description: 'BCP 47 language tag, e.g. `en`, `fr-CA`, `pt-BR`.', example: 'en' }),
});

export const posterUrl = z
  .string()
  .nullable()
  .meta({ description: 'A JPEG frame of the video, taken when it was stored; null when none could be taken.' });

export const captionsSchema = z
  .object({
    language: z.string().meta({ description: 'BCP 47 language tag, in its canonical form.' }),
    label: z.string().meta({ description: 'The language’s name, as the player’s caption menu shows it.' }),
    url: z.string().meta({ description: 'The WebVTT file, for `<track kind="captions" srclang label src>`.' }),
  })
  .meta({ id: 'ExpertSessionCaptions', example: { language: 'en', label: 'English', url: mediaUrlOf(exampleId, 'captions/en') } });
