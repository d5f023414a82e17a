#!/usr/bin/env python3
"""A registry that misbehaves on purpose, for scenario-host-registry.sh:
it serves one real image (an OCI layout's "latest" manifest, config and
layers) under repositories whose names choose what goes wrong:

  bearer/hello    asks for a Bearer token first (GET /token gives one for
                  user "ci", password "pw", as Basic auth); then serves
  denied/hello    always 403 with the registry's error message
  digest/hello    a layer whose bytes are not those its digest names
  cut/hello       a layer whose connection is cut halfway, every time
  flaky/hello     a layer cut halfway twice, then whole
  arm/hello       an image index with linux/arm64 only

Writes each request line to LOG, and its port to PORT_FILE once it
listens. Runs until killed.

    fake-registry.py OCI_LAYOUT PORT_FILE LOG
"""
import base64
import http.server
import json
import os
import sys

layout, port_file, log_path = sys.argv[1], sys.argv[2], sys.argv[3]
blobs = os.path.join(layout, "blobs", "sha256")
index = json.load(open(os.path.join(layout, "index.json")))
manifest_digest = index["manifests"][0]["digest"]
manifest = open(os.path.join(blobs, manifest_digest[7:]), "rb").read()
layers = [l["digest"] for l in json.loads(manifest)["layers"]]
TOKEN = "t0ken"
flaky_tries = {}

arm_index = json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.index.v1+json",
    "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "digest": manifest_digest, "size": len(manifest),
                   "platform": {"os": "linux", "architecture": "arm64"}}],
}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        with open(log_path, "a") as f:
            f.write("%s %s\n" % (self.command, self.path))

    def reply(self, status, body=b"", ctype="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message, headers=()):
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self.reply(status, body, headers=headers)

    def do_GET(self):
        host = "http://localhost:%d" % self.server.server_port
        if self.path.startswith("/token"):
            auth = self.headers.get("Authorization", "")
            if auth != "Basic " + base64.b64encode(b"ci:pw").decode():
                return self.error(401, "UNAUTHORIZED", "bad user or password")
            return self.reply(200, json.dumps({"token": TOKEN}).encode())
        parts = self.path.split("/")
        if len(parts) < 6 or parts[1] != "v2":
            return self.reply(200, b"{}")
        mode, kind, ref = parts[2], parts[4], parts[5]
        if mode == "denied":
            return self.error(403, "DENIED", "requested access to the resource is denied")
        if mode == "bearer" and self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="%s/token",service="fake",scope="repository:bearer/hello:pull"' % host
            return self.error(401, "UNAUTHORIZED", "authentication required",
                              [("WWW-Authenticate", challenge)])
        if kind == "manifests":
            if mode == "arm":
                return self.reply(200, arm_index, "application/vnd.oci.image.index.v1+json")
            if ref not in ("latest", manifest_digest):
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            return self.reply(200, manifest, "application/vnd.oci.image.manifest.v1+json")
        if kind != "blobs" or not ref.startswith("sha256:"):
            return self.error(404, "BLOB_UNKNOWN", "blob unknown")
        path = os.path.join(blobs, ref[7:])
        if not os.path.exists(path):
            return self.error(404, "BLOB_UNKNOWN", "blob unknown")
        data = open(path, "rb").read()
        if ref in layers and mode == "digest":
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        cut = ref in layers and (mode == "cut" or (mode == "flaky" and flaky_tries.get(ref, 0) < 2))
        if cut:
            if mode == "flaky":
                flaky_tries[ref] = flaky_tries.get(ref, 0) + 1
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.reply(200, data, "application/octet-stream")


server = http.server.ThreadingHTTPServer(("localhost", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
