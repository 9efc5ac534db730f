"""An independent caller of the Scoring service: python grpcio with protoc-generated messages.

Usage: scoring_client.py TARGET CUSTOMER_ID
Upserts a profile, streams events through IngestEvents (one duplicate, one invalid), scores
the customer with GetScores, asks for a malformed id, and prints what it saw as JSON.
"""
import datetime
import json
import sys

import grpc
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from scoring.v1 import common_pb2, events_pb2, ingest_pb2, scoring_pb2

target, customer = sys.argv[1], sys.argv[2]
channel = grpc.insecure_channel(target)


def method(kind, name, request, response):
    return getattr(channel, kind)(name, request_serializer=request.SerializeToString, response_deserializer=response.FromString)


def ts(dt):
    t = Timestamp()
    t.FromDatetime(dt)
    return t


upsert = method("unary_unary", "/scoring.v1.Ingest/UpsertProfile", ingest_pb2.UpsertProfileRequest, ingest_pb2.UpsertProfileResponse)
ingest = method("stream_unary", "/scoring.v1.Ingest/IngestEvents", events_pb2.Event, ingest_pb2.IngestSummary)
get_scores = method("unary_unary", "/scoring.v1.Scoring/GetScores", scoring_pb2.GetScoresRequest, scoring_pb2.CustomerScores)

now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
profile = events_pb2.Profile(customer_id=customer, age_band=events_pb2.AGE_BAND_25_34, income_band=events_pb2.INCOME_BAND_MIDDLE,
                             card_product=events_pb2.CARD_PRODUCT_CLASSIC, credit_limit=3000, open_date=ts(now - datetime.timedelta(days=800)),
                             products_held=1)
created = upsert(ingest_pb2.UpsertProfileRequest(profile=profile), timeout=30).created


def events():
    for d in range(60, 0, -1):
        yield events_pb2.Event(event_id=f"py-{d}", customer_id=customer, event_time=ts(now - datetime.timedelta(days=d)),
                               transaction=events_pb2.Transaction(kind=events_pb2.TRANSACTION_KIND_PURCHASE, amount=25.0 + d,
                                                                  currency="EUR", merchant_category=events_pb2.MERCHANT_CATEGORY_DINING))
    yield events_pb2.Event(event_id="py-1", customer_id=customer, event_time=ts(now - datetime.timedelta(days=1)),
                           transaction=events_pb2.Transaction(kind=events_pb2.TRANSACTION_KIND_PURCHASE, amount=26.0,
                                                              currency="EUR", merchant_category=events_pb2.MERCHANT_CATEGORY_DINING))
    yield events_pb2.Event(event_id="py-bad", customer_id=customer, event_time=ts(now - datetime.timedelta(hours=1)),
                           transaction=events_pb2.Transaction(kind=events_pb2.TRANSACTION_KIND_PURCHASE, amount=10.0,
                                                              currency="euro", merchant_category=events_pb2.MERCHANT_CATEGORY_DINING))


summary = ingest(events(), timeout=60)
scores = get_scores(scoring_pb2.GetScoresRequest(customer_id=customer, channel=common_pb2.CHANNEL_WEB), timeout=30)
try:
    get_scores(scoring_pb2.GetScoresRequest(customer_id="no good", channel=common_pb2.CHANNEL_WEB), timeout=30)
    error = {"code": "OK", "details": ""}
except grpc.RpcError as e:
    error = {"code": e.code().name, "details": e.details()}

print(json.dumps({
    "created": created,
    "summary": json_format.MessageToDict(summary, preserving_proto_field_name=True),
    "scores": json_format.MessageToDict(scores, preserving_proto_field_name=True),
    "error": error,
}))
