"""Keeps tldextract, which Presidio's EmailRecognizer calls, off the network.

`tldextract.extract` goes through the module-level `tldextract.tldextract.TLD_EXTRACTOR`, which on first
use downloads the public-suffix list (and writes it to a cache in the home directory). The platform runs
without internet, so the extractor is replaced by one that reads only the snapshot bundled in the wheel.
"""

import tldextract.tldextract
from tldextract import TLDExtract


def use_bundled_public_suffix_list() -> None:
    """Make every `tldextract.extract` call in this process use the bundled suffix-list snapshot.

    Idempotent. The snapshot is as old as the installed tldextract, which only matters for very new
    top-level domains: an email address there is still caught by the regex, only its validation differs.
    """
    current = tldextract.tldextract.TLD_EXTRACTOR
    if _is_offline(current):
        return
    tldextract.tldextract.TLD_EXTRACTOR = TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
    )


def _is_offline(extractor: TLDExtract) -> bool:
    return not extractor.suffix_list_urls and extractor.fallback_to_snapshot
