import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** What fails a check: WCAG failures a person meets at once (axe's two highest impacts). */
const blockingImpacts = new Set(['serious', 'critical']);

/**
 * Runs axe-core on the page as it is now (every rule axe runs by default, and
 * label-content-name-mismatch, which it ships disabled) and fails on any serious or critical
 * violation, naming each rule and the elements at fault; `exclude` leaves out what the check is not about. With `AXE_REPORT=<file>`, every check
 * appends a line there: the name and the violations of each impact, for before/after counts.
 */
export async function expectAccessible(page: Page, name: string, { exclude = [] }: { exclude?: string[] } = {}) {
  const builder = new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } });
  for (const selector of exclude) builder.exclude(selector);
  const results = await builder.analyze();
  if (process.env.AXE_REPORT) {
    const violations = results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.length,
    }));
    fs.appendFileSync(process.env.AXE_REPORT, `${JSON.stringify({ name, violations })}\n`);
  }
  const blocking = results.violations.filter((violation) => blockingImpacts.has(violation.impact ?? ''));
  if (blocking.length === 0 || process.env.AXE_BASELINE) return;
  const described = blocking.map(
    (violation) =>
      `- ${violation.id} (${violation.impact}): ${violation.help}\n` +
      violation.nodes
        .slice(0, 5)
        .map((node) => `    ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ').trim()}`)
        .join('\n'),
  );
  throw new Error(`${name}: ${blocking.length} serious or critical accessibility violation(s)\n${described.join('\n')}`);
}
