// relay/openapi.json is generated (npm run openapi): it must be what the protocol schemas give now,
// and describe every route the relay answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument, renderOpenApi } from './openapi.js';

describe('the OpenAPI document', () => {
  it('relay/openapi.json is current (regenerate with npm run openapi)', () => {
    expect(readFileSync(join(import.meta.dirname, 'openapi.json'), 'utf8')).toBe(renderOpenApi());
  });

  it('is OpenAPI 3.1 with the schemas of the protocol, every reference resolving', () => {
    const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))).toEqual([
      'GET /v1/health',
      'POST /v1/messages',
      'GET /v1/inbox',
      'GET /v1/outbox',
      'GET /v1/messages/{id}',
      'GET /v1/messages/{id}/payload',
      'POST /v1/messages/{id}/receipt',
      'GET /v1/directory',
      'PUT /v1/directory/me',
    ]);
    expect(Object.keys(doc.components.schemas.Message!.properties!)).toEqual(expect.arrayContaining(['messageId', 'cursor', 'sha256', 'receipts']));
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|responses)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, kind, name] of refs) expect((doc.components as Record<string, Record<string, unknown>>)[kind!]![name!], `${kind}/${name}`).toBeDefined();
  });
});
