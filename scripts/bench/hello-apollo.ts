/**
 * (g)'s reference: the bare Apollo Server 5 hello-world of its documentation (standalone HTTP
 * server, one resolver), on a loopback port the OS picks. Run as its own process by autocannon.ts;
 * prints `listening <url>` when ready.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const typeDefs = `type Query { hello: String }`;
const resolvers = { Query: { hello: () => 'world' } };

async function main(): Promise<void> {
  const server = new ApolloServer({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  process.stdout.write(`listening ${url}\n`);
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
