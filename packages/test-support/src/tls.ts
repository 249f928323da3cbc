// TLS for the end-to-end test of the project's connection settings: certificates, and an mTLS front.
import { execFileSync, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export type CertFiles = ReturnType<typeof makeCertificates>;
export type MtlsFront = Awaited<ReturnType<typeof startMtlsFront>>;

/**
 * A throw-away certificate authority with a server certificate for localhost and a client
 * certificate, made with the openssl CLI (3.0 or later) in `dir` (P-256 keys, valid two days).
 */
export function makeCertificates(
  dir: string,
  { caName = 'background-check-test-ca', clientName = 'background-check-client' } = {},
) {
  const make = (name: string, cn: string, ...extensions: string[]) => {
    const key = `-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${name}.key -out ${name}.pem`;
    const signer = name === 'ca' ? [] : ['-CA', 'ca.pem', '-CAkey', 'ca.key'];
    const args = ['req', '-x509', '-days', '2', ...key.split(' '), '-subj', `/CN=${cn}`, ...signer];
    const stdio: StdioOptions = ['ignore', 'ignore', 'pipe']; // openssl's complaints go into the error
    execFileSync('openssl', [...args, ...extensions.flatMap((e) => ['-addext', e])], { cwd: dir, stdio });
    return path.join(dir, `${name}.pem`);
  };
  const leaf = (usage: string) => [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${usage}`,
  ];
  return {
    caCert: make('ca', caName, 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'),
    serverCert: make('server', 'localhost', ...leaf('serverAuth'), 'subjectAltName=DNS:localhost,IP:127.0.0.1'),
    serverKey: path.join(dir, 'server.key'),
    clientCert: make('client', clientName, ...leaf('clientAuth')),
    clientKey: path.join(dir, 'client.key'),
  };
}

/**
 * The dev server has no TLS options, so the test puts TLS in front of it: a TLS listener that
 * requires a client certificate from the test CA and passes the decrypted bytes (gRPC over
 * HTTP/2) through to the real server's plain port. What a Temporal Cloud or TLS-enabled cluster
 * endpoint does at the connection level.
 */
export async function startMtlsFront(certs: CertFiles, upstreamPort: number) {
  const [key, cert, ca] = [certs.serverKey, certs.serverCert, certs.caCert].map((file) => fs.readFileSync(file));
  const sockets = new Set<net.Socket>();
  const front = {
    port: 0,
    /** Common names of the client certificates of the connections it let through. */
    clients: new Set<string>(),
    /** TLS handshakes it refused (no client certificate, or one from another CA). */
    refused: 0,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await once(server.close(), 'close');
    },
  };
  const server = tls.createServer({ key, cert, ca, requestCert: true, ALPNProtocols: ['h2'] }, (socket) => {
    const cn = socket.getPeerCertificate().subject?.CN;
    if (cn) front.clients.add(String(cn));
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    socket.pipe(upstream).pipe(socket);
  });
  server.on('tlsClientError', () => (front.refused += 1));
  await once(server.listen(0, '127.0.0.1'), 'listening');
  front.port = (server.address() as net.AddressInfo).port;
  return front;
}
