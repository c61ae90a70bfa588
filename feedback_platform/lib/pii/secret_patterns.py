"""Regular expressions for credentials: shared by the API_KEY recognizer and the residual scan.

Written for the `regex` module that Presidio compiles patterns with, and matched case-sensitively, because
provider prefixes such as `AKIA` or `ghp_` are case-sensitive. Each key body must hold a digit where the
format allows it, so that prose such as "sk-learn-compatible-wrapper" is not taken for a key.

Where only the value after a keyword is the secret, the pattern matches the keyword and drops it from the
reported match with `\\K`, rather than looking behind: a variable-width look-behind is tried at every
position of every text, and made those two patterns 80% of the residual scan's time.
"""

SECRET_PATTERNS: dict[str, str] = {
    # OpenAI (sk-..., sk-proj-..., sk-svcacct-...) and Anthropic (sk-ant-...) keys.
    "openai_key": r"\bsk-(?:proj-|svcacct-|admin-|ant-)?(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,}",
    "aws_access_key_id": r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
    "github_token": r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b",
    "github_fine_grained_token": r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
    "slack_token": r"\bxox[baprs]-(?=[A-Za-z-]*[0-9])[A-Za-z0-9-]{10,}",
    "google_api_key": r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
    "stripe_key": r"\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}\b",
    "jwt": r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
    # Only the token after "Bearer" is matched (`\K` ends what the match reports), so "Authorization:
    # Bearer <API_KEY>" stays readable.
    "bearer_token": r"\b(?i:bearer)\s{1,4}\K(?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{16,}=*",
    # `api_key = "..."`, `password: ...`, `client_secret=...`: only the value is matched.
    "assigned_secret": (
        r"\b(?i:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token"
        r"|auth[_-]?token|token|password|passwd|pwd)[\"']?\s{0,3}[:=]\s{0,3}[\"']?\K"
        r"(?=[^\s\"'<>,;]*[0-9])[^\s\"'<>,;]{8,}"
    ),
}
"""Credential kind -> regex matching the secret itself."""
