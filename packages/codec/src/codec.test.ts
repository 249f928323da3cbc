import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { UserError } from '@background-check/common';
import { AesGcmCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './codec';
import { CODEC_KEY_ENV, codecFromEnv, dataConverterFromEnv, generateKey, parseKey } from './env';

const SSN = '555-55-5555';
const codec = new AesGcmCodec(parseKey(generateKey()));
const plain = (): Payload => defaultPayloadConverter.toPayload(SSN);
const bytes = (p: Payload) =>
  Buffer.concat([Buffer.from(p.data ?? []), ...Object.values(p.metadata ?? {}).map((v) => Buffer.from(v))]);

describe('AesGcmCodec', () => {
  it('encrypts the whole payload: neither the SSN nor its encoding is readable', async () => {
    const [encoded] = await codec.encode([plain()]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded!.metadata![KEY_ID_METADATA]!).toString()).toBe(codec.keyId);
    expect(bytes(encoded!).includes(SSN)).toBe(false);
    expect(bytes(encoded!).includes('json/plain')).toBe(false);
  });

  it('decodes back to the original payload and value', async () => {
    const [decoded] = await codec.decode(await codec.encode([plain()]));
    expect(defaultPayloadConverter.fromPayload(decoded!)).toBe(SSN);
    expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('uses a fresh IV for each payload, so equal SSNs do not give equal ciphertexts', async () => {
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes unencrypted payloads through decode (histories from before the codec)', async () => {
    const [decoded] = await codec.decode([plain()]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toBe(SSN);
  });

  it('refuses a payload encrypted with another key, naming both key ids', async () => {
    const other = new AesGcmCodec(parseKey(generateKey()));
    const encoded = await other.encode([plain()]);
    await expect(codec.decode(encoded)).rejects.toThrow(
      new UserError(
        `A payload was encrypted with key ${other.keyId}, but the configured key is ${codec.keyId}. Set BACKGROUNDCHECK_CODEC_KEY to the key that encrypted these executions.`,
      ),
    );
  });

  it('detects a tampered payload', async () => {
    const [encoded] = await codec.encode([plain()]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow(/failed authentication/);
  });
});

describe('codec from the environment', () => {
  it('is off when the variable is unset or empty', () => {
    expect(codecFromEnv({})).toBeUndefined();
    expect(dataConverterFromEnv({ [CODEC_KEY_ENV]: '' })).toBeUndefined();
  });

  it('takes a key as base64 or hex; the same key gives the same key id', () => {
    const key = generateKey();
    const hex = Buffer.from(key, 'base64').toString('hex');
    expect(codecFromEnv({ [CODEC_KEY_ENV]: key })!.keyId).toBe(codecFromEnv({ [CODEC_KEY_ENV]: hex })!.keyId);
    expect(dataConverterFromEnv({ [CODEC_KEY_ENV]: key })!.payloadCodecs).toHaveLength(1);
  });

  it('rejects a malformed key with a message that says how to fix it and does not echo the value', () => {
    const secret = 'not-a-key-but-secret';
    let message = '';
    try {
      codecFromEnv({ [CODEC_KEY_ENV]: secret });
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      message = (err as Error).message;
    }
    expect(message).toContain(`${CODEC_KEY_ENV} must be a 32-byte key`);
    expect(message).toContain('new-key');
    expect(message).not.toContain(secret);
    // 16 bytes of base64 is well-formed base64 but the wrong length for AES-256.
    expect(() => codecFromEnv({ [CODEC_KEY_ENV]: Buffer.alloc(16).toString('base64') })).toThrow(UserError);
  });
});
