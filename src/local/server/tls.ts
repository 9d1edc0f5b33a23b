import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * Azure SDK clients refuse to send bearer tokens over plain http, so the local endpoints speak TLS
 * with a certificate made at start-up for localhost; clients trust it through `tlsOptions.ca`.
 */
export async function localhostCertificate(): Promise<TlsMaterial> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** The local endpoints' certificate, kept with the data so restarts keep the same trust. */
export async function dataDirCertificate(dataDir: string): Promise<{ tls: TlsMaterial; certFile: string }> {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true });
    const material = await localhostCertificate();
    writeFileSync(keyFile, material.key, { mode: 0o600 });
    writeFileSync(certFile, material.cert);
  }
  return { tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }, certFile };
}
