"""The GraphQL documents the benchmark sends, as a frontend would."""

from __future__ import annotations

#: MAX_PAGE_SIZE of the schema: the most databases one page of an organization shows
PAGE = 200

#: every organization of every connection with its databases (and their backups),
#: members (with roles) and API keys (with owners)
DASHBOARD = """
query Dashboard {
  organizations {
    id
    name
    connection { name vendor }
    databases(first: 200) {
      totalCount
      nodes { id name status backups { id status startedAt } }
    }
    members { id name role }
    apiKeys { id name state owner { id name } }
  }
}
"""

LOOKUP = """
query Lookup($ids: [ID!]!) {
  nodes(ids: $ids) { id ... on Database { name status } }
}
"""

WARM = """
query Warm($id: ID!) { database(id: $id) { name status } }
"""

#: one organization's services with their backups, every answer in the cache (issue 16)
WARM_CACHED = """
query WarmCached($id: ID!) {
  organization(id: $id) {
    name
    databases(first: 200) { nodes { id name status backups { id status startedAt } } }
  }
}
"""

#: every database of every connection: the gateway reads, maps and sorts them all and
#: answers the count with the first page (a page holds at most 200)
LARGE = """
query Large {
  databases(first: 200) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name status region }
  }
}
"""

DATABASE_IDS = """
query Ids { organizations { connection { name } databases(first: 200) { nodes { id } } } }
"""
