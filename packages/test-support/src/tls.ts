import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export interface CertFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function signed(dir: string, name: string, cn: string, ext: string, ca: string): void {
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
  ]);
}

/**
 * A throw-away certificate authority with a server certificate for localhost and a client
 * certificate, made with the openssl CLI in `dir` (P-256 keys, valid two days).
 */
export function makeCertificates(
  dir: string,
  { caName = 'background-check-test-ca', clientName = 'background-check-client' } = {},
): CertFiles {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-subj',
    `/CN=${caName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  signed(
    dir,
    'server',
    'localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
    'ca',
  );
  signed(
    dir,
    'client',
    clientName,
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
    'ca',
  );
  const at = (f: string) => path.join(dir, f);
  return {
    caCert: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
  };
}

export interface MtlsFront {
  port: number;
  /** Common names of the client certificates of the connections it let through. */
  clients: Set<string>;
  /** TLS handshakes it refused (no client certificate, or one from another CA). */
  refused: number;
  close(): Promise<void>;
}

/**
 * The dev server has no TLS options, so the test puts TLS in front of it: a TLS listener that
 * requires a client certificate from the test CA and passes the decrypted bytes (gRPC over
 * HTTP/2) through to the real server's plain port. What a Temporal Cloud or TLS-enabled cluster
 * endpoint does at the connection level.
 */
export async function startMtlsFront(certs: CertFiles, upstreamPort: number): Promise<MtlsFront> {
  const front: MtlsFront = { port: 0, clients: new Set(), refused: 0, close: async () => undefined };
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      key: fs.readFileSync(certs.serverKey),
      cert: fs.readFileSync(certs.serverCert),
      ca: fs.readFileSync(certs.caCert),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      const cn = socket.getPeerCertificate().subject?.CN;
      if (cn) front.clients.add(String(cn));
      const upstream = net.connect(upstreamPort, '127.0.0.1');
      sockets.add(socket);
      sockets.add(upstream);
      const end = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      socket.pipe(upstream).pipe(socket);
    },
  );
  server.on('tlsClientError', () => {
    front.refused += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.port = (server.address() as net.AddressInfo).port;
  front.close = () =>
    new Promise((resolve) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    });
  return front;
}
