import crypto from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { UserError } from '@background-check/common';
import { AesGcmCodec } from './codec';

/** The environment variable that turns payload encryption on: a 32-byte key, base64 or hex. */
export const CODEC_KEY_ENV = 'BACKGROUNDCHECK_CODEC_KEY';

/** A fresh random key in the form CODEC_KEY_ENV takes. */
export function generateKey(): string {
  return crypto.randomBytes(32).toString('base64');
}

/** Parses a key; the message never echoes the value (it is a secret). */
export function parseKey(value: string, name = CODEC_KEY_ENV): Buffer {
  const v = value.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(v)) key = Buffer.from(v, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=$/.test(v)) key = Buffer.from(v, 'base64');
  if (!key || key.length !== 32) {
    throw new UserError(
      `${name} must be a 32-byte key as base64 (44 characters) or hex (64 characters); the value set has ${v.length} characters. ` +
        `Make one with \`pnpm --filter @background-check/codec new-key\`, or unset ${name} to turn encryption off.`,
    );
  }
  return key;
}

/** The codec when CODEC_KEY_ENV is set; undefined (encryption off, the chapter's default) when not. */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const value = env[CODEC_KEY_ENV];
  if (value === undefined || value.trim() === '') return undefined;
  return new AesGcmCodec(parseKey(value));
}

/** The data converter for clients, workers and replay: with the codec when it is on. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = codecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
