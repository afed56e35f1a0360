"""Static files in production: whitenoise's compressed, hashed storage, minus the rewriting of
sourceMappingURL comments. The vendored libraries (Chart.js, Bootstrap) name source maps
that are not vendored, and Django's post-processing fails collectstatic on a missing
reference; the browser just skips a map it cannot fetch."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for extension, rules in patterns:
        rules = tuple(
            rule
            for rule in rules
            if "sourceMappingURL" not in (rule if isinstance(rule, str) else rule[0])
        )
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
