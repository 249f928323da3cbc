import fs from 'node:fs';

/** Debian's Chromium, as scripts/install-chromium.sh installs it; CHROMIUM_PATH points elsewhere. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(chromiumPath(), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const howToEnable = (): string =>
  `Chromium was not found at ${chromiumPath()}. Install Debian's chromium with \`sudo bash scripts/install-chromium.sh\` ` +
  '(apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary, then run `pnpm jest packages/webui-test`.';

/**
 * Flags for a quiet, self-contained headless run: no sandbox (CI runs as root), no GPU, no
 * network traffic of the browser's own (updates, sync, QUIC), no first-run pages.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
