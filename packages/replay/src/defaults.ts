// This repository's defaults for the replay check: the one file that names the Background Check sample. A team that
// copies packages/replay into its own repository sets its own defaults here.
import path from 'node:path';
import { dataConverterFromEnv } from '@background-check/codec';
import { DEPLOYMENT_NAME, NAMESPACE } from '@background-check/common';

export const DEFAULTS = {
  /** The workflow code checked when no --workflows is given. */
  workflowsPath: require.resolve('@background-check/workflows'),
  /** The saved histories checked when no file, folder or server option is given. */
  historiesDir: path.resolve(__dirname, '..', '..', '..', 'histories'),
  /** Below flags, TEMPORAL_NAMESPACE and temporal.toml: the chapter's namespace. */
  namespace: NAMESPACE,
  /** The Worker Deployment a --build-id belongs to when no --deployment-name is given. */
  deploymentName: DEPLOYMENT_NAME as string | undefined,
  /** Payload encryption (BACKGROUNDCHECK_CODEC_KEY, see packages/codec): histories written with it replay. */
  dataConverter: () => dataConverterFromEnv(),
  codecHint: 'set BACKGROUNDCHECK_CODEC_KEY to the key they were written with (see packages/codec)',
};
