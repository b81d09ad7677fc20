import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const migrations = path.join(root, 'drizzle');
const page = fs.readFileSync(path.join(root, 'docs/derived-data.md'), 'utf8');

/** Every trigger the migrations create, with the migration that creates it. */
function createdTriggers() {
  return fs
    .readdirSync(migrations)
    .filter((file) => file.endsWith('.sql'))
    .flatMap((file) =>
      [...fs.readFileSync(path.join(migrations, file), 'utf8').matchAll(/create\s+(?:or\s+replace\s+)?trigger\s+"?(\w+)"?/gi)].map(
        (match) => ({
          trigger: match[1]!,
          file,
        }),
      ),
    );
}

describe('docs/derived-data.md', () => {
  it('names every trigger a migration creates', () => {
    const triggers = createdTriggers();
    expect(triggers.length).toBeGreaterThan(20);
    const unnamed = triggers.filter(({ trigger }) => !page.includes(`\`${trigger}\``));
    expect(unnamed, 'add these triggers to docs/derived-data.md').toEqual([]);
  });
});
