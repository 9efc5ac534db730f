"""python grpcio (an independent gRPC implementation) as a caller of the Scoring service.

Usage: grpcio_client.py TARGET REDIS_HOST:REDIS_PORT SEEDED_CUSTOMER CORRUPT_CUSTOMER
Prints one JSON object of observations; the C# tests assert on them. Needs the protoc-generated
scoring/v1 and google/api modules on PYTHONPATH.

scoring.v1 has no bidirectional method, so there is no bidi case here.
"""
import datetime
import json
import socket
import sys
import threading
import time
import uuid

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from scoring.v1 import common_pb2, events_pb2, ingest_pb2, scoring_pb2

target, redis_address, seeded, corrupt = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
results = {}


def call(name, fn):
    try:
        results[name] = fn()
    except Exception as e:  # noqa: BLE001 - record what happened, the C# side asserts
        results[name] = {"unexpected": repr(e)}


def failure(e):
    return {"code": e.code().name, "details": e.details()}


channel = grpc.insecure_channel(target)
gzip_channel = grpc.insecure_channel(target, compression=grpc.Compression.Gzip)


def method(ch, kind, path, request, response):
    return getattr(ch, kind)(path, request_serializer=request.SerializeToString, response_deserializer=response.FromString)


get_scores = method(channel, "unary_unary", "/scoring.v1.Scoring/GetScores", scoring_pb2.GetScoresRequest, scoring_pb2.CustomerScores)
ingest = method(channel, "stream_unary", "/scoring.v1.Ingest/IngestEvents", events_pb2.Event, ingest_pb2.IngestSummary)
watch = method(channel, "unary_stream", "/scoring.v1.Scoring/WatchRisk", scoring_pb2.WatchRiskRequest, scoring_pb2.RiskUpdate)


def request(customer):
    return scoring_pb2.GetScoresRequest(customer_id=customer, channel=common_pb2.CHANNEL_MOBILE_APP)


def unary():
    reply = get_scores(request(seeded), timeout=10)
    return {"customer_id": reply.customer_id, "band": common_pb2.RiskBand.Name(reply.churn.band)}


call("unary", unary)

ingested = "grpcio-" + uuid.uuid4().hex[:12]


def client_stream():
    now = datetime.datetime.now(datetime.timezone.utc)

    def events():
        for i in range(10):
            t = Timestamp()
            t.FromDatetime(now - datetime.timedelta(days=10 - i))
            yield events_pb2.Event(event_id=f"{ingested}-{i}", customer_id=ingested, event_time=t,
                                   transaction=events_pb2.Transaction(kind=events_pb2.TRANSACTION_KIND_PURCHASE, amount=12.5,
                                                                      currency="EUR", merchant_category=events_pb2.MERCHANT_CATEGORY_DINING))
    summary = ingest(events(), timeout=30)
    return {"received": summary.received, "applied": summary.applied}


call("client_stream", client_stream)


def server_stream_then_cancel():
    # Initial snapshot of both customers, then a cancel from the client while the handler waits for changes.
    stream = watch(scoring_pb2.WatchRiskRequest(customer_ids=[seeded, ingested], send_initial=True), timeout=60)
    updates = [next(stream), next(stream)]
    stream.cancel()
    try:
        next(stream)
        code = "OK"
    except grpc.RpcError as e:
        code = e.code().name
    return {"customers": sorted(u.customer_id for u in updates),
            "initial": all(u.previous_band == 0 and u.cause_event_id == "" and u.band != 0 for u in updates),
            "code": code}


call("server_stream", server_stream_then_cancel)


def slow_call():
    # DEBUG SLEEP makes Redis answer nothing for 2 s; the call must end by its 0.5 s deadline.
    host, port = redis_address.rsplit(":", 1)
    redis = socket.create_connection((host, int(port)))
    try:
        redis.sendall(b"*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$1\r\n2\r\n")
        try:
            get_scores(request(seeded), timeout=0.5)
            outcome = {"code": "OK"}
        except grpc.RpcError as e:
            outcome = failure(e)
        redis.settimeout(30)
        outcome["redis"] = redis.recv(16).decode().strip()  # +OK once the sleep is over
        return outcome
    finally:
        redis.close()


def deadline():
    # Should the read reach Redis before the sleep began (an OK answer), sleep again.
    for _ in range(3):
        outcome = slow_call()
        if outcome["code"] != "OK":
            break
    return outcome


call("deadline", deadline)


def wait_until_scoring():
    # After the stall: the store may take a moment to answer again.
    until = time.monotonic() + 30
    while True:
        try:
            get_scores(request(seeded), timeout=5)
            return
        except grpc.RpcError:
            if time.monotonic() > until:
                raise
            time.sleep(0.05)


wait_until_scoring()


def oversized():
    try:
        get_scores(request("x" * (5 * 1024 * 1024)), timeout=10)
        return {"code": "OK"}
    except grpc.RpcError as e:
        return failure(e)


call("oversized", oversized)


def unknown():
    out = {}
    for name, path in [("method", "/scoring.v1.Scoring/Nope"), ("service", "/no.such.Service/Nope")]:
        try:
            method(channel, "unary_unary", path, scoring_pb2.GetScoresRequest, scoring_pb2.CustomerScores)(request(seeded), timeout=10)
            out[name] = "OK"
        except grpc.RpcError as e:
            out[name] = e.code().name
    return out


call("unknown", unknown)


def gzip():
    fn = method(gzip_channel, "unary_unary", "/scoring.v1.Scoring/GetScores", scoring_pb2.GetScoresRequest, scoring_pb2.CustomerScores)
    reply, c = fn.with_call(request(seeded), timeout=10)
    return {"customer_id": reply.customer_id, "code": c.code().name}


call("gzip", gzip)


def metadata():
    # The service echoes no metadata; what a caller relies on is that custom text and binary
    # headers are accepted and that initial and trailing metadata arrive readable.
    reply, c = get_scores.with_call(request(seeded), timeout=10,
                                    metadata=[("x-request-id", "req-1"), ("x-trace-bin", b"\x00\x01\xfe\xff")])
    return {"customer_id": reply.customer_id,
            "initial": sorted(k for k, _ in c.initial_metadata()),
            "trailing": sorted(k for k, _ in c.trailing_metadata())}


call("metadata", metadata)


def error_status():
    out = {}
    for name, customer in [("not_found", "grpcio-nobody_1"), ("invalid", "kunde-größe")]:
        try:
            get_scores(request(customer), timeout=10)
            out[name] = {"code": "OK"}
        except grpc.RpcError as e:
            out[name] = failure(e)
    return out


call("error_status", error_status)


def throw():
    try:
        get_scores(request(corrupt), timeout=10)
        return {"code": "OK"}
    except grpc.RpcError as e:
        return failure(e)


call("throw", throw)


def concurrent():
    # Many calls in flight on one connection: every reply must match its request.
    errors = []

    def worker(i):
        try:
            r = get_scores(request(seeded if i % 2 == 0 else ingested), timeout=30)
            if r.customer_id != (seeded if i % 2 == 0 else ingested):
                errors.append(i)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"errors": errors}


call("concurrent", concurrent)

print(json.dumps(results))
