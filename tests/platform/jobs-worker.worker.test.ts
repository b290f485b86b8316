import { describe, expect, it } from 'vitest';
import { jobsApp } from '../../functions/jobs-app';
import { isJobsPath } from '../../functions/platform/jobs-worker';
import { mergeOpenApi, type OpenApiDocument } from '../../functions/platform/openapi-merge';

/** A concrete path for an OpenAPI template: every `{param}` filled in. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, 'x1');

describe('the edge Worker hands the jobs Worker its paths', () => {
  const jobsDoc = jobsApp.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
  });
  const jobsPaths = Object.keys(jobsDoc.paths ?? {});

  it('forwards every path the jobs Worker serves', () => {
    expect(jobsPaths.length).toBeGreaterThan(40);
    expect(jobsPaths.filter((path) => !isJobsPath(concrete(path)))).toEqual([]);
  });

  it('keeps the hot paths and look-alikes on the edge Worker', () => {
    for (const path of [
      '/api/me',
      '/api/chat/attachments',
      '/api/conversations/x1/messages',
      '/v1/chat/completions',
      '/api/admin/users',
      '/api/admin/models',
      '/api/usage',
      '/api/openapi.json',
      '/api/health',
      '/api/jobsite',
      '/api/mediax',
    ]) {
      expect(isJobsPath(path), path).toBe(false);
    }
    for (const path of ['/api/jobs', '/api/admin/orders.csv', '/api/webhooks/stripe']) {
      expect(isJobsPath(path), path).toBe(true);
    }
  });
});

describe('mergeOpenApi', () => {
  const doc = (paths: OpenApiDocument['paths'], schemas: Record<string, unknown>) =>
    ({ openapi: '3.1.0', info: {}, paths, components: { schemas } }) as OpenApiDocument;

  it('unites paths, methods and components', () => {
    const merged = mergeOpenApi(
      doc({ '/a': { get: { id: 1 } }, '/b': { get: { id: 2 } } }, { A: 1 }),
      doc({ '/b': { post: { id: 3 } }, '/c': { get: { id: 4 } } }, { C: 2 }),
    );
    expect(merged.paths).toEqual({
      '/a': { get: { id: 1 } },
      '/b': { get: { id: 2 }, post: { id: 3 } },
      '/c': { get: { id: 4 } },
    });
    expect(merged.components?.schemas).toEqual({ A: 1, C: 2 });
  });

  it('refuses an operation both Workers define', () => {
    expect(() =>
      mergeOpenApi(doc({ '/a': { get: {} } }, {}), doc({ '/a': { get: {} } }, {})),
    ).toThrow('both Workers define GET /a');
  });
});
