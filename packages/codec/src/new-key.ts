// `pnpm --filter @background-check/codec new-key`: prints a fresh key for BACKGROUNDCHECK_CODEC_KEY.
import { CODEC_KEY_ENV, generateKey } from './env';

console.log(`${CODEC_KEY_ENV}=${generateKey()}`);
