"""A sensor's message is one detection record, with the sensor's position when it sends it;
anything else is refused with the topic named, and a detection's key is the same however
often it is delivered."""

from __future__ import annotations

import orjson
import pytest

from airspace.records import record
from dronevet.airspace.messages import EPOCH, MalformedMessage, SensorPosition, parse_message
from dronevet.broadcast.payload import ASTM, DJI

TOPIC = "site/detections/roof-north"


def test_a_detection_record_becomes_the_detection_its_sensor_heard() -> None:
    found = parse_message(TOPIC, orjson.dumps(record("SERIAL1", 2.5, lat=52.1, lon=4.3)))
    assert found.sensor_id == "roof-north"
    assert found.detection.protocol == ASTM
    assert found.detection.aircraft is not None and found.detection.aircraft.lat == 52.1
    assert found.heard_at.isoformat() == "2026-12-03T10:00:02.500000+00:00"


def test_the_key_depends_on_sensor_and_message_not_on_key_order() -> None:
    message = record("SERIAL1", 0, lat=52.0, lon=4.0)
    reordered = dict(reversed(list(message.items())))
    first = parse_message(TOPIC, orjson.dumps(message))
    assert parse_message(TOPIC, orjson.dumps(reordered)).key == first.key
    assert parse_message("site/detections/gate", orjson.dumps(message)).key != first.key


def test_dji_droneid_and_undated_records_are_read_too() -> None:
    burst = {"time": None, "transport": "ocusync", "mac": "ocusync@2414500000Hz", "frame": 1,
             "msg_type": "dji_flight_info", "serial": "1581F6N8A23B2ML3Y3KR", "lat": 51.4,
             "lon": 7.2, "pilot_lat": 51.41, "pilot_lon": 7.21}  # fmt: skip
    found = parse_message(TOPIC, orjson.dumps(burst))
    assert found.detection.protocol == DJI and found.heard_at == EPOCH
    assert found.detection.uas_id == "1581F6N8A23B2ML3Y3KR"
    assert found.detection.operator is not None


def test_a_sensor_says_where_it_stands_beside_the_detection() -> None:
    plain = record("SERIAL1", 0, lat=52.1, lon=4.3)
    placed = {**plain, "sensor": {"position": {"lat": 52.09, "lon": 4.29, "alt": 12.5}}}
    found = parse_message(TOPIC, orjson.dumps(placed))
    assert found.position == SensorPosition(52.09, 4.29, 12.5)
    assert found.detection == parse_message(TOPIC, orjson.dumps(plain)).detection
    assert parse_message(TOPIC, orjson.dumps(plain)).position is None
    no_alt = {**plain, "sensor": {"position": {"lat": -33.9, "lon": 151.2, "alt": None}}}
    assert parse_message(TOPIC, orjson.dumps(no_alt)).position == SensorPosition(-33.9, 151.2)
    assert parse_message(TOPIC, orjson.dumps({**plain, "sensor": {}})).position is None


@pytest.mark.parametrize(
    ("sensor", "reason"),
    [
        ("roof", "the sensor object is not"),
        ({"position": [52, 4]}, "the sensor object is not"),
        ({"position": {"lat": 91, "lon": 4}}, "the latitude 91 is not between -90 and 90"),
        ({"position": {"lat": 52, "lon": -180.5}}, "longitude -180.5 is not between"),
        ({"position": {"lat": 52}}, "the longitude None is not a number"),
        ({"position": {"lat": "52", "lon": 4}}, "the latitude '52' is not a number"),
        ({"position": {"lat": 52, "lon": 4, "alt": True}}, "the altitude True is not a number"),
    ],
)
def test_a_bad_sensor_position_is_refused_naming_its_topic(sensor: object, reason: str) -> None:
    payload = orjson.dumps({**record("SERIAL1", 0), "sensor": sensor})
    with pytest.raises(MalformedMessage) as refused:
        parse_message(TOPIC, payload)
    assert TOPIC in str(refused.value) and reason in str(refused.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("52.1", "write LAT,LON or LAT,LON,ALT"),
        ("52.1,4,3,2", "write LAT,LON or LAT,LON,ALT"),
        ("north,4", "the latitude 'north' is not a number"),
        ("-90.5,4", "the latitude -90.5 is not between -90 and 90"),
        ("52,181", "the longitude 181 is not between -180 and 180"),
        ("52,4,inf", "the altitude inf is not between"),
    ],
)
def test_a_typed_position_says_what_is_wrong(text: str, reason: str) -> None:
    assert SensorPosition.parse(" 52.1, -4.2 ,30") == SensorPosition(52.1, -4.2, 30.0)
    with pytest.raises(ValueError, match=reason):
        SensorPosition.parse(text)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe not json", "not JSON"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"transport": "wifi-beacon", "mac": "aa", "frame": 1}', "no msg_type"),
        (b'{"transport": "wifi-beacon", "mac": "aa", "frame": true, "msg_type": "x"}', "no frame"),
        (b'{"time": "noon", "transport": "t", "mac": "aa", "frame": 1, "msg_type": "x"}',
         "time is not ISO 8601"),
        (b'{"time": "2026-12-03T10:00:00", "transport": "t", "mac": "aa", "frame": 1, '
         b'"msg_type": "x"}', "time is not ISO 8601"),
        (b'{"transport": "t", "mac": "aa", "frame": 1, "msg_type": "x", "lat": "52"}',
         "lat is not a number"),
        (b"{" + b'"x": "' + b"a" * 70_000 + b'"}', "over the 65536"),
    ],
)
def test_a_malformed_message_is_refused_naming_its_topic(payload: bytes, reason: str) -> None:
    with pytest.raises(MalformedMessage) as refused:
        parse_message(TOPIC, payload)
    assert TOPIC in str(refused.value) and reason in str(refused.value)
