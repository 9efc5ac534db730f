"""Conformance client: python grpcio (an independent gRPC implementation) calls our server.

Usage: grpcio_client.py HOST:PORT
Prints one JSON object of observations; the C# tests assert on them. Needs the generated
test_echo_pb2 module on PYTHONPATH.
"""
import json
import sys
import threading
import time

import grpc
import test_echo_pb2 as pb

target = sys.argv[1]
results = {}


def code_of(error):
    return error.code().name


def call(name, fn):
    try:
        results[name] = fn()
    except Exception as e:  # noqa: BLE001 - record what happened, the C# side asserts
        results[name] = {"unexpected": repr(e)}


def unary_unary(channel, method, req_cls, resp_cls):
    return channel.unary_unary("/scoring.testing.v1.Echo/" + method,
                               request_serializer=req_cls.SerializeToString,
                               response_deserializer=resp_cls.FromString)


channel = grpc.insecure_channel(target)
gzip_channel = grpc.insecure_channel(target, compression=grpc.Compression.Gzip)

unary = unary_unary(channel, "Unary", pb.EchoRequest, pb.EchoReply)
call("unary", lambda: {"message": unary(pb.EchoRequest(message="héllo"), timeout=10).message})


def client_stream():
    fn = channel.stream_unary("/scoring.testing.v1.Echo/Sum",
                              request_serializer=pb.Number.SerializeToString,
                              response_deserializer=pb.SumReply.FromString)
    reply = fn(iter([pb.Number(value=i) for i in range(1, 11)]), timeout=10)
    return {"sum": reply.sum, "count": reply.count}


call("client_stream", client_stream)


def server_stream():
    fn = channel.unary_stream("/scoring.testing.v1.Echo/Count",
                              request_serializer=pb.CountRequest.SerializeToString,
                              response_deserializer=pb.Number.FromString)
    return {"values": [n.value for n in fn(pb.CountRequest(n=5), timeout=10)]}


call("server_stream", server_stream)


def bidi():
    fn = channel.stream_stream("/scoring.testing.v1.Echo/Chat",
                               request_serializer=pb.EchoRequest.SerializeToString,
                               response_deserializer=pb.EchoReply.FromString)
    return {"replies": [r.message for r in fn(iter([pb.EchoRequest(message=m) for m in ["a", "b", "c"]]), timeout=10)]}


call("bidi", bidi)


def deadline():
    fn = unary_unary(channel, "IgnoreDeadline", pb.EchoRequest, pb.EchoReply)
    started = time.monotonic()
    try:
        fn(pb.EchoRequest(), timeout=0.5)
        return {"code": "OK"}
    except grpc.RpcError as e:
        return {"code": code_of(e), "seconds": time.monotonic() - started}


call("deadline", deadline)


def cancel():
    fn = unary_unary(channel, "WaitForCancel", pb.EchoRequest, pb.EchoReply)
    started = unary_unary(channel, "WaitForCancelStarted", pb.EchoRequest, pb.EchoReply)
    future = fn.future(pb.EchoRequest(), timeout=30)
    # Cancel once the handler runs. After a fixed 0.5 s sleep the cancel sometimes arrived while
    # the server still waited for the end of the request stream, so no handler ever ran (correct
    # for the server, but then the test observed nothing).
    sent = time.monotonic()
    while started(pb.EchoRequest(), timeout=5).message == "0" and time.monotonic() < sent + 20:
        time.sleep(0.05)
    waited = time.monotonic() - sent
    future.cancel()
    try:
        future.result()
        return {"code": "OK", "waited": waited}
    except grpc.FutureCancelledError:
        return {"code": "CANCELLED", "waited": waited}
    except grpc.RpcError as e:
        return {"code": code_of(e), "waited": waited}


call("cancel", cancel)


def oversized():
    try:
        unary(pb.EchoRequest(payload=b"x" * (2 * 1024 * 1024)), timeout=10)
        return {"code": "OK"}
    except grpc.RpcError as e:
        return {"code": code_of(e), "details": e.details()}


call("oversized", oversized)


def unknown():
    out = {}
    for name, path in [("method", "/scoring.testing.v1.Echo/Nope"), ("service", "/no.such.Service/Nope")]:
        fn = channel.unary_unary(path, request_serializer=pb.EchoRequest.SerializeToString,
                                 response_deserializer=pb.EchoReply.FromString)
        try:
            fn(pb.EchoRequest(), timeout=10)
            out[name] = "OK"
        except grpc.RpcError as e:
            out[name] = code_of(e)
    return out


call("unknown", unknown)


def gzip():
    fn = unary_unary(gzip_channel, "Unary", pb.EchoRequest, pb.EchoReply)
    reply = fn(pb.EchoRequest(message="z" * 5000), timeout=10)
    return {"length": len(reply.message), "request_encoding": reply.headers["request-encoding"]}


call("gzip", gzip)


def metadata():
    fn = unary_unary(channel, "Metadata", pb.EchoRequest, pb.EchoReply)
    reply, c = fn.with_call(pb.EchoRequest(), timeout=10,
                            metadata=[("x-custom", "value-1"), ("x-data-bin", b"\x00\x01\xfe\xff")])
    initial = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in c.initial_metadata()}
    trailing = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in c.trailing_metadata()}
    return {"echoed": dict(reply.headers), "initial": initial, "trailing": trailing}


call("metadata", metadata)


def error_status():
    fn = unary_unary(channel, "Fail", pb.StatusRequest, pb.EchoReply)
    try:
        fn(pb.StatusRequest(code=9, message="Kunde nicht bereit: Größe ✓ 100%"), timeout=10)
        return {"code": "OK"}
    except grpc.RpcError as e:
        trailing = {k: v for k, v in e.trailing_metadata()}
        return {"code": code_of(e), "details": e.details(), "x-failure": trailing.get("x-failure")}


call("error_status", error_status)


def throw():
    fn = unary_unary(channel, "Throw", pb.EchoRequest, pb.EchoReply)
    try:
        fn(pb.EchoRequest(), timeout=10)
        return {"code": "OK"}
    except grpc.RpcError as e:
        return {"code": code_of(e), "details": e.details()}


call("throw", throw)

# Many concurrent calls on one connection: replies must match their requests.
def concurrent():
    errors = []
    def worker(i):
        try:
            r = unary(pb.EchoRequest(message=str(i)), timeout=20)
            if r.message != str(i):
                errors.append(i)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"errors": len(errors)}


call("concurrent", concurrent)

print(json.dumps(results))
