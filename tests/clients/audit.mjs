// The graphql-http conformance audit against a served gateway: one JSON line per audit
// ({id, name, status, reason}), then the counts, for tests/test_graphql_over_http.py.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from "graphql-http";

const url = process.argv[2];
const counts = { ok: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  counts[result.status] += 1;
  const line = { id: audit.id, name: audit.name, status: result.status };
  if (result.status !== "ok") {
    line.reason = result.reason;
    if (result.response) {
      line.httpStatus = result.response.status;
      line.contentType = result.response.headers.get("content-type");
    }
  }
  console.log(JSON.stringify(line));
}
console.log(JSON.stringify({ counts }));
