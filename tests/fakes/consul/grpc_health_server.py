#!/usr/bin/python3
"""A real gRPC server (grpcio) answering grpc.health.v1.Health/Check, for fake-consul's gRPC
check tests. The method is served by grpc's generic handler with raw-bytes messages, so no
generated code or grpc_health package is needed.

  grpc_health_server.py --status-file S.json --port-file P [--tls-cert C --tls-key K]

S.json maps a service name ("" = the server as a whole) to SERVING, NOT_SERVING,
SERVICE_UNKNOWN, UNKNOWN, or HANG (never answer, until the server stops). It is read on every
call, so a test flips a status by rewriting it (write a temporary file, then rename). A service
it does not list gets NOT_FOUND "unknown service", as grpc's own health servicer answers.
Listens on 127.0.0.1, port 0; writes the port to the port file (temporary file, then rename).
"""
import argparse
import json
import os
import signal
import sys
import threading
from concurrent import futures

import grpc

STATUS = {"UNKNOWN": 0, "SERVING": 1, "NOT_SERVING": 2, "SERVICE_UNKNOWN": 3}


def read_varint(data, at):
    value, shift = 0, 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        b = data[at]
        at += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, at
        shift += 7


def requested_service(data):
    """HealthCheckRequest.service (field 1, string); other fields are skipped."""
    service, at = "", 0
    while at < len(data):
        key, at = read_varint(data, at)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, at = read_varint(data, at)
        elif wire == 2:
            length, at = read_varint(data, at)
            if field == 1:
                service = data[at:at + length].decode("utf-8")
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        else:
            raise ValueError("wire type %d" % wire)
    return service


def encode_response(status):
    return b"" if status == 0 else bytes([0x08, status])  # field 1, varint (all values < 128)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--status-file", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()

    stopping = threading.Event()

    def check(request, context):
        service = requested_service(request)
        with open(args.status_file) as f:
            statuses = json.load(f)
        if service not in statuses:
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        if statuses[service] == "HANG":
            stopping.wait(60)
            context.abort(grpc.StatusCode.UNAVAILABLE, "server stopping")
        return encode_response(STATUS[statuses[service]])

    handler = grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(check, request_deserializer=None, response_serializer=None)},
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((handler,))
    if args.tls_cert:
        with open(args.tls_key, "rb") as k, open(args.tls_cert, "rb") as c:
            credentials = grpc.ssl_server_credentials([(k.read(), c.read())])
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    def stop(*_):
        stopping.set()
        server.stop(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, args.port_file)
    print("grpc_health_server listening on 127.0.0.1:%d" % port, flush=True)
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main())
