import crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { UserError } from '@background-check/common';

/** Metadata `encoding` of an encrypted payload; the SDK's converters refuse it until it is decoded. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that encrypted a payload, so a wrong key is reported as such. */
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A short, non-secret fingerprint of a key: tells keys apart in messages and metadata. */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

const text = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes ? Buffer.from(bytes).toString() : undefined;

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/**
 * Encrypts whole payloads (data and metadata, so not even the encoding shows) with AES-256-GCM:
 * the server, the Web UI and exported histories see only ciphertext. GCM authenticates too, so
 * a tampered payload or the wrong key fails loudly instead of decoding to garbage.
 */
export class AesGcmCodec implements PayloadCodec {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new UserError(`An AES-256-GCM key is 32 bytes, got ${key.length}.`);
    this.keyId = keyIdOf(key);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    // Unencrypted payloads pass through: histories from before the codec was turned on still read.
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv(CIPHER, this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(this.keyId),
      },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (keyId !== undefined && keyId !== this.keyId) {
      throw new UserError(
        `A payload was encrypted with key ${keyId}, but the configured key is ${this.keyId}. ` +
          'Set BACKGROUNDCHECK_CODEC_KEY to the key that encrypted these executions.',
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new UserError('An encrypted payload is too short to be valid: it was truncated or altered.');
    const decipher = crypto.createDecipheriv(CIPHER, this.key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new UserError(
        `An encrypted payload failed authentication with key ${this.keyId}: it was altered, or encrypted with another key.`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}
