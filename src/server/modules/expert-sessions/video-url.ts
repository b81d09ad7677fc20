/** Where a session's video is streamed: the text before and after its id (written out in migration 0017 too). */
export const videoPath = { before: '/api/app/job-readiness/expert-sessions/', after: '/video' };
export const videoUrlOf = (id: string) => `${videoPath.before}${id}${videoPath.after}`;
