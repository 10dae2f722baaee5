"""The API's documented schemas (web/schemas.py) follow the types: the story brief is the Brief dataclass."""

from __future__ import annotations

from dataclasses import fields

from storyline.embed import HashingEncoder
from storyline.types import Brief
from test_briefs_render import brief_types


def _resolve(openapi: dict, schema: dict) -> dict:
    """A schema with its $ref (or the one non-null branch of its anyOf) followed."""
    if "anyOf" in schema:
        (schema,) = [s for s in schema["anyOf"] if s.get("type") != "null"]
    if "$ref" in schema:
        return openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_story_brief_schema_has_exactly_the_fields_of_the_brief_types(tmp_path):
    from storyline.web import create_app

    openapi = create_app(tmp_path / "w.db", HashingEncoder()).openapi()
    detail = openapi["components"]["schemas"]["StoryDetail"]
    brief = _resolve(openapi, detail["properties"]["brief"])
    assert list(brief["properties"]) == ["schema", *(f.name for f in fields(Brief))]
    assert set(brief["required"]) == set(brief["properties"])
    documented = openapi["components"]["schemas"]
    for cls in brief_types() - {Brief}:
        schema = documented[cls.__name__]
        assert list(schema["properties"]) == [f.name for f in fields(cls)], cls.__name__
        assert set(schema["required"]) == set(schema["properties"]), cls.__name__
    timeline = documented["TimelineEntry"]["properties"]["time"]
    assert {"type": "string", "format": "date-time"} in timeline["anyOf"]  # a time, sent as ISO 8601
    sources = brief["properties"]["sources"]
    assert sources["type"] == "object" and sources["additionalProperties"]["items"] == {"type": "string"}
