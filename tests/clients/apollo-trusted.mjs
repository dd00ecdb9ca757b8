// Apollo Client 4 against a gateway with trusted documents only, for
// tests/test_persisted_apollo.py. Three clients, one JSON line per HTTP request
// ({client, hash, query, status}) and per result ({client, data, error}):
// - "manifest": PersistedQueryLink with the IDs of Apollo's generated manifest, which
//   sends the manifest's ID alone;
// - "plain": no persisted queries, the same operation's full text;
// - "rogue": no persisted queries, an operation the manifest does not have.
// Usage: node apollo-trusted.mjs http://127.0.0.1:PORT/graphql path/to/manifest.json
import { readFileSync } from "node:fs";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { generatePersistedQueryIdsFromManifest } from "@apollo/persisted-query-lists";

const [url, manifestPath] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, "utf-8"));

function recordingFetch(client) {
  return async (input, init) => {
    const body = init?.body ? JSON.parse(init.body) : null;
    const response = await fetch(input, init);
    console.log(
      JSON.stringify({
        request: {
          client,
          hash: body?.extensions?.persistedQuery?.sha256Hash ?? null,
          query: typeof body?.query === "string",
          status: response.status,
        },
      }),
    );
    return response;
  };
}

function client(name, persisted) {
  const http = new HttpLink({ uri: url, fetch: recordingFetch(name) });
  const link = persisted
    ? new PersistedQueryLink(
        generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest }),
      ).concat(http)
    : http;
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

const TRUSTED = gql`
  query ConnectionNames {
    connections {
      name
    }
  }
`;
const ROGUE = gql`
  query Rogue {
    connections {
      vendor
      baseUrl
    }
  }
`;

for (const [name, persisted, query] of [
  ["manifest", true, TRUSTED],
  ["plain", false, TRUSTED],
  ["rogue", false, ROGUE],
]) {
  try {
    const result = await client(name, persisted).query({ query, fetchPolicy: "network-only" });
    console.log(JSON.stringify({ result: { client: name, data: result.data, codes: null } }));
  } catch (error) {
    const codes = error.errors?.map((e) => e.extensions?.code) ?? [String(error)];
    console.log(JSON.stringify({ result: { client: name, data: null, codes } }));
  }
}
