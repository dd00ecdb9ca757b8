"""The cross-request cache: entries, policy, invalidation and the in-process backend
(store), and the Redis backend shared by instances (redis_backend, redis_link,
redis_scripts)."""
