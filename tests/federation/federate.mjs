// Compose the gateway (a Federation v2 subgraph) with the cost-center subgraph and serve
// the supergraph through @apollo/gateway.
//
//   node federate.mjs http://127.0.0.1:8000/graphql
//
// 1. starts the cost-center subgraph on a free port;
// 2. reads the gateway's SDL with `{ _service { sdl } }` and composes the supergraph with
//    @apollo/composition (errors: printed to stderr, exit 1);
// 3. serves @apollo/gateway over that supergraph on a free port, and prints one JSON line
//    {"router": URL, "costs": URL} on stdout when both answer.
// It runs until it is terminated.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

import { resolvers, typeDefs } from './cost-subgraph.mjs';

const listen = { host: '127.0.0.1', port: 0 };

async function gatewaySdl(url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) {
    throw new Error(`_service { sdl } failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.data._service.sdl;
}

async function main() {
  const gatewayUrl = process.argv[2];
  if (!gatewayUrl) {
    console.error('usage: node federate.mjs GATEWAY_GRAPHQL_URL');
    process.exit(2);
  }

  const costs = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url: costsUrl } = await startStandaloneServer(costs, { listen });

  const composed = composeServices([
    { name: 'dbaas', url: gatewayUrl, typeDefs: parse(await gatewaySdl(gatewayUrl)) },
    { name: 'costs', url: costsUrl, typeDefs },
  ]);
  if (composed.errors) {
    for (const error of composed.errors) console.error(`composition: ${error.message}`);
    process.exit(1);
  }

  const router = new ApolloServer({
    gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }),
    includeStacktraceInErrorResponses: false,
  });
  const { url: routerUrl } = await startStandaloneServer(router, { listen });
  console.log(JSON.stringify({ router: routerUrl, costs: costsUrl }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
