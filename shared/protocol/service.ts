// The rest of the wire: the health answer and the error body every refusal carries.
import { z } from 'zod';
import { officeNumberSchema } from './formats.js';

/** `GET /v1/health`: the office is the one the relay read from the caller's certificate. */
export const healthSchema = z.object({
  status: z.literal('ok'),
  api: z.string(),
  office: officeNumberSchema,
  time: z.string(),
});
export type Health = z.infer<typeof healthSchema>;

/**
 * Every error answer (API v1): a stable code, the Japanese text as `message` and the English as
 * `messageEn`. Inside the programs the same thing is a LocalizedError (shared/errors.ts).
 */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    messageEn: z.string(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
