"""A fake Hugging Face Hub for tests: a local HTTP server in a thread of the test process.

It answers the part of the Hub's HTTP API that ``huggingface_hub`` uses to create a model repo,
commit files and download them, as read from huggingface_hub 2.x (``hf_api.py``,
``_commit_api.py``, ``file_download.py``, ``_snapshot_download.py``):

* ``POST /api/repos/create``                          -> ``{"url": ...}``; 409 when it exists
* ``POST /api/validate-yaml``                         -> the README's metadata must be a YAML mapping
* the same under ``/api/spaces/<repo>/...`` for Spaces (``genapp.space``)
* ``POST /api/models/<repo>/preupload/<rev>``         -> every file "regular": no LFS, no Xet, so
  the commit carries the files inline (base64 lines of the NDJSON body)
* ``POST /api/models/<repo>/commit/<rev>``            -> applies ``file`` / ``deletedFile`` lines
* ``GET  /api/models/<repo>[/revision/<rev>]``        -> id, sha, private, siblings (+ sizes with ``blobs``)
* ``GET  /api/models/<repo>/tree/<rev>``              -> the file list (``type``, ``path``, ``size``, ``oid``)
* ``HEAD|GET /<repo>/resolve/<rev>/<path>``           -> the file, with the headers ``hf_hub_download``
  checks: ``ETag`` (git blob sha1), ``X-Repo-Commit``, ``Content-Length``

Writes need ``Authorization: Bearer <a write token>``; a private repo is readable only with one.
Errors carry the ``X-Error-Code`` headers that ``hf_raise_for_status`` turns into the library's
exceptions. Every request is recorded (method, path, token sent) so tests can check what the client
did -- and did not -- ask for.
"""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import yaml


