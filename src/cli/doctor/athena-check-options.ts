import type { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AthenaConfig } from '../../config/config';

export interface AthenaDoctorClients {
  readonly athena: AthenaClient;
  readonly glue: GlueClient;
  readonly s3: S3Client;
}

export interface AthenaCheckOptions {
  readonly config: AthenaConfig;
  readonly clients: AthenaDoctorClients;
  /** run `SELECT 1` (StartQueryExecution; Athena bills its 10 MB minimum, about $0.00005) */
  readonly runQuery: boolean;
  readonly sleep?: (ms: number) => Promise<void>;
  /** how long SELECT 1 may take before it is stopped (default 30 s) */
  readonly queryTimeoutMs?: number;
}
