// Who is calling, and what the directory says about them. The office comes from the TLS client
// certificate, which must be an end entity's client-authentication certificate that the CA has not
// revoked. Every valid certificate an office connects with is kept (issue 11): a second one never
// silently replaces the first, and the directory marks the current one, which senders encrypt to.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { certInfo, EKU_CLIENT_AUTH, type CertInfo } from '../pki/certs.js';
import { CrlError, isRevoked, isStale, loadCrls, type Crl } from '../pki/crl.js';
import { OFFICE_PATTERN, sanitizeDisplayName, type DirectoryEntry } from '../shared/protocol/index.js';
import type { EnrollmentPolicy } from './enrollment.js';
import { HttpError } from './requests.js';
import type { OfficeRecord, RelayStore, StoredCertificate } from './store.js';

/** TLS verification results that still reach HTTP, so that the office is told why it is refused. */
export const EXPLAINED_TLS_ERRORS = new Set(['CERT_REVOKED', 'CRL_HAS_EXPIRED', 'UNABLE_TO_GET_CRL']);

// A connection is asked again after this long, and a certificate's last-seen time is written at most this often.
const RECHECK_MS = 60_000;

const refuse = (status: number, code: string, ja: string, en: string) =>
  // The connection closes with the refusal: a refused certificate gains nothing by keeping it open.
  new HttpError(status, code, ja, en, { connection: 'close' });

export class Offices {
  private crls: Crl[] = [];
  private crlPem: string | undefined;
  /** Bumped with every new CRL, so that connections already checked are checked again. */
  private generation = 0;
  private readonly sockets = new WeakMap<TLSSocket, { office: string; at: number; generation: number }>();
  private readonly seen = new Map<string, number>();
  private readonly revokedByFingerprint = new Map<string, boolean>();

  constructor(
    private readonly store: RelayStore,
    private readonly clientCas: CertInfo[],
    private readonly now: () => Date,
    private readonly enrollment: EnrollmentPolicy = 'open',
  ) {}

  /** The CRL PEM the TLS layer is given (undefined: none). */
  get crl(): string | undefined {
    return this.crlPem;
  }

  get revocationLists(): readonly Crl[] {
    return this.crls;
  }

  /**
   * Takes a new CRL file (PEM with one list per client CA, or one DER list). It must serve: every list signed by a client
   * CA, a list for every client CA (OpenSSL then checks each one in the chain and would refuse every
   * office of a CA without one), none past its nextUpdate (OpenSSL would refuse them all). Throws
   * CrlError and keeps the previous lists otherwise.
   */
  setCrl(input: string | Buffer | undefined): void {
    if (input === undefined) {
      this.crls = [];
      this.crlPem = undefined;
    } else {
      const crls = loadCrls(input, this.clientCas);
      for (const ca of this.clientCas.filter((c) => c.isCA)) {
        if (!crls.some((crl) => crl.issuer.fingerprint256 === ca.fingerprint256)) {
          const name = ca.subject.CN ?? ca.subjectText;
          throw new CrlError(`失効リスト（CRL）に CA「${name}」のリストがありません`, `The CRL file holds no list for the CA "${name}"`);
        }
      }
      const stale = crls.find((crl) => isStale(crl, this.now()));
      if (stale) {
        const name = stale.issuer.subject.CN ?? stale.issuer.subjectText;
        throw new CrlError(
          `CA「${name}」の失効リスト（CRL）は有効期限（${stale.nextUpdate!.toISOString()}）が切れています。CA から新しいリストを取得してください`,
          `The CRL of the CA "${name}" expired at ${stale.nextUpdate!.toISOString()}; get a fresh one from the CA`,
        );
      }
      this.crls = crls;
      this.crlPem = crls.map((c) => c.pem).join('');
    }
    this.generation++;
    this.revokedByFingerprint.clear();
  }

  /** The office number a connection's certificate names, vouched for by a CA or not (for audit lines only). */
  claimed(req: IncomingMessage): string | null {
    const cn = (req.socket as TLSSocket).getPeerCertificate?.(false)?.subject?.CN;
    return typeof cn === 'string' && OFFICE_PATTERN.test(cn) ? cn : null;
  }

  /**
   * The office behind the connection's client certificate, registering a new certificate on first
   * contact. The checks are officeOf's; the directory is written through the store.
   */
  async identify(req: IncomingMessage): Promise<string> {
    const known = this.known(req);
    if (known) return known;
    const { office, cert, organisation } = this.verify(req);
    await this.register(office, cert, organisation);
    this.sockets.set(req.socket as TLSSocket, { office, at: Date.now(), generation: this.generation });
    return office;
  }

  /** The office behind the connection's client certificate, or the refusal (synchronous: no store). */
  officeOf(req: IncomingMessage): string {
    return this.known(req) ?? this.verify(req).office;
  }

  private known(req: IncomingMessage): string | null {
    const known = this.sockets.get(req.socket as TLSSocket);
    return known && known.generation === this.generation && Date.now() - known.at < RECHECK_MS ? known.office : null;
  }

