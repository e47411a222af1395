import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * Certificates the tests make themselves: a CA, server certificates signed by it (valid, expired,
 * made out to another name), a client certificate for two-way TLS, and a second CA that signed
 * none of them. Keys come from Node's crypto (fast); node-forge builds and signs the X.509.
 */

export interface KeyAndCert {
  readonly cert: string;
  readonly key: string;
  /** Files holding them, for flags and configs. */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestCertificates {
  readonly ca: KeyAndCert;
  readonly otherCa: KeyAndCert;
  /** Made out to localhost and 127.0.0.1. */
  readonly server: KeyAndCert;
  /** As `server`, but its validity ended yesterday. */
  readonly expiredServer: KeyAndCert;
  /** Made out to milvus.internal only. */
  readonly otherNameServer: KeyAndCert;
  readonly client: KeyAndCert;
  /** A client certificate signed by the other CA. */
  readonly strangerClient: KeyAndCert;
  readonly dir: string;
}

interface Subject {
  readonly commonName: string;
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
  readonly isCa?: boolean;
  readonly client?: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

let serial = 1;

function keyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function issue(subject: Subject, issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; pem: string; keyPem: string } {
  const keys = keyPair();
  const key = forge.pki.privateKeyFromPem(keys.privatePem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  cert.validity.notBefore = subject.notBefore;
  cert.validity.notAfter = subject.notAfter;
  const name = [{ name: 'commonName', value: subject.commonName }];
  cert.setSubject(name);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : name);
  const altNames = [...(subject.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(subject.ips ?? []).map((ip) => ({ type: 7, ip }))];
  cert.setExtensions([
    { name: 'basicConstraints', cA: subject.isCa === true, critical: true },
    { name: 'keyUsage', critical: true, ...(subject.isCa ? { keyCertSign: true, cRLSign: true } : { digitalSignature: true, keyEncipherment: true }) },
    ...(subject.isCa ? [] : [{ name: 'extKeyUsage', ...(subject.client ? { clientAuth: true } : { serverAuth: true }) }]),
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(issuer?.key ?? key, forge.md.sha256.create());
  return { cert, key, pem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

const DAY = 86_400_000;

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'rbac-certs-'));
  const now = Date.now();
  const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) };
  const save = (name: string, made: { pem: string; keyPem: string }): KeyAndCert => {
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    writeFileSync(certFile, made.pem);
    writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
    return { cert: made.pem, key: made.keyPem, certFile, keyFile };
  };
  const ca = issue({ commonName: 'milvus-rbac test CA', isCa: true, ...valid });
  const otherCa = issue({ commonName: 'another test CA', isCa: true, ...valid });
  const local = { dnsNames: ['localhost'], ips: ['127.0.0.1'] };
  return {
    dir,
    ca: save('ca', ca),
    otherCa: save('other-ca', otherCa),
    server: save('server', issue({ commonName: 'localhost', ...local, ...valid }, ca)),
    expiredServer: save('expired-server', issue({ commonName: 'localhost', ...local, notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }, ca)),
    otherNameServer: save('other-name-server', issue({ commonName: 'milvus.internal', dnsNames: ['milvus.internal'], ...valid }, ca)),
    client: save('client', issue({ commonName: 'rbac-operator', client: true, ...valid }, ca)),
    strangerClient: save('stranger-client', issue({ commonName: 'stranger', client: true, ...valid }, otherCa)),
  };
}
