/**
 * The WebTransport server certificate: a configured one (production, CA-issued) used as is, or a
 * self-signed ECDSA P-256 one minted here, persisted under `dir`, reused while it has more than
 * `renewBeforeMs` left and rotated before expiry (browsers pin it by SHA-256 through
 * `serverCertificateHashes`, which requires validity ≤ 14 days: W3C WebTransport §4.4).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mintCertificate } from './mint-certificate.ts';

export interface CurrentCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the leaf certificate's DER. */
  readonly sha256: Uint8Array;
  readonly notAfter: Date;
  /** True when minted here (and so must be pinned by hash). */
  readonly selfSigned: boolean;
}

export interface CertificateHashEntry {
  readonly algorithm: 'sha-256';
  /** Base64 (standard alphabet) of the SHA-256 digest. */
  readonly value: string;
}

export interface CertificateStoreOptions {
  /** Directory for the minted certificate and key (e.g. DATA_DIR/certs). */
  readonly dir: string;
  /** Configured PEM certificate chain and key files: used as is, never rotated. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Validity of minted certificates, days. Default 13. */
  readonly validityDays?: number;
  /** Rotate when less than this is left. Default 2 days. */
  readonly renewBeforeMs?: number;
  /** How often the expiry is checked. Default 1 hour. */
  readonly checkIntervalMs?: number;
  readonly now?: () => Date;
}

const DAY_MS = 86_400_000;
const CERT_FILE = 'webtransport-cert.pem';
const KEY_FILE = 'webtransport-key.pem';

function describe(certPem: string, keyPem: string, selfSigned: boolean): CurrentCertificate {
  const x509 = new X509Certificate(certPem);
  return { certPem, keyPem, selfSigned, notAfter: new Date(x509.validTo), sha256: createHash('sha256').update(x509.raw).digest() };
}

export class CertificateStore {
  private certificate: CurrentCertificate;
  private readonly options: CertificateStoreOptions;
  private readonly listeners = new Set<(certificate: CurrentCertificate) => void>();
  private readonly timer: NodeJS.Timeout | undefined;
  private rotating: Promise<void> | undefined;

  private constructor(options: CertificateStoreOptions, certificate: CurrentCertificate) {
    this.options = options;
    this.certificate = certificate;
    if (certificate.selfSigned) {
      this.timer = setInterval(() => void this.rotateIfDue(), options.checkIntervalMs ?? 3_600_000);
      this.timer.unref();
    }
  }

  /** Loads the configured certificate, or reuses/mints the self-signed one. */
  static async open(options: CertificateStoreOptions): Promise<CertificateStore> {
    if (options.certFile !== undefined || options.keyFile !== undefined) {
      if (options.certFile === undefined || options.keyFile === undefined) throw new Error('certificate and key files must be configured together');
      const [certPem, keyPem] = await Promise.all([readFile(options.certFile, 'utf8'), readFile(options.keyFile, 'utf8')]);
      return new CertificateStore(options, describe(certPem, keyPem, false));
    }
    const store = new CertificateStore(options, (await CertificateStore.loadMinted(options)) ?? (await CertificateStore.mintAndSave(options)));
    return store;
  }

  current(): CurrentCertificate {
    return this.certificate;
  }

  /** For `serverCertificateHashes`; empty for a configured (CA-verified) certificate. */
  hashes(): CertificateHashEntry[] {
    if (!this.certificate.selfSigned) return [];
    return [{ algorithm: 'sha-256', value: Buffer.from(this.certificate.sha256).toString('base64') }];
  }

  /** Called with each new certificate; returns the unsubscribe function. */
  onRotate(listener: (certificate: CurrentCertificate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Mints, persists and swaps in a new self-signed certificate now. */
  async rotate(): Promise<void> {
    if (!this.certificate.selfSigned) return;
    this.rotating ??= (async () => {
      try {
        this.certificate = await CertificateStore.mintAndSave(this.options);
        for (const listener of this.listeners) listener(this.certificate);
      } finally {
        this.rotating = undefined;
      }
    })();
    await this.rotating;
  }

  close(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private async rotateIfDue(): Promise<void> {
    const now = (this.options.now ?? (() => new Date()))();
    if (this.certificate.notAfter.getTime() - now.getTime() < (this.options.renewBeforeMs ?? 2 * DAY_MS)) await this.rotate();
  }

  private static async loadMinted(options: CertificateStoreOptions): Promise<CurrentCertificate | undefined> {
    try {
      const [certPem, keyPem] = await Promise.all([readFile(join(options.dir, CERT_FILE), 'utf8'), readFile(join(options.dir, KEY_FILE), 'utf8')]);
      const certificate = describe(certPem, keyPem, true);
      const validFrom = new Date(new X509Certificate(certPem).validFrom);
      const now = (options.now ?? (() => new Date()))();
      const left = certificate.notAfter.getTime() - now.getTime();
      const tooLong = certificate.notAfter.getTime() - validFrom.getTime() > 14 * DAY_MS;
      return left > (options.renewBeforeMs ?? 2 * DAY_MS) && !tooLong ? certificate : undefined;
    } catch {
      return undefined; // missing or unreadable: mint a new one
    }
  }

  private static async mintAndSave(options: CertificateStoreOptions): Promise<CurrentCertificate> {
    const now = (options.now ?? (() => new Date()))();
    const minted = mintCertificate({ validityDays: options.validityDays ?? 13, now });
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    // Write-then-rename so a crash never leaves a certificate without its key.
    const keyPath = join(options.dir, KEY_FILE);
    await writeFile(`${keyPath}.tmp`, minted.keyPem, { mode: 0o600 });
    await chmod(`${keyPath}.tmp`, 0o600);
    await writeFile(join(options.dir, `${CERT_FILE}.tmp`), minted.certPem);
    await rename(`${keyPath}.tmp`, keyPath);
    await rename(join(options.dir, `${CERT_FILE}.tmp`), join(options.dir, CERT_FILE));
    return { certPem: minted.certPem, keyPem: minted.keyPem, sha256: minted.sha256, notAfter: minted.notAfter, selfSigned: true };
  }
}
