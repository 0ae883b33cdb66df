import { describe, expect, it } from 'vitest';
import { text } from '../../../shared/domain/text.ts';

describe('free texts', () => {
  it('keep tabs, line breaks and emoji, and refuse other control characters and broken Unicode', () => {
    expect(text().safeParse('Bonjour,\n\tà tous 😀').success).toBe(true);
    for (const bad of ['nul \u0000 byte', 'bell \u0007', 'lone \ud800 half', 'escape \u001b[31m']) {
      expect(text().safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
