"""The one upstream HTTP policy every vendor client goes through: the client and its
retries (http), pacing, deadlines and the breaker (resilience), what vendor text may show
(scrub, redact) and how caller-given parts enter a URL (url_segments)."""
