"""Settings precedence: defaults ← file ← env ← flags; bad values are clear errors."""

import pytest

from storyline.errors import ConfigError
from storyline.settings import Settings


def test_precedence(tmp_path):
    config = tmp_path / "storyline.toml"
    config.write_text('[storyline]\nbatch_size = 16\nencoder = "hashing"\ndb = "file.db"\n')
    settings = Settings.load(config, env={"STORYLINE_BATCH_SIZE": "8"}, db="flag.db", encoder=None)
    assert (settings.batch_size, settings.encoder, settings.db) == (8, "hashing", "flag.db")


def test_bad_values_and_unknown_keys_are_config_errors(tmp_path):
    with pytest.raises(ConfigError):
        Settings.load(env={"STORYLINE_BATCH_SIZE": "many"})
    config = tmp_path / "c.toml"
    config.write_text("[storyline]\ncolour = 'blue'\n")
    with pytest.raises(ConfigError) as err:
        Settings.load(config, env={})
    assert "colour" in err.value.message


def test_booleans_from_env():
    assert Settings.load(env={"STORYLINE_CLEAN_WITH_ENCODER": "no"}).clean_with_encoder is False


# ---------- fetch politeness: one typed value, like every other setting (issue 17, item 8) ----------
def test_fetch_settings_from_file_env_and_flags(tmp_path):
    from storyline.settings import FetchSettings

    config = tmp_path / "storyline.toml"
    config.write_text('[storyline]\ndb = "news.db"\n\n[storyline.fetch]\nparallel = 2\ndelay = 0.5\nretries = 1\n')
    settings = Settings.load(config, env={"STORYLINE_FETCH_RETRIES": "0", "STORYLINE_FETCH_MAX_SIZE": "300KB"},
                             fetch={"timeout": 3.0, "delay": None})
    assert settings.fetch == FetchSettings(timeout=3.0, retries=0, delay=0.5, parallel=2, max_size="300KB")
    assert settings.fetch.max_bytes == 300 * 1024
    assert Settings.load(env={}).fetch == FetchSettings()  # untouched defaults: 15 s, 3 retries, 1 s, 4 hosts, 5MB


@pytest.mark.parametrize("env, says", [
    ({"STORYLINE_FETCH_PARALLEL": "99"}, "parallel=99"),
    ({"STORYLINE_FETCH_MAX_SIZE": "huge"}, "not a size"),
    ({"STORYLINE_FETCH_TIMEOUT": "0"}, "timeout=0"),
    ({"STORYLINE_FETCH_RETRIES": "few"}, "fetch.retries"),
])
def test_bad_fetch_settings_are_config_errors_naming_the_value(env, says):
    with pytest.raises(ConfigError) as err:
        Settings.load(env=env)
    assert says in err.value.message


def test_unknown_fetch_key_is_named(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[storyline.fetch]\npolitness = 3\n")
    with pytest.raises(ConfigError) as err:
        Settings.load(config, env={})
    assert "fetch.politness" in err.value.message and "parallel" in (err.value.hint or "")