def git_blob_sha1(data: bytes) -> str:
    """The git object id of a file, which the Hub uses as a regular file's oid and ETag."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Commit:
    oid: str
    message: str
    files: dict[str, bytes]
    time: float


@dataclass
class Repo:
    id: str
    private: bool = False
    sdk: str | None = None  # a Space's SDK (spaces are keyed "spaces/<owner>/<name>")
    commits: list[Commit] = field(default_factory=list)

    @property
    def head(self) -> Commit:
        return self.commits[-1]

    def at(self, rev: str) -> Commit | None:
        if rev == "main":
            return self.head
        return next((c for c in self.commits if c.oid == rev), None)


@dataclass
class Request:
    method: str
    path: str
    token: str | None


REPO = r"(?P<repo>[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*)"
KIND = r"(?P<kind>models|spaces)"
ROUTES = [  # (method, pattern, handler name); first match wins
    ("POST", r"/api/repos/create", "create_repo"),
    ("POST", r"/api/validate-yaml", "validate_yaml"),
    ("POST", rf"/api/{KIND}/{REPO}/preupload/(?P<rev>[^/]+)", "preupload"),
    ("POST", rf"/api/{KIND}/{REPO}/commit/(?P<rev>[^/]+)", "commit_endpoint"),
    ("GET", rf"/api/{KIND}/{REPO}/tree/(?P<rev>[^/]+)(?:/(?P<path>.*))?", "tree"),
    ("GET", rf"/api/{KIND}/{REPO}(?:/revision/(?P<rev>[^/]+))?", "model_info"),
    ("HEAD", rf"/{REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "resolve"),
    ("GET", rf"/{REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "resolve"),
]


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, headers: dict | None = None,
                 **extra):
        super().__init__(message)
        self.status, self.message, self.code, self.headers, self.extra = status, message, code, headers or {}, extra


class FakeHub:
    """``with FakeHub(write_tokens={"hf_x"}) as hub: ...``; ``hub.url`` is the endpoint."""

    def __init__(self, write_tokens: set[str] | frozenset[str] = frozenset(), *, echo_token_in_errors: bool = False):
        self.write_tokens = set(write_tokens)
        self.echo_token_in_errors = echo_token_in_errors  # a careless server that quotes what it got
        self.repos: dict[str, Repo] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self._counter = 0
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop()

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                hub._handle(self, "GET")

            def do_HEAD(self):
                hub._handle(self, "HEAD")

            def do_POST(self):
                hub._handle(self, "POST")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # ------------------------------------------------------------ lifecycle and test helpers
    def start(self) -> "FakeHub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "FakeHub":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def add_repo(self, repo_id: str, files: dict[str, bytes], *, private: bool = False) -> Repo:
        """Files as someone else pushed them (e.g. a pickle), in a new repo or on top of one."""
        with self.lock:
            repo = self.repos.get(repo_id) or self._create(repo_id, private)
            self._new_commit(repo, "seeded by the test", {**repo.head.files, **files})
            return repo

    def files(self, repo_id: str) -> dict[str, bytes]:
        return dict(self.repos[repo_id].head.files)

    def paths_requested(self, method: str | None = None, since: int = 0) -> list[str]:
        """Paths of the requests from the ``since``-th on (an index into ``requests``, counted before
        filtering by ``method``)."""
        with self.lock:
            return [r.path for r in self.requests[since:] if method is None or r.method == method]

    # ------------------------------------------------------------ state
    def _create(self, repo_id: str, private: bool) -> Repo:
        repo = Repo(repo_id, private)
        self.repos[repo_id] = repo
        self._new_commit(repo, "initial commit", {".gitattributes": b"*.safetensors filter=lfs diff=lfs -text\n"})
        return repo

    def _new_commit(self, repo: Repo, message: str, files: dict[str, bytes]) -> Commit:
        self._counter += 1
        oid = hashlib.sha1(f"{repo.id}:{self._counter}:{message}".encode()).hexdigest()
        commit = Commit(oid, message, dict(files), time.monotonic())
        repo.commits.append(commit)
        return commit

    # ------------------------------------------------------------ HTTP
    def _handle(self, req: http.server.BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(req.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        auth = req.headers.get("Authorization") or ""
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        with self.lock:
            self.requests.append(Request(method, path, token))
        for verb, pattern, name in ROUTES:
            m = re.fullmatch(pattern, path)
            if verb == method and m:
                try:
                    with self.lock:
                        status, headers, payload = getattr(self, "_" + name)(token=token, body=body, query=query,
                                                                             **m.groupdict())
                except ApiError as err:
                    message = err.message + (f" (token sent: {token})" if self.echo_token_in_errors and token else "")
                    status, payload = err.status, json.dumps({"error": message, **err.extra}).encode()
                    headers = {"Content-Type": "application/json", "X-Error-Message": message, **err.headers}
                    if err.code:
                        headers["X-Error-Code"] = err.code
                break
        else:
            status, headers, payload = 404, {"Content-Type": "application/json"}, b'{"error": "no such route"}'
        req.send_response(status)
        for key, val in {"Content-Length": str(len(payload)), **headers}.items():
            req.send_header(key, str(val))
        req.end_headers()
        if method != "HEAD":
            req.wfile.write(payload)

    @staticmethod
    def _json(data, status: int = 200):
        return status, {"Content-Type": "application/json"}, json.dumps(data).encode()

    def _writer(self, token: str | None) -> None:
        if token is None:
            raise ApiError(401, "Invalid credentials in Authorization header")
        if token not in self.write_tokens:
            raise ApiError(403, "You don't have the rights to write to this namespace")

    def _readable(self, repo_id: str, token: str | None) -> Repo:
        repo = self.repos.get(repo_id)
        if repo is None or (repo.private and token not in self.write_tokens):
            raise ApiError(404 if repo is None else 401, "Repository not found", "RepoNotFound")
        return repo

    def _revision(self, repo: Repo, rev: str) -> Commit:
        commit = repo.at(unquote(rev))
        if commit is None:
            raise ApiError(404, f"Invalid rev id: {rev}", "RevisionNotFound")
        return commit

    # ------------------------------------------------------------ endpoints
    @staticmethod
    def _key(kind: str, repo: str) -> str:
        """Model repos are keyed by their id (``hub.files("a/b")``), Spaces by "spaces/<id>"."""
        return repo if kind == "models" else f"spaces/{repo}"

    def _create_repo(self, token, body, query):
        self._writer(token)
        data = json.loads(body)
        repo_id = f"{data['organization']}/{data['name']}" if data.get("organization") else data["name"]
        space = data.get("type") == "space"
        if space and data.get("sdk") not in ("gradio", "docker", "static"):
            raise ApiError(400, "a Space needs an sdk")
        key = f"spaces/{repo_id}" if space else repo_id
        url = f"{self.url}/{key}"
        if key in self.repos:
            raise ApiError(409, f"You already created this {'space' if space else 'model'} repo", url=url)
        self._create(key, data.get("visibility") == "private" or bool(data.get("private")))
        self.repos[key].sdk = data.get("sdk") if space else None
        return self._json({"url": url, "name": repo_id, "id": repo_id})

    def _validate_yaml(self, token, body, query):
        content = json.loads(body)["content"]
        m = re.match(r"^---\n(.*?)\n---\n", content, re.S)
        meta = yaml.safe_load(m.group(1)) if m else None
        if not isinstance(meta, dict):
            return self._json({"errors": [{"message": "metadata must be a YAML mapping"}], "warnings": []}, 400)
        return self._json({"errors": [], "warnings": []})

    def _preupload(self, token, body, query, kind, repo, rev):
        self._writer(token)
        head = self._revision(self._readable(self._key(kind, repo), token), rev).files
        files = json.loads(body)["files"]
        return self._json({"files": [
            {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False,
             "oid": git_blob_sha1(head[f["path"]]) if f["path"] in head else None}
            for f in files]})

    def _commit_endpoint(self, token, body, query, kind, repo, rev):
        self._writer(token)
        target = self._readable(self._key(kind, repo), token)
        files = dict(self._revision(target, rev).files)
        message = ""
        for line in body.splitlines():
            item = json.loads(line)
            key, value = item["key"], item["value"]
            if key == "header":
                message = value["summary"]
            elif key == "file":
                if value.get("encoding") != "base64":
                    raise ApiError(400, "the fake hub takes base64 file lines only")
                files[value["path"]] = base64.b64decode(value["content"])
            elif key == "deletedFile":
                files.pop(value["path"], None)
            elif key == "deletedFolder":
                files = {p: d for p, d in files.items() if not p.startswith(value["path"].rstrip("/") + "/")}
            else:  # lfsFile: preupload never asks for LFS, so a client sending one is not the one we expect
                raise ApiError(422, f"the fake hub does not take {key} lines")
        commit = self._new_commit(target, message, files)
        return self._json({"success": True, "commitOid": commit.oid,
                           "commitUrl": f"{self.url}/{repo}/commit/{commit.oid}", "hookOutput": ""})

    def _model_info(self, token, body, query, kind, repo, rev=None):
        r = self._readable(self._key(kind, repo), token)
        commit = self._revision(r, rev or "main")
        blobs = query.get("blobs", ["false"])[0].lower() == "true"
        siblings = [{"rfilename": p, **({"size": len(d), "blobId": git_blob_sha1(d)} if blobs else {})}
                    for p, d in sorted(commit.files.items())]
        return self._json({"id": repo, "modelId": repo, "sha": commit.oid, "private": r.private,
                           "siblings": siblings, "tags": [], "lastModified": "2026-01-01T00:00:00.000Z"})

    def _tree(self, token, body, query, kind, repo, rev, path=None):
        commit = self._revision(self._readable(self._key(kind, repo), token), rev)
        prefix = (path or "").strip("/")
        return self._json([{"type": "file", "path": p, "size": len(d), "oid": git_blob_sha1(d)}
                           for p, d in sorted(commit.files.items()) if not prefix or p.startswith(prefix + "/")])

    def _resolve(self, token, body, query, repo, rev, path):
        commit = self._revision(self._readable(repo, token), rev)
        if path not in commit.files:
            raise ApiError(404, "Entry not found", "EntryNotFound", headers={"X-Repo-Commit": commit.oid})
        data = commit.files[path]
        return 200, {"Content-Type": "application/octet-stream", "ETag": f'"{git_blob_sha1(data)}"',
                     "X-Repo-Commit": commit.oid, "Content-Length": str(len(data)), "Accept-Ranges": "bytes"}, data
