import { createGlueClient } from '../src/engines/glue/glue-client';
import { glueCommand } from '../src/engines/glue/glue-command';

/**
 * `npx ts-node --transpile-only scripts/glue-apply.ts apply|ddl --bucket ... [--dry-run]`: the same
 * command as `trailgate glue`. Credentials, region and endpoint (AWS_ENDPOINT_URL_GLUE) come from
 * the SDK's default chain.
 */
glueCommand(process.argv.slice(2), {
  glueClient: ({ region }) => createGlueClient({ region }),
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exitCode = 1;
  });
