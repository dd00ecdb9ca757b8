// Apollo Client 4 with automatic persisted queries against a served gateway, for
// tests/test_persisted_apollo.py. Runs the same query twice (network-only) and prints one
// JSON line per HTTP request the client made ({method, hash, query: whether the document
// was sent, status}), then one per result ({data} or {error}).
// Usage: node apollo-apq.mjs http://127.0.0.1:PORT/graphql [get|post]
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const [url, method = "get"] = process.argv.slice(2);
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

async function recordingFetch(input, init) {
  const target = new URL(typeof input === "string" ? input : input.url);
  const body = init?.body ? JSON.parse(init.body) : null;
  const extensions = body?.extensions ?? JSON.parse(target.searchParams.get("extensions") ?? "null");
  const query = body ? body.query : target.searchParams.get("query");
  const response = await fetch(input, init);
  console.log(
    JSON.stringify({
      request: {
        method: init?.method ?? "GET",
        hash: extensions?.persistedQuery?.sha256Hash ?? null,
        query: typeof query === "string" && query.length > 0,
        status: response.status,
        contentType: response.headers.get("content-type"),
      },
    }),
  );
  return response;
}

const client = new ApolloClient({
  link: new PersistedQueryLink({ sha256, useGETForHashedQueries: method === "get" }).concat(
    new HttpLink({ uri: url, fetch: recordingFetch }),
  ),
  cache: new InMemoryCache(),
});

const QUERY = gql`
  query ConnectionNames {
    connections {
      name
    }
  }
`;

for (let i = 0; i < 2; i += 1) {
  try {
    const result = await client.query({ query: QUERY, fetchPolicy: "network-only" });
    console.log(JSON.stringify({ result: { data: result.data, error: result.error?.message ?? null } }));
  } catch (error) {
    console.log(JSON.stringify({ result: { data: null, error: String(error) } }));
  }
}
