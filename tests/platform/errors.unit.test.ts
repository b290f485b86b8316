import { describe, expect, it } from 'vitest';
import { errorCodes, problem, problemType, statusByCode } from '../../functions/platform/errors';

describe('problem details', () => {
  it('maps every code to a status and a stable type URI', () => {
    for (const code of errorCodes) {
      expect(statusByCode[code]).toBeGreaterThanOrEqual(400);
      expect(problemType(code)).toMatch(/^https:\/\/webox\.app\/problems\/[a-z-]+$/);
    }
    expect(problemType('VALIDATION_FAILED')).toBe('https://webox.app/problems/validation-failed');
  });

  it('builds RFC 9457 bodies and only includes errors when there are some', () => {
    expect(problem('NOT_FOUND', 'No such thing', 'req-1')).toEqual({
      type: 'https://webox.app/problems/not-found',
      title: 'Not found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No such thing',
      requestId: 'req-1',
    });
    const withIssues = problem('VALIDATION_FAILED', 'bad', 'r', [
      { path: 'body.email', message: 'x' },
    ]);
    expect(withIssues.errors).toHaveLength(1);
  });
});
