"""grpcio as a client of the service's grpc.health.v1 and grpc.reflection services.

Usage: health_reflection.py HOST:PORT check           -> one JSON object
       health_reflection.py HOST:PORT watch SERVICE   -> one line per status received
Needs GEN_DIR (protoc output with grpc/health/v1 and grpc/reflection/v1, v1alpha).
"""
import importlib.util
import json
import os
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, descriptor_database


def load(name, relative):
    # The generated modules live under grpc/..., which the grpcio package would shadow.
    spec = importlib.util.spec_from_file_location(name, os.path.join(os.environ["GEN_DIR"], relative))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


health_pb2 = load("health_pb2", "grpc/health/v1/health_pb2.py")
r1 = load("reflection_v1_pb2", "grpc/reflection/v1/reflection_pb2.py")
r1a = load("reflection_v1alpha_pb2", "grpc/reflection/v1alpha/reflection_pb2.py")

target, mode = sys.argv[1], sys.argv[2]
channel = grpc.insecure_channel(target)
check = channel.unary_unary("/grpc.health.v1.Health/Check",
                            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                            response_deserializer=health_pb2.HealthCheckResponse.FromString)


def name_of(status):
    return health_pb2.HealthCheckResponse.ServingStatus.Name(status)


if mode == "watch":
    watch = channel.unary_stream("/grpc.health.v1.Health/Watch",
                                 request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                                 response_deserializer=health_pb2.HealthCheckResponse.FromString)
    try:
        for response in watch(health_pb2.HealthCheckRequest(service=sys.argv[3]), timeout=120):
            print(name_of(response.status), flush=True)
    except grpc.RpcError as e:
        print("END " + e.code().name, flush=True)
    sys.exit(0)

out = {}
for service in ["", "scoring.v1.Scoring", "scoring.v1.Ingest"]:
    out["check:" + service] = name_of(check(health_pb2.HealthCheckRequest(service=service), timeout=10).status)
try:
    check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=10)
    out["check_unknown"] = "OK"
except grpc.RpcError as e:
    out["check_unknown"] = e.code().name


def reflect(module, path, requests):
    fn = channel.stream_stream(path, request_serializer=module.ServerReflectionRequest.SerializeToString,
                               response_deserializer=module.ServerReflectionResponse.FromString)
    return list(fn(iter(requests), timeout=10))


for name, module, path in [("v1", r1, "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
                           ("v1alpha", r1a, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")]:
    try:
        symbols = ["scoring.v1.Scoring", "scoring.v1.Scoring.GetScores", "scoring.v1.Ingest.IngestEvents"]
        responses = reflect(module, path,
                            [module.ServerReflectionRequest(list_services="")]
                            + [module.ServerReflectionRequest(file_containing_symbol=s) for s in symbols]
                            + [module.ServerReflectionRequest(file_containing_symbol="no.such.Symbol")])
    except grpc.RpcError as e:
        out[name] = {"code": e.code().name}
        continue
    services = [s.name for s in responses[0].list_services_response.service]
    # A database resolves dependencies lazily, whatever order the files arrive in.
    database = descriptor_database.DescriptorDatabase()
    files = {}
    for response in responses[1:1 + len(symbols)]:
        for raw in response.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
            if proto.name not in files:
                files[proto.name] = proto
                database.Add(proto)
    first_files = [descriptor_pb2.FileDescriptorProto.FromString(raw).name
                   for raw in responses[2].file_descriptor_response.file_descriptor_proto]
    pool = descriptor_pool.DescriptorPool(database)
    scoring = pool.FindServiceByName("scoring.v1.Scoring")
    ingest = pool.FindServiceByName("scoring.v1.Ingest")
    out[name] = {
        "services": services,
        "files": sorted(files),
        "method_file": first_files[0] if first_files else None,
        "methods": [m.name for m in scoring.methods] + [m.name for m in ingest.methods],
        "get_scores_input": scoring.FindMethodByName("GetScores").input_type.full_name,
        "watch_server_streaming": scoring.FindMethodByName("WatchRisk").server_streaming,
        "ingest_client_streaming": ingest.FindMethodByName("IngestEvents").client_streaming,
        "unknown_error": responses[-1].error_response.error_code,
    }
print(json.dumps(out))
