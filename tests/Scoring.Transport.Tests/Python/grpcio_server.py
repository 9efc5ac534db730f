"""A python grpcio server of the test Echo service, so our C# client is tested against an
independent implementation. Prints "PORT <n>" when ready; runs until killed."""
import sys
import time
from concurrent import futures

import grpc
import test_echo_pb2 as pb


def unary(request, context):
    context.send_initial_metadata([("x-py-header", "h")])
    context.set_trailing_metadata([("x-py-trailer", "t"), ("x-py-trailer-bin", b"\x01\x02")])
    md = {k: (v.hex() if isinstance(v, bytes) else v) for k, v in context.invocation_metadata()}
    reply = pb.EchoReply(message=request.message, payload=request.payload)
    for k, v in md.items():
        reply.headers[k] = v
    return reply


def total(iterator, context):
    s = 0
    n = 0
    for number in iterator:
        s += number.value
        n += 1
    return pb.SumReply(sum=s, count=n)


def count(request, context):
    for i in range(request.n):
        if request.delay_ms:
            time.sleep(request.delay_ms / 1000)
        yield pb.Number(value=i)


def chat(iterator, context):
    for request in iterator:
        yield pb.EchoReply(message="echo:" + request.message)


def fail(request, context):
    context.abort(grpc.StatusCode(next(c for c in grpc.StatusCode if c.value[0] == request.code)), request.message)


def wait(request, context):
    time.sleep(30)
    return pb.EchoReply()


def handler(fn, kind, req, resp):
    return getattr(grpc, kind)(fn, request_deserializer=req.FromString, response_serializer=resp.SerializeToString)


handlers = {
    "Unary": handler(unary, "unary_unary_rpc_method_handler", pb.EchoRequest, pb.EchoReply),
    "Sum": handler(total, "stream_unary_rpc_method_handler", pb.Number, pb.SumReply),
    "Count": handler(count, "unary_stream_rpc_method_handler", pb.CountRequest, pb.Number),
    "Chat": handler(chat, "stream_stream_rpc_method_handler", pb.EchoRequest, pb.EchoReply),
    "Fail": handler(fail, "unary_unary_rpc_method_handler", pb.StatusRequest, pb.EchoReply),
    "IgnoreDeadline": handler(wait, "unary_unary_rpc_method_handler", pb.EchoRequest, pb.EchoReply),
}

server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                     options=[("grpc.max_receive_message_length", 1024 * 1024)])
server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("scoring.testing.v1.Echo", handlers)])
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print("PORT", port, flush=True)
server.wait_for_termination()
