"""/api/openapi.json: an OpenAPI document generated from metadata."""

from __future__ import annotations

from tests.api.helpers import Api


def test_openapi_is_json_with_a_schema_per_doctype(api: Api) -> None:
    response = api.get("/api/openapi.json", user=None)
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    schemas = spec["components"]["schemas"]
    for doctype in ("Test Note", "Test Note Tag", "Test Category", "Test Record", "Test Single", "User", "Role"):
        assert doctype.replace(" ", "_") in schemas, doctype


def test_openapi_schema_carries_types_required_enums_and_links(api: Api) -> None:
    note = api.get("/api/openapi.json").json()["components"]["schemas"]["Test_Note"]
    props = note["properties"]
    assert note["required"] == ["title"]
    assert props["priority"]["type"] == "integer" and props["amount"]["type"] == "number"
    assert props["is_done"] == {**props["is_done"], "type": "integer", "enum": [0, 1]}
    assert props["due_date"]["format"] == "date"
    assert props["status"]["enum"] == ["", "Open", "Closed", "Archived"]
    assert props["category"]["x-link-doctype"] == "Test Category"
    assert props["tags"]["items"] == {"$ref": "#/components/schemas/Test_Note_Tag"}
    assert props["secret"]["writeOnly"] is True
    assert "sb1" not in props  # layout fields have no value


def test_openapi_lists_the_resource_paths(api: Api) -> None:
    paths = api.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/resource/Test%20Note"]) == {"get", "post"}
    assert set(paths["/api/resource/Test%20Note/{name}"]) == {"get", "put", "delete"}
    assert "/api/resource/Test%20Single/Test%20Single" in paths
    assert not any("Test%20Note%20Tag" in p for p in paths)  # child tables have no resource path
    assert "/api/method/ping" in paths


def test_every_schema_reference_resolves(api: Api) -> None:
    spec = api.get("/api/openapi.json").json()
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert refs
    for ref in refs:
        assert ref.split("/")[-1] in spec["components"]["schemas"], ref


def test_every_operation_documents_the_statuses_any_request_may_get(api: Api) -> None:
    """A body over the cap (413), a missing CSRF token (400), a throttle (429, with Retry-After) and a
    database outage (503, with Retry-After) can answer any operation, so each one documents them."""
    spec = api.get("/api/openapi.json").json()
    for path, operations in spec["paths"].items():
        for verb, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "413", "429", "503"} <= set(responses), (verb, path, sorted(responses))
            for code in ("429", "503"):
                assert "Retry-After" in responses[code]["headers"], (verb, path, code)
    create = spec["paths"]["/api/resource/Test%20Note"]["post"]["responses"]
    too_large = api.post("/api/resource/Test%20Note", content=b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}',
                         headers={"Content-Type": "application/json"})
    assert too_large.status_code == 413 and "413" in create
    assert "404" in create  # a controller may look up a linked record that is not there
