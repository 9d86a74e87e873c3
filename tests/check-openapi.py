#!/usr/bin/python3
# check-openapi.py
#
# Copyright 2026 The Agent Desk authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts agent-desk-server on loopback with the demo data, calls every
# operation of data/api/openapi.yaml and validates each JSON answer against
# the response schema the contract gives for its status.
#
# Usage: check-openapi.py AGENT_DESK_SERVER REPO_ROOT

import copy
import datetime
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import yaml

METHODS = ("get", "put", "post", "patch", "delete")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class Contract:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.validators = {}
        self.checker = jsonschema.FormatChecker(formats=())
        self.checker.checks("date-time")(is_rfc3339)
        self.checker.checks("email")(lambda value: not isinstance(value, str) or "@" in value)
        self.validator_class = getattr(jsonschema, "Draft7Validator", jsonschema.Draft4Validator)

    def lookup(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"external $ref {ref}")
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def to_json_schema(self, schema, depth=0):
        """Inlines $ref and turns OpenAPI's `nullable: true` into JSON Schema."""
        if depth > 50:
            raise ValueError("schema nesting too deep (a $ref cycle?)")
        if isinstance(schema, list):
            return [self.to_json_schema(s, depth + 1) for s in schema]
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            resolved = self.to_json_schema(self.lookup(schema["$ref"]), depth + 1)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            if siblings.get("nullable"):
                return {"anyOf": [resolved, {"type": "null"}]}
            return resolved
        out = {}
        for key, value in schema.items():
            if key in ("nullable", "example", "discriminator", "xml", "externalDocs",
                       "readOnly", "writeOnly", "deprecated") or key.startswith("x-"):
                continue
            if key == "properties":
                out[key] = {name: self.to_json_schema(s, depth + 1) for name, s in value.items()}
            elif key in ("items", "not", "additionalProperties", "allOf", "anyOf", "oneOf"):
                out[key] = self.to_json_schema(value, depth + 1)
            else:
                out[key] = copy.deepcopy(value)
        if schema.get("nullable"):
            if "type" in out:
                types = out["type"] if isinstance(out["type"], list) else [out["type"]]
                out["type"] = types + ["null"]
                if "enum" in out and None not in out["enum"]:
                    out["enum"] = out["enum"] + [None]
            else:
                out = {"anyOf": [out, {"type": "null"}]}
        return out

    def operation(self, template, method):
        path_item = self.doc["paths"].get(template)
        if path_item is None:
            raise KeyError(f"{template} is not in the contract")
        operation = path_item.get(method.lower())
        if operation is None:
            raise KeyError(f"{method} {template} is not in the contract")
        return operation

    def response(self, template, method, status):
        """The documented response for @status, or None when undocumented."""
        if status == 405:
            # Any path, any method it does not list.
            response = {"$ref": "#/components/responses/MethodNotAllowed"}
        else:
            response = self.operation(template, method)["responses"].get(str(status))
        if response is None:
            return None
        if "$ref" in response:
            response = self.lookup(response["$ref"])
        return response

    def validator(self, template, method, status):
        key = (template, method, status)
        if key not in self.validators:
            response = self.response(template, method, status)
            content = (response or {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                self.validators[key] = None
            else:
                self.validators[key] = self.validator_class(self.to_json_schema(schema),
                                                            format_checker=self.checker)
        return self.validators[key]


def is_rfc3339(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


class Checker:
    def __init__(self, contract, base_url):
        self.contract = contract
        self.base_url = base_url
        self.failures = []
        self.called = set()
        self.checks = 0

    def fail(self, what):
        print(f"FAIL: {what}", flush=True)
        self.failures.append(what)

    def request(self, method, path, token=None, body=None, content_type=None, headers=None):
        data = None
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode("utf-8")
                content_type = content_type or "application/json"
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = body
            if content_type:
                all_headers["Content-Type"] = content_type
        req = urllib.request.Request(self.base_url + path, data=data, headers=all_headers,
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def call(self, method, template, expected, path=None, token=None, body=None,
             content_type=None, headers=None, params=None):
        """Calls @method @template (with {id} filled in as @path) and checks the
        status and the body against the contract. Returns the parsed body."""
        path = path or template
        if params:
            path += "?" + urllib.parse.urlencode(params)
        status, response_headers, raw = self.request(method, path, token, body, content_type,
                                                     headers)
        self.checks += 1
        if status != 405:
            self.called.add((template, method.lower()))
        what = f"{method} {path}"

        if status != expected:
            self.fail(f"{what}: expected {expected}, got {status}: {raw[:300]!r}")

        try:
            documented = self.contract.response(template, method, status)
        except KeyError as error:
            self.fail(f"{what}: {error}")
            return None
        if documented is None:
            self.fail(f"{what}: status {status} is not documented for this operation")
            return None

        content_type = response_headers.get("Content-Type", "")
        validator = self.contract.validator(template, method, status)
        if validator is None:
            if status == 204 and raw:
                self.fail(f"{what}: 204 with a body")
            return raw

        if not content_type.startswith("application/json"):
            self.fail(f"{what}: Content-Type {content_type!r}, expected application/json")
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            self.fail(f"{what}: the body is not JSON ({error}): {raw[:200]!r}")
            return None

        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors[:5]:
            location = "/".join(str(p) for p in error.absolute_path) or "(document)"
            self.fail(f"{what} -> {status}: {location}: {error.message[:300]}")

        if status == 405 and "Allow" not in response_headers:
            self.fail(f"{what}: 405 without Allow")
        if status == 429 and "Retry-After" not in response_headers:
            self.fail(f"{what}: 429 without Retry-After")
        return document

    def uncalled(self):
        missing = []
        for template, item in self.contract.doc["paths"].items():
            for method in METHODS:
                if method in item and (template, method) not in self.called:
                    missing.append(f"{method.upper()} {template}")
        return missing


class Server:
    def __init__(self, exe):
        self.exe = exe
        self.data = tempfile.mkdtemp(prefix="agent-desk-openapi-")
        self.process = None
        self.base_url = None

    def start(self):
        self.process = subprocess.Popen(
            [self.exe, "--data", self.data, "--seed", "demo", "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        if not ready:
            raise RuntimeError("the server printed nothing within 60 s")
        line = self.process.stdout.readline().decode("utf-8", "replace").strip()
        match = re.search(r"Listening on (http://127\.0\.0\.1:\d+)", line)
        if match is None:
            raise RuntimeError(f"unexpected first line from the server: {line!r}")
        self.base_url = match.group(1)
        # Keep reading so that a chatty server never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            sys.stdout.write("server: " + line.decode("utf-8", "replace"))

    def token(self, role, name, queues=None):
        command = [self.exe, "--data", self.data, "token", "create", "--role", role, "--name", name]
        if queues:
            command += ["--queues", queues]
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"token create --role {role} failed: {result.stderr!r}")
        token = result.stdout.decode("utf-8").strip()
        if not token or "\n" in token or " " in token:
            raise RuntimeError(f"token create printed {result.stdout!r}, expected just a token")
        return token

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def first(items, predicate, what):
    for item in items:
        if predicate(item):
            return item
    raise RuntimeError(f"no {what}")


def exercise(c, lead, agent, trainee):
    """Every operation of the contract, with valid requests and a few errors."""
    T = "/api/v1/tickets/{id}"

    c.call("GET", "/api/v1/me", 200, token=lead)
    c.call("GET", "/api/v1/me", 200, token=agent)
    c.call("GET", "/api/v1/me", 401)
    c.call("GET", "/api/v1/me", 401, token="bogus")
    c.call("DELETE", "/api/v1/me", 405, token=lead)
    c.call("GET", "/api/v1/queues", 200, token=agent)
    c.call("GET", "/api/v1/agents", 200, token=trainee)

    page = c.call("GET", "/api/v1/tickets", 200, token=lead, params={"limit": 5}) or {}
    c.call("GET", "/api/v1/tickets", 200, token=lead,
           params={"limit": 500, "since": page.get("next", "")})
    c.call("GET", "/api/v1/tickets", 400, token=lead, params={"limit": "abc"})
    open_page = c.call("GET", "/api/v1/tickets", 200, token=agent,
                       params={"limit": 5, "open": "true"}) or {}
    if any(t.get("status") not in ("new", "open", "pending") for t in open_page.get("items", [])):
        c.fail("GET /api/v1/tickets?open=true: a ticket that is not open work")
    c.call("GET", "/api/v1/tickets", 200, token=lead,
           params={"limit": 500, "open": "true", "since": open_page.get("next", "")})
    c.call("GET", "/api/v1/tickets", 400, token=lead, params={"open": "yes"})
    c.call("GET", "/api/v1/tickets", 200, token=agent,
           params={"limit": 500, "skip_open": open_page.get("next", "")})
    c.call("GET", "/api/v1/tickets", 400, token=lead, params={"skip_open": "yes"})
    everything = c.call("GET", "/api/v1/tickets", 200, token=lead, params={"limit": 500}) or {}
    tickets = [t for t in everything.get("items", []) if not t.get("deleted")]
    ticket = first(tickets, lambda t: t["queue_id"] == 1 and t["kind"] == "ticket", "queue-1 ticket")
    other = first(tickets, lambda t: t["queue_id"] == 3, "queue-3 ticket")
    tid = ticket["id"]
    path = f"/api/v1/tickets/{tid}"

    c.call("GET", T, 200, path=path, token=agent)
    c.call("GET", T, 404, path=f"/api/v1/tickets/{other['id']}", token=agent)
    c.call("GET", T, 404, path="/api/v1/tickets/999999999", token=lead)

    current = c.call("GET", T, 200, path=path, token=lead) or {}
    version = str(current.get("version", 1))
    updated = c.call("PATCH", T, 200, path=path, token=lead, headers={"If-Match": version},
                     body={"priority": "high", "tags": ["openapi"]}) or {}
    c.call("PATCH", T, 409, path=path, token=lead, headers={"If-Match": version},
           body={"priority": "low"})
    c.call("PATCH", T, 428, path=path, token=lead, body={"priority": "low"})
    c.call("PATCH", T, 403, path=path, token=trainee,
           headers={"If-Match": str(updated.get("version", 1))}, body={"status": "open"})
    c.call("PATCH", T, 400, path=path, token=lead,
           headers={"If-Match": str(updated.get("version", 1))}, body={"status": "frozen"})

    c.call("GET", "/api/v1/messages", 200, token=agent, params={"limit": 50})
    c.call("GET", "/api/v1/messages", 200, token=trainee, params={"limit": 50, "open": "true"})
    c.call("GET", "/api/v1/messages", 400, token=agent, params={"open": "1"})
    open_messages = c.call("GET", "/api/v1/messages", 200, token=agent,
                           params={"limit": 500, "open": "true"}) or {}
    c.call("GET", "/api/v1/messages", 200, token=agent,
           params={"limit": 500, "skip_open": open_messages.get("next", "")})
    c.call("GET", "/api/v1/messages", 400, token=agent, params={"skip_open": "c1tx"})
    c.call("GET", "/api/v1/tickets/{id}/messages", 200, path=f"{path}/messages", token=agent)
    note = {"body": "Checked against the contract", "visibility": "internal",
            "client_id": "openapi-check-1"}
    c.call("POST", "/api/v1/tickets/{id}/messages", 201, path=f"{path}/messages", token=agent,
           body=note)
    c.call("POST", "/api/v1/tickets/{id}/messages", 200, path=f"{path}/messages", token=agent,
           body=note)
    c.call("POST", "/api/v1/tickets/{id}/messages", 403, path=f"{path}/messages", token=trainee,
           body={"body": "Public", "visibility": "public"})
    c.call("POST", "/api/v1/tickets/{id}/messages", 400, path=f"{path}/messages", token=agent,
           body={"body": 5, "visibility": "public"})
    c.call("POST", "/api/v1/tickets/{id}/messages", 413, path=f"{path}/messages", token=agent,
           body={"body": "x" * (1024 * 1024 + 1), "visibility": "internal"})
    c.call("POST", "/api/v1/tickets/{id}/typing", 204, path=f"{path}/typing", token=agent)
    c.call("POST", "/api/v1/tickets/{id}/viewing", 204, path=f"{path}/viewing", token=agent,
           body={"state": "viewing"})
    c.call("POST", "/api/v1/tickets/{id}/viewing", 400, path=f"{path}/viewing", token=agent,
           body={"state": "dancing"})
    c.call("GET", T, 200, path=path, token=lead)  # now with a viewer

    upload = c.call("POST", "/api/v1/uploads", 201, token=agent, body=b"hello",
                    content_type="text/plain", params={"name": "a.txt"}) or {}
    c.call("POST", "/api/v1/uploads", 400, token=agent, body=b"hello", content_type="text/plain")
    c.call("POST", "/api/v1/tickets/{id}/messages", 201, path=f"{path}/messages", token=agent,
           body={"body": "With a file", "visibility": "internal",
                 "attachment_ids": [upload.get("id", 0)]})
    raw = c.call("GET", "/api/v1/attachments/{id}", 200,
                 path=f"/api/v1/attachments/{upload.get('id', 0)}", token=agent)
    if raw != b"hello":
        c.fail(f"GET /api/v1/attachments/{upload.get('id')}: got {raw!r}, expected b'hello'")
    c.call("GET", "/api/v1/attachments/{id}", 404, path="/api/v1/attachments/999999", token=agent)

    c.call("GET", "/api/v1/kb/articles", 200, token=trainee, params={"limit": 20})

    c.call("GET", "/api/v1/canned-replies", 200, token=agent)
    before = c.call("GET", "/api/v1/canned-replies", 200, token=agent,
                    params={"limit": 500}) or {}
    mine = c.call("POST", "/api/v1/canned-replies", 201, token=agent,
                  body={"title": "Mine", "shortcut": "mine", "body": "Hi {{customer.name}}",
                        "category": "Test", "locale": "en"}) or {}
    canned = f"/api/v1/canned-replies/{mine.get('id', 0)}"
    keyed = {"title": "Keyed", "shortcut": "keyed", "body": "Once", "category": "Test",
             "locale": "en", "client_id": "openapi-check-canned-1"}
    first_keyed = c.call("POST", "/api/v1/canned-replies", 201, token=agent, body=keyed) or {}
    again_keyed = c.call("POST", "/api/v1/canned-replies", 200, token=agent, body=keyed) or {}
    if again_keyed.get("id") != first_keyed.get("id"):
        c.fail(f"POST /api/v1/canned-replies with the same client_id made {again_keyed.get('id')}"
               f" after {first_keyed.get('id')}")
    c.call("PATCH", "/api/v1/canned-replies/{id}", 200, path=canned, token=agent,
           body={"title": "Mine, renamed"})
    c.call("POST", "/api/v1/canned-replies", 403, token=agent,
           body={"title": "S", "shortcut": "s", "body": "b", "category": "c", "locale": "en",
                 "shared": True})
    c.call("POST", "/api/v1/canned-replies", 201, token=lead,
           body={"title": "S", "shortcut": "s", "body": "b", "category": "c", "locale": "en",
                 "shared": True})
    c.call("DELETE", "/api/v1/canned-replies/{id}", 404, path=canned, token=lead)
    c.call("DELETE", "/api/v1/canned-replies/{id}", 204, path=canned, token=agent)
    after = c.call("GET", "/api/v1/canned-replies", 200, token=agent,
                   params={"since": before.get("next", "")}) or {}
    if not any(i.get("id") == mine.get("id") and i.get("deleted") for i in after.get("items", [])):
        c.fail(f"GET /api/v1/canned-replies?since=…: no tombstone for {mine.get('id')}")

    quizzes = c.call("GET", "/api/v1/quizzes", 200, token=trainee) or {}
    quiz = (quizzes.get("items") or [{"id": 1}])[0]
    attempts = f"/api/v1/quizzes/{quiz['id']}/attempts"
    c.call("POST", "/api/v1/quizzes/{id}/attempts", 201, path=attempts, token=trainee,
           body={"answers": {}})
    question = (quiz.get("questions") or [{"id": 0, "choices": [{"id": 0}]}])[0]
    c.call("POST", "/api/v1/quizzes/{id}/attempts", 201, path=attempts, token=agent,
           body={"answers": {str(question["id"]): [question["choices"][0]["id"]]}})
    c.call("POST", "/api/v1/quizzes/{id}/attempts", 400, path=attempts, token=agent,
           body={"answers": {"999999": [1]}})
    c.call("POST", "/api/v1/quizzes/{id}/attempts", 404, path="/api/v1/quizzes/999999/attempts",
           token=agent, body={"answers": {}})
    c.call("GET", "/api/v1/quiz-attempts", 200, token=trainee)
    c.call("GET", "/api/v1/quiz-attempts", 200, token=lead)

    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    c.call("GET", "/api/v1/metrics", 200, token=lead)
    c.call("GET", "/api/v1/metrics", 200, token=lead,
           params={"from": iso(now - datetime.timedelta(days=30)), "to": iso(now),
                   "bucket": "day"})
    c.call("GET", "/api/v1/metrics", 200, token=lead,
           params={"from": iso(now - datetime.timedelta(days=2)), "to": iso(now),
                   "bucket": "hour"})
    c.call("GET", "/api/v1/metrics", 400, token=lead, params={"bucket": "week"})
    c.call("GET", "/api/v1/metrics", 403, token=agent)

    # The event stream without an upgrade: one of its documented refusals.
    status, _, _ = c.request("GET", "/api/v1/events", lead)
    if status == 101 or status < 400:
        c.fail(f"GET /api/v1/events without Upgrade: status {status}, expected an error")
    else:
        c.call("GET", "/api/v1/events", status, token=lead)
    c.call("GET", "/api/v1/events", 401)

    chat = c.call("POST", "/api/v1/public/chats", 201,
                  body={"name": "Ana", "email": "ana@example.com", "locale": "en",
                        "subject": "Help", "body": "Hello"}) or {}
    other_chat = c.call("POST", "/api/v1/public/chats", 201,
                        body={"name": "Bo", "email": "bo@example.com", "locale": "zh-CN",
                              "subject": "充值", "body": "你好"}) or {}
    c.call("POST", "/api/v1/public/chats", 400, body={"name": "x"})

    # Ana writes again in a second chat: the two are merged.
    second_chat = c.call("POST", "/api/v1/public/chats", 201,
                         body={"name": "Ana", "email": "ana@example.com", "locale": "en",
                               "subject": "Help again", "body": "Me again"}) or {}
    M = "/api/v1/tickets/{id}/merge"
    merge_path = f"/api/v1/tickets/{second_chat.get('chat_id', 0)}/merge"
    c.call("POST", M, 403, path=merge_path, token=trainee, body={"into": chat.get("chat_id", 0)})
    c.call("POST", M, 400, path=merge_path, token=lead, body={"into": other_chat.get("chat_id", 0)})
    c.call("POST", M, 400, path=merge_path, token=lead,
           body={"into": second_chat.get("chat_id", 0)})
    c.call("POST", M, 200, path=merge_path, token=lead, body={"into": chat.get("chat_id", 0)})
    c.call("POST", M, 200, path=merge_path, token=lead, body={"into": chat.get("chat_id", 0)})
    chat_path = f"/api/v1/public/chats/{chat.get('chat_id', 0)}"
    customer = chat.get("customer_token", "none")
    c.call("POST", "/api/v1/public/chats/{id}/messages", 201, path=f"{chat_path}/messages",
           token=customer, body={"body": "Still there?"})
    c.call("POST", "/api/v1/public/chats/{id}/messages", 404, path=f"{chat_path}/messages",
           token=other_chat.get("customer_token", "none"), body={"body": "x"})
    c.call("POST", "/api/v1/public/chats/{id}/messages", 401, path=f"{chat_path}/messages",
           body={"body": "x"})
    c.call("POST", "/api/v1/public/chats/{id}/typing", 204, path=f"{chat_path}/typing",
           token=customer, body={})
    c.call("POST", "/api/v1/public/chats/{id}/typing", 401, path=f"{chat_path}/typing",
           body={})
    c.call("POST", "/api/v1/public/chats/{id}/rating", 204, path=f"{chat_path}/rating",
           token=customer, body={"rating": 5})
    c.call("POST", "/api/v1/public/chats/{id}/rating", 400, path=f"{chat_path}/rating",
           token=customer, body={"rating": 9})


def main():
    if len(sys.argv) != 3:
        print(__doc__ or "usage: check-openapi.py AGENT_DESK_SERVER REPO_ROOT", file=sys.stderr)
        return 2
    exe, root = sys.argv[1], sys.argv[2]
    contract = Contract(os.path.join(root, "data", "api", "openapi.yaml"))

    # The contract's own schemas must be valid JSON Schema once converted.
    for name, schema in contract.doc["components"]["schemas"].items():
        contract.validator_class.check_schema(contract.to_json_schema(schema))

    server = Server(exe)
    try:
        server.start()
        lead = server.token("lead", "Lead")
        agent = server.token("agent", "Agent", queues="1")
        trainee = server.token("trainee", "Trainee", queues="1")
        checker = Checker(contract, server.base_url)
        exercise(checker, lead, agent, trainee)
    finally:
        server.stop()

    for missing in checker.uncalled():
        checker.fail(f"{missing}: not exercised by this check")

    print(f"{checker.checks} calls, {len(checker.failures)} failures")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
