// The TLS verification results the relay explains instead of dropping the connection, seen through
// officeOf with a connection as Node describes it (a list expiring mid-run cannot be waited for here).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { certsFromPem } from '../pki/certs.js';
import { Offices } from './offices.js';
import { HttpError } from './requests.js';
import type { RelayStore } from './store.js';
import { fixturePem } from './testSupport.js';

function request(authorizationError: string | null): IncomingMessage {
  const raw = Buffer.from(fixturePem('home-help.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const socket = { authorized: authorizationError === null, authorizationError, getPeerCertificate: () => ({ raw, subject: { CN: '1310000029', O: 'ひまわり' } }) } as unknown as TLSSocket;
  return { socket } as unknown as IncomingMessage;
}

function refusal(f: () => unknown): { status: number; code: string; ja: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    return { status: (e as HttpError).status, code: (e as HttpError).code, ja: (e as HttpError).ja };
  }
  throw new Error('not refused');
}

describe('officeOf and the TLS layer', () => {
  const offices = new Offices({} as RelayStore, certsFromPem(fixturePem('ca.pem')), () => new Date());

  it('answers an expired relay CRL with 503 crl_expired and a missing one with 403 crl_missing', () => {
    expect(refusal(() => offices.officeOf(request('CRL_HAS_EXPIRED')))).toMatchObject({ status: 503, code: 'crl_expired' });
    expect(refusal(() => offices.officeOf(request('UNABLE_TO_GET_CRL')))).toMatchObject({ status: 403, code: 'crl_missing' });
    expect(refusal(() => offices.officeOf(request('CERT_REVOKED')))).toMatchObject({ status: 403, code: 'certificate_revoked' });
    expect(refusal(() => offices.officeOf(request('CERT_HAS_EXPIRED')))).toMatchObject({ status: 403, code: 'no_office' });
  });
});