  private verify(req: IncomingMessage): { office: string; cert: CertInfo; organisation: string } {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate(false);
    const office = peer?.subject?.CN;
    // Node gives the OpenSSL verification code as a string here (typed as an Error).
    const tlsError = socket.authorizationError as unknown as string | null | undefined;
    if (tlsError === 'CERT_REVOKED') throw this.revoked();
    if (tlsError === 'CRL_HAS_EXPIRED') {
      throw refuse(503, 'crl_expired', '連携サービスの失効リスト（CRL）の期限が切れています。運用者が更新するまでお待ちください', "The relay's certificate revocation list has expired; wait until the operator renews it");
    }
    if (tlsError === 'UNABLE_TO_GET_CRL') {
      // An intermediate CA the relay holds no list for (the client sent it in its chain).
      throw refuse(403, 'crl_missing', '連携サービスにこの証明書の CA の失効リスト（CRL）がありません。運用者に連絡してください', "The relay holds no revocation list for this certificate's CA; contact the operator");
    }
    if (!socket.authorized || !peer?.raw || typeof office !== 'string' || !OFFICE_PATTERN.test(office)) {
      throw refuse(403, 'no_office', '事業所の証明書が必要です', 'An office certificate is required');
    }
    const cert = certInfo(peer.raw);
    if (cert.isCA) throw refuse(403, 'not_client_cert', 'CA の証明書は事業所の証明書として使えません', 'A CA certificate cannot be an office certificate');
    if (!cert.extendedKeyUsage?.includes(EKU_CLIENT_AUTH)) {
      throw refuse(403, 'not_client_cert', 'クライアント認証用の証明書ではありません（拡張キー使用法 clientAuth がありません）', 'Not a client-authentication certificate (no clientAuth extended key usage)');
    }
    // A list that arrived after the handshake: the TLS layer has not seen it for this connection.
    if (this.crls.length > 0 && isRevoked(cert, this.crls)) throw this.revoked();
    return { office, cert, organisation: typeof peer.subject.O === 'string' ? peer.subject.O : office };
  }

  private revoked(): HttpError {
    return refuse(403, 'certificate_revoked', '事業所の証明書は失効しています（CA の失効リスト）。CA から新しい証明書を取得してください', "The office certificate has been revoked (CA revocation list); obtain a new one from the CA");
  }

  private async register(office: string, cert: CertInfo, organisation: string): Promise<void> {
    // Asked of the store at every new connection (one key probe): a certificate the operator has just
    // withdrawn or enrolled counts from the next connection, at any relay process.
    const state = await this.store.certificateState(office, cert.fingerprint256);
    if (state === 'withdrawn') {
      throw refuse(403, 'certificate_withdrawn', 'この証明書は連携サービスの運用者が登録を取り消しました。運用者に連絡してください', 'The relay operator has withdrawn this certificate; contact the operator');
    }
    if (state === undefined && this.enrollment === 'operator') {
      throw refuse(
        403,
        'not_enrolled',
        `この証明書（事業所 ${office}）は連携サービスに登録されていません。運用者に証明書の登録を依頼してください`,
        `This certificate (office ${office}) is not enrolled at the relay; ask the relay operator to enroll it`,
      );
    }
    const last = this.seen.get(cert.fingerprint256);
    if (last !== undefined && Date.now() - last < RECHECK_MS) return;
    const name = sanitizeDisplayName(organisation) ?? office;
    const added = await this.store.registerCertificate(office, name, { fingerprint: cert.fingerprint256, pem: cert.pem, notBefore: cert.notBefore, notAfter: cert.notAfter }, this.now());
    if (added) {
      await this.store.audit({ office, action: 'certificate-added', messageId: null, detail: `${cert.fingerprint256} ${cert.notBefore.toISOString()}..${cert.notAfter.toISOString()} serial ${cert.serialNumber} ${cert.issuerText.replace(/\n/g, ', ')}`.slice(0, 500) });
    }
    this.seen.set(cert.fingerprint256, Date.now());
  }

  private isRevokedCertificate(c: StoredCertificate): boolean {
    if (this.crls.length === 0) return false;
    let answer = this.revokedByFingerprint.get(c.fingerprint);
    if (answer === undefined) {
      answer = isRevoked(certInfo(c.pem), this.crls);
      this.revokedByFingerprint.set(c.fingerprint, answer);
    }
    return answer;
  }

  /**
   * The directory entry of the protocol: every certificate valid now and not revoked, the current
   * one (newest notBefore, then the one first seen last) marked and given as `certificate`. With
   * none valid, `certificate` is the newest one not revoked (a sender checks validity and refuses
   * it), or empty when every one is revoked.
   */
  entry(r: OfficeRecord): DirectoryEntry {
    const now = this.now().getTime();
    const newestFirst = (a: StoredCertificate, b: StoredCertificate) => Date.parse(b.notBefore) - Date.parse(a.notBefore) || b.firstSeen.localeCompare(a.firstSeen);
    const usable = r.certificates.filter((c) => c.state === 'active' && !this.isRevokedCertificate(c)).sort(newestFirst);
    const valid = usable.filter((c) => Date.parse(c.notBefore) <= now && now < Date.parse(c.notAfter));
    const current = valid[0] ?? usable[0];
    return {
      office: r.office,
      name: r.name,
      serviceTypes: r.serviceTypes,
      certificate: current?.pem ?? '',
      certificates: valid.map((c) => ({ pem: c.pem, fingerprint: c.fingerprint, notBefore: c.notBefore, notAfter: c.notAfter, current: c === valid[0] })),
      lastSeen: r.lastSeen,
    };
  }
}
