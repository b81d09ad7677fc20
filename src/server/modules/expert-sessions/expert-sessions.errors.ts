import { defineError, type ConstraintMeanings } from '../../http/errors.ts';
import { unknownProducts } from '../products/products.errors.ts';

export const expertSessionNotFound = defineError('expert_sessions.not_found', 404, 'No such expert session.');
export const videoNotFound = defineError('expert_sessions.video_not_found', 404, 'This session has no video to show.');
export const notAVideo = defineError('expert_sessions.unsupported_video', 415, 'The file is not an MP4, WebM or QuickTime video.');
export const unreadableVideo = defineError(
  'expert_sessions.unreadable_video',
  422,
  'The video could not be read to measure its duration; it may be damaged or incomplete.',
);
export const videoTooLarge = defineError('expert_sessions.video_too_large', 413, 'The video is larger than this server accepts.');
export const uploadNotFound = defineError(
  'expert_sessions.upload_not_found',
  404,
  'No finished upload has this id; it may have expired or been used.',
);
export const uploadInUse = defineError('expert_sessions.upload_in_use', 409, 'This upload is being saved as a session right now.');
export const uploadIncomplete = defineError('expert_sessions.upload_incomplete', 409, 'This upload has not received all its bytes yet.');
export const rangeNotSatisfiable = defineError(
  'expert_sessions.range_not_satisfiable',
  416,
  'The requested range is beyond the end of the video.',
);
export const notYourProduct = defineError('expert_sessions.product_forbidden', 403, 'This product is not one of yours.');
export const posterNotFound = defineError('expert_sessions.poster_not_found', 404, 'This session has no poster.');
export const captionsNotFound = defineError('expert_sessions.captions_not_found', 404, 'This session has no captions in this language.');
export const captionsInvalid = defineError(
  'expert_sessions.captions_invalid',
  422,
  'The captions file is not valid WebVTT; `details.problems` lists each problem with its line.',
);
export const captionsLanguageInvalid = defineError(
  'expert_sessions.captions_language_invalid',
  400,
  'The language is not a BCP 47 tag we know.',
);

/** What this module's constraints mean to a caller, for the one error handler (decision 024). */
export const expertSessionConstraints: ConstraintMeanings = {
  // A product deleted between the check of the ids and the write of the links.
  job_readiness_expert_session_products_product_id_products_id_fk: { field: 'body.product_ids', error: unknownProducts },
};
