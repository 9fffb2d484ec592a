"""What the generic simulator learns from a contract's documented query parameters, on a small shop
API written for the test (no profile code): list filters, include_* states, the documented order,
usage buckets aggregated per `group_by` and filters, a profile's named filter paths, and renamed
fields over a shared state (by the diff between the state's version and the one served)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from apidrift.check.validation import ResponseValidator
from apidrift.contracts.model import ContractStore, ContractVersion
from apidrift.openapi.sources import import_openapi_file
from apidrift.profiles.model import ApiProfile, Auth, Lock, Simulation
from apidrift.simulator import create_app
from apidrift.simulator.core import Call
from apidrift.simulator.engine import Engine

SHOP = """
openapi: 3.1.0
info: {title: Shop, version: "1"}
paths:
  /orders:
    get:
      operationId: list-orders
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: 20, maximum: 100}}
        - {name: after, in: query, schema: {type: string}}
        - {name: order, in: query, schema: {type: string, enum: [asc, desc], default: desc}}
        - {name: status, in: query, schema: {$ref: "#/components/schemas/Status"}}
        - {name: "customer_ids[]", in: query, schema: {type: array, items: {type: string}}}
        - {name: "kinds[]", in: query, schema: {type: array, items: {$ref: "#/components/schemas/Kind"}}}
        - name: placed_at
          in: query
          style: deepObject
          schema:
            type: object
            properties: {gt: {type: integer}, gte: {type: integer}, lt: {type: integer}, lte: {type: integer}}
        - {name: "regions[]", in: query, schema: {type: array, items: {type: string}}}
        - {name: include_cancelled, in: query, schema: {type: boolean, default: false}}
      responses:
        "200":
          description: Orders.
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  data: {type: array, items: {$ref: "#/components/schemas/Order"}}
                  has_more: {type: boolean}
    post:
      operationId: create-order
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                status: {$ref: "#/components/schemas/Status"}
                kind: {$ref: "#/components/schemas/Kind"}
                placed_at: {type: integer}
                customer: {$ref: "#/components/schemas/CustomerRef"}
                shipping: {$ref: "#/components/schemas/Shipping"}
      responses:
        "200":
          description: The order.
          content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}
  /orders/{order_id}:
    get:
      operationId: get-order
      parameters: [{name: order_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: The order.
          content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}
    post:
      operationId: update-order
      parameters: [{name: order_id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json: {schema: {type: object, properties: {kind: {$ref: "#/components/schemas/Kind"}}}}
      responses:
        "200":
          description: The order.
          content: {application/json: {schema: {$ref: "#/components/schemas/Order"}}}
        "400":
          description: Refused.
          content:
            application/json:
              schema:
                type: object
                required: [error]
                properties:
                  error:
                    type: object
                    required: [message]
                    properties:
                      message: {type: string}
                      code: {type: [string, "null"]}
                      param: {type: [string, "null"]}
  /orders/{order_id}/notes:
    post:
      operationId: add-note
      parameters: [{name: order_id, in: path, required: true, schema: {type: string}}]
      requestBody:
        content: {application/json: {schema: {type: object, properties: {text: {type: string}}}}}
      responses:
        "200":
          description: The note.
          content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}
  /orders/{order_id}/notes/{note_id}:
    get:
      operationId: get-note
      parameters:
        - {name: order_id, in: path, required: true, schema: {type: string}}
        - {name: note_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The note.
          content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}
  /customers:
    get:
      operationId: list-customers
      parameters: [{name: limit, in: query, schema: {type: integer, default: 20}}]
      responses:
        "200":
          description: Customers.
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data:
                    type: array
                    items:
                      type: object
                      required: [id, name]
                      properties: {id: {type: string}, name: {type: string}}
  /customers/{customer_id}:
    get:
      operationId: get-customer
      parameters: [{name: customer_id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: A customer.
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties: {id: {type: string}, name: {type: string}}
  /stats/sales:
    get:
      operationId: sales-stats
      parameters:
        - {name: start_time, in: query, required: true, schema: {type: integer}}
        - {name: end_time, in: query, schema: {type: integer}}
        - {name: bucket_width, in: query, schema: {type: string, enum: [1h, 1d], default: 1d}}
        - name: group_by
          in: query
          schema: {type: array, items: {type: string, enum: [customer_id, channel]}}
        - {name: customer_ids, in: query, schema: {type: array, items: {type: string}}}
        - {name: channels, in: query, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer}}
        - {name: page, in: query, schema: {type: string}}
      responses:
        "200":
          description: Buckets.
          content:
            application/json:
              schema:
                type: object
                required: [data, has_more]
                properties:
                  has_more: {type: boolean}
                  next_page: {type: [string, "null"]}
                  data:
                    type: array
                    items:
                      type: object
                      required: [start_time, end_time, results]
                      properties:
                        start_time: {type: integer}
                        end_time: {type: integer}
                        results: {type: array, items: {$ref: "#/components/schemas/SalesResult"}}
components:
  schemas:
    Status: {type: string, enum: [open, shipped, cancelled]}
    Note: {type: object, required: [id, text], properties: {id: {type: string}, text: {type: string}}}
    Kind: {type: string, enum: [retail, wholesale]}
    CustomerRef:
      type: object
      required: [id]
      properties: {id: {type: string}, name: {type: string}}
    Shipping:
      type: object
      properties:
        address: {type: object, properties: {region: {type: string}}}
    Order:
      type: object
      required: [id, status, kind, created_at]
      properties:
        id: {type: string}
        status: {$ref: "#/components/schemas/Status"}
        kind: {$ref: "#/components/schemas/Kind"}
        created_at: {type: integer}
        placed_at: {type: integer}
        customer: {$ref: "#/components/schemas/CustomerRef"}
        shipping: {$ref: "#/components/schemas/Shipping"}
    SalesResult:
      type: object
      required: [object, orders, amount]
      properties:
        object: {type: string, const: sales.result}
        orders: {type: integer, minimum: 0}
        amount:
          type: object
          required: [cents, currency]
          properties: {cents: {type: integer}, currency: {type: string}}
        customer_id: {type: [string, "null"]}
        channel: {type: [string, "null"], enum: [web, store, null]}
"""
KEY = {"x-key": "k"}
NOW = 1_800_000_000 - 1_800_000_000 % 86_400  # a day boundary: three whole daily buckets


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[ContractVersion, Path]:
    folder = tmp_path_factory.mktemp("shop")
    spec = folder / "shop.yaml"
    spec.write_text(SHOP)
    return import_openapi_file(spec, version="1", scope=("/",)).version, folder


def _client(shop: tuple[ContractVersion, Path], **simulation: Any) -> TestClient:
    version, folder = shop
    profile = ApiProfile(
        name="shop", auth=Auth(scheme="header", header="x-key"), simulation=Simulation(**simulation)
    )
    app = create_app(
        version, profile=profile, store=ContractStore(folder / "contracts", api="shop"), clock=lambda: NOW
    )
    return TestClient(app, headers=KEY)


ORDERS = [
    {"status": "open", "kind": "retail", "placed_at": 100, "customer": {"id": "cus_a"}, "region": "north"},
    {
        "status": "shipped",
        "kind": "wholesale",
        "placed_at": 200,
        "customer": {"id": "cus_b"},
        "region": "south",
    },
    {
        "status": "cancelled",
        "kind": "retail",
        "placed_at": 300,
        "customer": {"id": "cus_a"},
        "region": "north",
    },
    {"status": "open", "kind": "wholesale", "placed_at": 400, "customer": {"id": "cus_c"}, "region": "east"},
    {"status": "shipped", "kind": "retail", "placed_at": 500, "customer": {"id": "cus_b"}, "region": "south"},
]


def _orders(c: TestClient, **query: Any) -> list[dict[str, Any]]:
    answer = c.get("/v1/orders", params={"limit": 100, **query})
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def _made(c: TestClient) -> list[dict[str, Any]]:
    made = []
    for order in ORDERS:
        body = {k: v for k, v in order.items() if k != "region"}
        body["shipping"] = {"address": {"region": order["region"]}}
        answer = c.post("/v1/orders", json=body)
        assert answer.status_code == 200, answer.text
        made.append(answer.json())
    return made


def test_documented_filters_are_applied_to_list_answers(shop: tuple[ContractVersion, Path]) -> None:
    c = _client(shop, filters={"/orders": {"regions": ("shipping.address.region",)}})
    _made(c)
    everything = _orders(c, include_cancelled="true")
    assert len(everything) >= len(ORDERS)

    def where(test: Any) -> list[str]:
        return [o["id"] for o in everything if test(o)]

    visible = [o for o in everything if o["status"] != "cancelled"]
    # include_cancelled: an item whose enum state is `cancelled` is hidden unless asked for
    assert [o["id"] for o in _orders(c)] == [o["id"] for o in visible]
    assert any(o["status"] == "cancelled" for o in everything)
    every = {"include_cancelled": "true"}
    # a parameter naming a field; its plural naming an embedded object's id; a ref'd enum's field
    assert [o["id"] for o in _orders(c, status="shipped")] == where(lambda o: o["status"] == "shipped")
    got = [o["id"] for o in _orders(c, **every, **{"customer_ids[]": ["cus_a", "cus_c"]})]
    assert got == where(lambda o: o.get("customer", {}).get("id") in ("cus_a", "cus_c")) and len(got) == 3
    got = [o["id"] for o in _orders(c, **every, **{"kinds[]": ["wholesale"]})]
    assert got == where(lambda o: o["kind"] == "wholesale")
    # a range object over the field of its name
    got = [o["id"] for o in _orders(c, **every, **{"placed_at[gte]": 200, "placed_at[lt]": 500})]
    assert got == where(lambda o: 200 <= o.get("placed_at", -1) < 500) and len(got) >= 3
    # a filter the profile names (`[simulation.filters]`): a nested field the names cannot tell
    got = [o["id"] for o in _orders(c, **every, **{"regions[]": ["south"]})]
    assert got == where(lambda o: o.get("shipping", {}).get("address", {}).get("region") == "south")
    assert len(got) == 2


def test_the_documented_order_sorts_by_creation_time(shop: tuple[ContractVersion, Path]) -> None:
    c = _client(shop)
    newest_first = [o["created_at"] for o in _orders(c, include_cancelled="true")]  # default: desc
    assert newest_first == sorted(newest_first, reverse=True)
    oldest_first = [o["created_at"] for o in _orders(c, include_cancelled="true", order="asc")]
    assert oldest_first == sorted(oldest_first) and len(oldest_first) >= 2
    # pages walk the filtered, ordered list
    first = c.get("/v1/orders", params={"limit": 1, "include_cancelled": "true"}).json()
    after = c.get(
        "/v1/orders", params={"limit": 1, "include_cancelled": "true", "after": first["data"][0]["id"]}
    ).json()
    assert [first["data"][0]["created_at"], after["data"][0]["created_at"]] == newest_first[:2]


def _sales(c: TestClient, **query: Any) -> list[dict[str, Any]]:
    params = {"start_time": NOW - 3 * 86_400, "end_time": NOW, **query}
    answer = c.get("/v1/stats/sales", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert ResponseValidator(c.app.state.simulator.base).is_valid("sales-stats", 200, body)  # type: ignore[attr-defined]
    buckets: list[dict[str, Any]] = body["data"]
    return buckets


def test_usage_buckets_aggregate_per_group_by_and_filters(shop: tuple[ContractVersion, Path]) -> None:
    c = _client(shop)
    customers = {x["id"] for x in c.get("/v1/customers", params={"limit": 100}).json()["data"]}
    total = _sales(c)
    grouped = _sales(c, group_by=["customer_id"])
    assert [b["start_time"] for b in total] == [b["start_time"] for b in grouped] and len(total) == 3
    for whole, parts in zip(total, grouped, strict=True):
        # without group_by: one result, its dimensions null; grouped: one result per customer
        (only,) = whole["results"]
        assert only["customer_id"] is None and only["channel"] is None
        assert parts["results"] and all(r["channel"] is None for r in parts["results"])
        ids = [r["customer_id"] for r in parts["results"]]
        assert len(ids) == len(set(ids)) and set(ids) <= customers  # ids of items that exist
        # the same records summed either way: the totals agree, nested metrics included
        assert sum(r["orders"] for r in parts["results"]) == only["orders"]
        assert sum(r["amount"]["cents"] for r in parts["results"]) == only["amount"]["cents"]
    # a filter parameter keeps the records of the values asked (per bucket, a subset of the total)
    wanted = grouped[0]["results"][0]["customer_id"]
    narrowed = _sales(c, group_by=["customer_id"], customer_ids=[wanted])
    assert all(r["customer_id"] == wanted for b in narrowed for r in b["results"])
    assert narrowed[0]["results"] == [r for r in grouped[0]["results"] if r["customer_id"] == wanted]
    by_channel = _sales(c, group_by=["channel"], channels=["web"])
    assert all(r["channel"] == "web" for b in by_channel for r in b["results"])
    assert _sales(c, group_by=["customer_id"]) == grouped  # the same window answers the same


INVITES = """
openapi: 3.1.0
info: {{title: Invites, version: "{label}"}}
paths:
  /invites:
    get:
      operationId: list-invites
      responses:
        "200":
          description: Invites.
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties: {{data: {{type: array, items: {{$ref: "#/components/schemas/Invite"}}}}}}
  /invites/{{invite_id}}:
    get:
      operationId: get-invite
      parameters: [{{name: invite_id, in: path, required: true, schema: {{type: string}}}}]
      responses:
        "200":
          description: An invite.
          content: {{application/json: {{schema: {{$ref: "#/components/schemas/Invite"}}}}}}
    post:
      operationId: update-invite
      parameters: [{{name: invite_id, in: path, required: true, schema: {{type: string}}}}]
      requestBody:
        content:
          application/json:
            schema: {{type: object, properties: {{{stamp}: {{type: integer}}}}}}
      responses:
        "200":
          description: An invite.
          content: {{application/json: {{schema: {{$ref: "#/components/schemas/Invite"}}}}}}
components:
  schemas:
    Invite:
      type: object
      additionalProperties: false
      required: [id, email, {stamp}]
      properties:
        id: {{type: string}}
        email: {{type: string}}
        {stamp}: {{type: integer}}
"""


def _invites(folder: Path, label: str, stamp: str) -> ContractVersion:
    spec = folder / f"invites-{label}.yaml"
    spec.write_text(INVITES.format(label=label, stamp=stamp))
    return import_openapi_file(spec, version=label, scope=("/",)).version


def test_a_renamed_field_is_served_and_written_under_its_version_name_over_one_state(tmp_path: Path) -> None:
    native, old = _invites(tmp_path, "2", "created_at"), _invites(tmp_path, "1", "invited_at")
    state = {"inv_1": {"id": "inv_1", "email": "a@example.com", "created_at": 111}}
    engine = Engine([old], 0, lambda: NOW, tables=lambda s, path, parents: s, native=native)

    def call(op_id: str, body: dict[str, Any] | None = None) -> Any:
        op = old.operation(op_id)
        params = {"invite_id": "inv_1"} if "{invite_id}" in op.path else {}
        done = Call(op=op, version=old, state=state, params=params, query={}, body=body or {})
        return engine.answer(done, shared=True).body

    assert call("list-invites")["data"] == [{"id": "inv_1", "email": "a@example.com", "invited_at": 111}]
    assert call("get-invite") == {"id": "inv_1", "email": "a@example.com", "invited_at": 111}
    # a write under the served name changes the state's one value, under the state's own name
    assert call("update-invite", {"invited_at": 222})["invited_at"] == 222
    assert state["inv_1"] == {"id": "inv_1", "email": "a@example.com", "created_at": 222, "_key": "inv_1"}
    # the state's own version reads it unrenamed
    same = Engine([native], 0, lambda: NOW, tables=lambda s, path, parents: s, native=native)
    op = native.operation("get-invite")
    own = Call(op=op, version=native, state=state, params={"invite_id": "inv_1"}, query={}, body={})
    assert same.answer(own, shared=True).body == {"id": "inv_1", "email": "a@example.com", "created_at": 222}


@pytest.mark.parametrize("paths", [(), ("",), ("a..b",)])
def test_a_profile_filter_names_field_paths(paths: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError, match="give one or more dotted field paths"):
        Simulation(filters={"/orders": {"regions": paths}})


@pytest.mark.parametrize("refuse", [("update", "below"), ("update",)])
def test_a_profile_lock_refuses_writes_to_an_item_in_a_state_and_below_it(
    shop: tuple[ContractVersion, Path], refuse: tuple[str, ...]
) -> None:
    lock = Lock(
        when={"status": "cancelled"}, refuse=refuse, code="order_closed", message="Order {id} is closed."
    )
    c = _client(shop, locks={"/orders": lock})
    made = {o["status"]: o["id"] for o in _made(c)}
    closed = c.post(f"/v1/orders/{made['cancelled']}", json={"kind": "wholesale"})
    assert closed.status_code == 400
    assert (
        closed.json()["error"]
        == {
            "message": f"Order {made['cancelled']} is closed.",
            "code": "order_closed",
            "param": "order_id",
        }
        or closed.json()["error"]["code"] == "order_closed"
    )
    assert c.get(f"/v1/orders/{made['cancelled']}").json()["kind"] == "retail"  # unchanged
    assert c.post(f"/v1/orders/{made['open']}", json={"kind": "wholesale"}).json()["kind"] == "wholesale"
    below = c.post(f"/v1/orders/{made['cancelled']}/notes", json={"text": "late"})
    assert below.status_code == (400 if "below" in refuse else 200), below.text
    note = c.post(f"/v1/orders/{made['open']}/notes", json={"text": "fine"}).json()
    assert c.get(f"/v1/orders/{made['open']}/notes/{note['id']}").json() == {"id": note["id"], "text": "fine"}
