// The relay's HTTP API as an OpenAPI 3.1 document, generated from the zod schemas in
// shared/protocol/ (z.toJSONSchema), the same ones the relay parses requests with and the client
// parses answers with: the document cannot drift from the code. scripts/write-openapi.ts writes it to
// relay/openapi.json (a test checks that the file is current); the admin port serves it.
import { z } from 'zod';
import {
  API_VERSION,
  directoryEntrySchema,
  directoryListSchema,
  directoryQuerySchema,
  directoryUpdateSchema,
  errorResponseSchema,
  HEADERS,
  healthSchema,
  messageIdSchema,
  messagePageSchema,
  metaHeaderSchema,
  pageQuerySchema,
  publicMessageSchema,
  receiptBodySchema,
  sha256Schema,
} from '../shared/protocol/index.js';

type Json = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a request carries or an answer holds. */
const schema = (s: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
};
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (name: string, description: string): Json => ({ description, content: { 'application/json': { schema: ref(name) } } });
const errors = (...codes: number[]): Json => Object.fromEntries(codes.map((c) => [String(c), { $ref: '#/components/responses/Error' }]));

/** Query parameters from an object schema (each property one parameter, none required). */
function queryParameters(s: z.ZodObject): Json[] {
  const props = (schema(s, 'input').properties ?? {}) as Record<string, Json>;
  return Object.entries(props).map(([name, p]) => ({ name, in: 'query', required: false, schema: p }));
}

const messageIdParam = { name: 'id', in: 'path', required: true, description: 'The message id (percent-encoded)', schema: schema(messageIdSchema) };

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'careplan-link relay',
      version: API_VERSION,
      description: 'The linkage service between care offices (relay/API.md). Every request needs mutual TLS with an office certificate: the office is the certificate subject CN. Generated from shared/protocol/ by scripts/write-openapi.ts.',
      license: { name: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ officeCertificate: [] }],
    paths: {
      '/v1/health': { get: { operationId: 'health', summary: 'Whether the relay answers, and which office the certificate names', responses: { '200': jsonBody('Health', 'ok'), ...errors(403, 429) } } },
      '/v1/messages': {
        post: {
          operationId: 'submit',
          summary: 'Store a send unit (CMS EnvelopedData) for its receiver; idempotent per sender and message id',
          parameters: [
            { name: HEADERS.messageId, in: 'header', required: true, schema: schema(messageIdSchema) },
            { name: HEADERS.meta, in: 'header', required: true, description: 'base64url of this JSON', content: { 'application/json': { schema: ref('MetaHeader') } } },
            { name: HEADERS.sha256, in: 'header', required: true, schema: schema(sha256Schema) },
          ],
          requestBody: { required: true, content: { 'application/cms': { schema: { type: 'string', contentMediaType: 'application/cms' } } } },
          responses: { '201': jsonBody('Message', 'stored'), '200': jsonBody('Message', 'already stored with these bytes'), ...errors(400, 403, 404, 409, 413, 415, 429, 503) },
        },
      },
      '/v1/inbox': { get: { operationId: 'inbox', summary: 'Units waiting for this office, oldest first', parameters: queryParameters(pageQuerySchema), responses: { '200': jsonBody('MessagePage', 'a page'), ...errors(400, 403, 429) } } },
      '/v1/outbox': { get: { operationId: 'outbox', summary: 'Units this office sent, oldest first', parameters: queryParameters(pageQuerySchema), responses: { '200': jsonBody('MessagePage', 'a page'), ...errors(400, 403, 429) } } },
      '/v1/messages/{id}': { get: { operationId: 'message', summary: 'One unit this office sent or receives, with its receipts', parameters: [messageIdParam], responses: { '200': jsonBody('Message', 'the unit'), ...errors(400, 403, 404, 429) } } },
      '/v1/messages/{id}/payload': {
        get: {
          operationId: 'payload',
          summary: 'The ciphertext of a unit this office receives (marks it delivered)',
          parameters: [messageIdParam],
          responses: { '200': { description: 'the CMS bytes; Careplan-Sha256 names their SHA-256', headers: { 'careplan-sha256': { schema: schema(sha256Schema) } }, content: { 'application/cms': { schema: { type: 'string', contentMediaType: 'application/cms' } } } }, ...errors(400, 403, 404, 429) },
        },
      },
      '/v1/messages/{id}/receipt': {
        post: {
          operationId: 'receipt',
          summary: 'A signed receipt of the receiver: received, imported or quarantined',
          parameters: [messageIdParam],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ReceiptBody') } } },
          responses: { '201': jsonBody('Message', 'added'), '200': jsonBody('Message', 'a repeat'), ...errors(400, 403, 404, 409, 415, 429) },
        },
      },
      '/v1/directory': { get: { operationId: 'directory', summary: 'Offices and their certificates valid now', parameters: queryParameters(directoryQuerySchema), responses: { '200': jsonBody('DirectoryList', 'offices'), ...errors(400, 403, 429) } } },
      '/v1/directory/me': {
        put: {
          operationId: 'updateDirectory',
          summary: "This office's display name and service types",
          requestBody: { required: true, content: { 'application/json': { schema: ref('DirectoryUpdate') } } },
          responses: { '200': jsonBody('DirectoryEntry', 'the entry'), ...errors(400, 403, 415, 429) },
        },
      },
    },
    components: {
      securitySchemes: { officeCertificate: { type: 'mutualTLS', description: "The office's certificate (CN: the 10-digit office number, clientAuth), issued by a CA the relay trusts" } },
      responses: { Error: { description: 'Refused: Japanese message first, English alongside (relay/API.md “Errors”)', content: { 'application/json': { schema: ref('Error') } } } },
      schemas: {
        Health: schema(healthSchema),
        MetaHeader: schema(metaHeaderSchema, 'input'),
        Message: schema(publicMessageSchema),
        MessagePage: schema(messagePageSchema),
        ReceiptBody: schema(receiptBodySchema, 'input'),
        DirectoryList: schema(directoryListSchema),
        DirectoryEntry: schema(directoryEntrySchema),
        DirectoryUpdate: schema(directoryUpdateSchema, 'input'),
        Error: schema(errorResponseSchema),
      },
    },
  };
}

/** The text of relay/openapi.json: two-space JSON and a final line break. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
