// The relay's wire protocol (relay/API.md) as zod schemas: the relay parses every request with
// them and the client every answer, so neither side depends on the other's code.
export * from './formats.js';
export * from './messages.js';
export * from './receipts.js';
export * from './directory.js';
export * from './service.js';
