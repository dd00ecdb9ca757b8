// A second, tiny subgraph owned by "finance": it extends the gateway's Database entity
// with the cost center a database is billed to, and lists cost lines that point back at
// Database entities, which the router then resolves through the gateway's _entities.
import { createHash } from 'node:crypto';
import { parse } from 'graphql';

export const typeDefs = parse(`#graphql
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

  "A database of the DBaaS gateway, as finance sees it"
  type Database @key(fields: "id") {
    id: ID!
    "The cost center the database is billed to"
    costCenter: String!
  }

  "What one database costs, and where it is booked"
  type CostLine {
    "The cost center booked"
    costCenter: String!
    "The database (resolved by the gateway subgraph); null when the gateway has none"
    database: Database
  }

  type Query {
    "One cost line per database ID, in order"
    costLines(databaseIds: [ID!]!): [CostLine!]!
  }
`);

// Deterministic, so the Python test can compute the expected answer from the ID alone.
export function costCenterOf(id) {
  return 'CC-' + createHash('sha256').update(id).digest('hex').slice(0, 6).toUpperCase();
}

export const resolvers = {
  Query: {
    costLines: (_, { databaseIds }) =>
      databaseIds.map((id) => ({ costCenter: costCenterOf(id), database: { id } })),
  },
  Database: {
    __resolveReference: (reference) => ({ id: reference.id }),
    costCenter: (database) => costCenterOf(database.id),
  },
};
