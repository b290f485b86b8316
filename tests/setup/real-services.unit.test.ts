import { describe, expect, it } from 'vitest';
import { missingServicesVerdict, onCi } from './real-services';

const redis = { name: 'Redis', where: '127.0.0.1:6379', reason: 'connection refused' };

describe('real servers the tests need', () => {
  it('reads CI=true and CI=1 as CI, anything else as a laptop', () => {
    expect(onCi({ CI: 'true' })).toBe(true);
    expect(onCi({ CI: '1' })).toBe(true);
    expect(onCi({ CI: 'false' })).toBe(false);
    expect(onCi({})).toBe(false);
  });

  it('fails on CI when one is missing, naming it', () => {
    const verdict = missingServicesVerdict([redis], { CI: 'true' });
    expect(verdict.fail).toBe(true);
    expect(verdict.lines.join('\n')).toMatch(/FAILED: CI=true.*\n.*Redis at 127\.0\.0\.1:6379/);
  });

  it('only warns, in a box, on a laptop', () => {
    const verdict = missingServicesVerdict([redis], {});
    expect(verdict.fail).toBe(false);
    expect(verdict.lines[0]).toMatch(/^!+$/);
    expect(verdict.lines.join('\n')).toContain('SKIPPED');
    expect(verdict.lines.at(-1)).toBe(verdict.lines[0]);
  });

  it('says nothing when every server answers', () => {
    expect(missingServicesVerdict([], { CI: 'true' })).toEqual({ fail: false, lines: [] });
  });
});
