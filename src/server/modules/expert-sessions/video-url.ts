/**
 * Where a session's video, poster and captions are served: this, its id, then `/video`, `/poster` or
 * `/captions/{language}` (written out in migrations 0017 and 0026 too).
 */
export const mediaPath = '/api/app/job-readiness/expert-sessions/';
export const mediaUrlOf = (id: string, file: string) => `${mediaPath}${id}/${file}`;
