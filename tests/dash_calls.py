"""Fire a Dash callback over HTTP as the browser does (POST /_dash-update-component) and read
the text of what it returned; shared by the administration pages' integration tests."""

from __future__ import annotations


def call(client, app, trigger, values, *, state=None):
    """Fire the callback whose first input is ``trigger`` (id, property) with ``values`` for its
    inputs and ``state`` ({id: value}) for its states; returns the response's outputs."""

    def inputs(spec):
        return [(i["id"], i["property"]) for i in spec["inputs"]]

    candidates = sorted(
        (inputs(v).index(trigger), k, v)
        for k, v in app.callback_map.items()
        if trigger in inputs(v)
    )
    _, key, spec = candidates[0]  # the callback this input drives first
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...")
    ]
    state = state or {}
    response = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [{**i, "value": v} for i, v in zip(spec["inputs"], values, strict=True)],
            "changedPropIds": [f"{trigger[0]}.{trigger[1]}"],
            "state": [{**s, "value": state.get(s["id"])} for s in spec["state"]],
        },
    )
    assert response.status_code in (200, 204), response.data[:300]
    return response.json["response"] if response.status_code == 200 else {}


def text(component) -> str:
    """All text inside a serialised Dash component tree."""
    if isinstance(component, dict):
        return text(component.get("props", {}).get("children"))
    if isinstance(component, list):
        return "".join(text(c) for c in component)
    return "" if component is None else str(component)
