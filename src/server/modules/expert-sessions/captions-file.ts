import webvtt from 'webvtt-parser';
import { captionsInvalid, captionsLanguageInvalid } from './expert-sessions.errors.ts';

/** The largest captions file accepted: a two-hour talk captioned densely is about 200 kB. */
export const maxCaptionBytes = 1024 * 1024;

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/**
 * A BCP 47 language tag in its canonical form (`EN-us` → `en-US`) and the name the player's caption
 * menu shows (`American English`). Refused: what is not a well-formed tag, and a language that has
 * no name (`zz`, `und`), since a viewer could not tell what they pick.
 */
export function captionsLanguage(tag: string): { language: string; label: string } {
  let language: string | undefined;
  try {
    [language] = Intl.getCanonicalLocales(tag);
  } catch {
    // Not well-formed: refused below.
  }
  const label = language && language.length <= 35 ? languageNames.of(language) : undefined;
  if (!language || !label) {
    throw captionsLanguageInvalid({
      fields: [{ path: 'params.language', message: `"${tag}" is not a language tag we know (BCP 47, e.g. en, fr-CA, pt-BR).` }],
    });
  }
  return { language, label };
}

/**
 * Checks a captions file the way the W3C's WebVTT validator does (its parser): UTF-8, the `WEBVTT`
 * signature, well-formed timings in order, valid cue settings; and at least one cue. Every problem
 * is refused with its line, so the file can be fixed in one go.
 */
export function checkCaptionsFile(bytes: Buffer): { cues: number } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw captionsInvalid({ problems: [{ line: 1, message: 'The file is not UTF-8 text.' }] });
  }
  const { cues, errors } = new webvtt.WebVTTParser().parse(text, 'metadata');
  const problems = errors.map((error) => ({ line: error.line, message: error.message }));
  if (problems.length === 0 && cues.length === 0) problems.push({ line: 1, message: 'The file holds no cue.' });
  if (problems.length > 0) throw captionsInvalid({ problems: problems.slice(0, 20) });
  return { cues: cues.length };
}
