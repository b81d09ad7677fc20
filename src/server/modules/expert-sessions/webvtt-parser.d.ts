// webvtt-parser (the W3C validator's parser) ships no types, and as CommonJS it is imported whole;
// this is the part the captions check uses.
declare module 'webvtt-parser' {
  export type WebVttCue = { id: string; startTime: number; endTime: number; text: string };
  export type WebVttError = { message: string; line: number; col?: number };
  class WebVTTParser {
    parse(input: string, mode?: 'metadata' | 'chapters'): { cues: WebVttCue[]; errors: WebVttError[] };
  }
  const webvtt: { WebVTTParser: typeof WebVTTParser };
  export default webvtt;
}
