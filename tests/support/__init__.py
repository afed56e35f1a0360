"""Helpers the tests share that are neither personas nor factories: child processes (a worker,
Redis, a dev server), a local SMTP server, a mock OpenID provider, and the factories of the
decisions and ressursteam models."""
