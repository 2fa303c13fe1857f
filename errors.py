"""The error users see: one line, no traceback, a non-zero exit."""


class ResqueError(Exception):
    """A problem with the input or the environment that the user can fix."""


# A source whose answer lost its results (hits key or id field missing, an empty first page
# that should have results): the crawl stats the spider sets and the parent reads. The
# crawl then fails instead of loading a partial snapshot.
RESULTS_MISSING = "resque/results_missing"
RESULTS_MISSING_REASON = "resque/results_missing_reason"
RESULTS_MISSING_FINISH = "results_missing"
