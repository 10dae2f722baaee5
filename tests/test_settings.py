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
