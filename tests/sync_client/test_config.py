"""Configuration: every constructor, and malformed input named precisely."""

from __future__ import annotations

import json

import pytest

from sync_client import ConfigurationError, RateLimits, RetryPolicy, SyncConfig

GOOD = {"api_base_url": "https://sandbox-quickbooks.api.intuit.com/v3", "client_id": "id", "client_secret": "s",
        "redirect_uri": "http://localhost:8765/callback",
        "discovery_url": "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration"}


def test_from_dict_with_nested_tables():
    config = SyncConfig.from_dict({**GOOD, "retry": {"max_attempts": 2, "backoff_base": 0.1},
                                   "rate_limits": {"batch_size": 10}})
    assert config.retry == RetryPolicy(max_attempts=2, backoff_base=0.1)
    assert config.rate_limits == RateLimits(batch_size=10) and config.minorversion == 75
    assert "client_secret" not in repr(config)


def test_keyword_only():
    with pytest.raises(TypeError):
        SyncConfig("https://x/v3", "id", "s", "http://localhost/cb")  # type: ignore[misc]


@pytest.mark.parametrize(("change", "key", "words"), [
    ({"api_base_url": "ftp://x"}, "api_base_url", "an http(s) URL"),
    ({"client_id": ""}, "client_id", "a non-empty string"),
    ({"minorversion": "75"}, "minorversion", "a whole number"),
    ({"retry": {"max_attempts": 0}}, "retry.max_attempts", "≥ 1"),
    ({"retry": {"sleepy": 1}}, "retry.sleepy", "unknown configuration key"),
    ({"rate_limits": {"batch_size": 31}}, "rate_limits.batch_size", "1 to 30"),
    ({"colour": "red"}, "colour", "unknown configuration key"),
    ({"discovery_url": None}, "token_url", "token_url or discovery_url"),
])
def test_malformed_configuration_names_the_key(change, key, words):
    with pytest.raises(ConfigurationError) as caught:
        SyncConfig.from_dict({**GOOD, **change})
    assert caught.value.key == key and words in str(caught.value)


def test_missing_key():
    data = dict(GOOD)
    del data["client_secret"]
    with pytest.raises(ConfigurationError, match="'client_secret' is missing: expected the app's OAuth client secret"):
        SyncConfig.from_dict(data)


def test_from_file_json_and_toml(tmp_path):
    (tmp_path / "c.json").write_text(json.dumps(GOOD))
    assert SyncConfig.from_file(tmp_path / "c.json").client_id == "id"
    toml = "[quickbooks]\n" + "".join(f'{k} = "{v}"\n' for k, v in GOOD.items()) + "[quickbooks.retry]\nmax_attempts = 3\n"
    (tmp_path / "c.toml").write_text(toml)
    assert SyncConfig.from_file(tmp_path / "c.toml").retry.max_attempts == 3
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(ConfigurationError, match="is not valid json"):
        SyncConfig.from_file(tmp_path / "bad.json")


def test_from_env():
    env = {f"CASPEN_QBO_{k.upper()}": v for k, v in GOOD.items()} | {"CASPEN_QBO_READ_TIMEOUT": "12.5"}
    assert SyncConfig.from_env(env).read_timeout == 12.5
    with pytest.raises(ConfigurationError, match="CASPEN_QBO_MINORVERSION must be a whole number"):
        SyncConfig.from_env({**env, "CASPEN_QBO_MINORVERSION": "seventy"})


def test_from_simulator_ready_file(tmp_path, qbo_sim):
    path = tmp_path / "ready.json"
    path.write_text(json.dumps({"base_url": qbo_sim.base_url, "api_base_url": qbo_sim.api_base,
                                "token_url": qbo_sim.base_url + "/oauth2/v1/tokens/bearer",
                                "discovery_url": qbo_sim.discovery_url, "client_id": "c", "client_secret": "s",
                                "redirect_uri": "http://localhost:8765/callback", "companies": []}))
    config = SyncConfig.from_simulator_ready_file(path)
    assert config.api_base_url == qbo_sim.api_base and config.token_url.endswith("/tokens/bearer")
    with pytest.raises(ConfigurationError, match="cannot read"):
        SyncConfig.from_simulator_ready_file(tmp_path / "absent.json")
