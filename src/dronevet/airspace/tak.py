"""The air picture for TAK as Cursor on Target, written by the broadcast CoT writer
(`broadcast.cot.CotFeed`, the one `rid live --cot` uses), never by a second one.

- `picture_events`: the stored detections fed to the writer in time order, and the last
  event of each drone and of each pilot kept, under the name its track has at the end: the
  tracks `airspace tracks` shows, as TAK markers at their latest positions (stale ten
  seconds after their last fix, as the writer sets).
- `TakFeed`: what an ingest worker stores, fed to the writer as it is committed and sent
  at once, one datagram per event. With several workers each sends the drones of the
  messages it receives; TAK merges them by uid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from xml.etree import ElementTree

from dronevet.airspace.messages import SensorMessage, detection_of
from dronevet.airspace.tracks import ENDED_AFTER
from dronevet.broadcast.cot import UID_PREFIX, CotFeed
from dronevet.broadcast.tracker import Tracker
from dronevet.knowledge.base import KnowledgeBase
from dronevet.sinks.cot import CotAddress, CotSender


def picture_events(kb: KnowledgeBase, records: Iterable[tuple[str, dict[str, Any]]]) -> list[str]:
    """The latest CoT event of each drone and pilot of (sensor, record) pairs in time order."""
    feed = CotFeed(kb, Tracker(max_age=ENDED_AFTER))
    latest: dict[str, str] = {}
    for _, record in records:
        for event in feed.update(detection_of(record)):
            uid = ElementTree.fromstring(event).get("uid", "")
            latest.pop(uid, None)  # re-inserted: the dict keeps the order of last updates
            latest[uid] = event
    keys = {track.key for track in (*feed.tracker.tracks(), *feed.tracker.take_retired())}
    uids = {UID_PREFIX + key + end for key in keys for end in ("", "-pilot")}
    # a drone first heard by its MAC is renamed once its ID is heard: only the name it has now
    return [event for uid, event in latest.items() if uid in uids]


class TakFeed:
    """Sends the CoT events of stored detections to TAK as they come; close when done."""

    def __init__(self, kb: KnowledgeBase, address: CotAddress) -> None:
        self.feed = CotFeed(kb, Tracker(max_age=ENDED_AFTER))
        self.sender = CotSender(address)

    def stored(self, messages: Sequence[SensorMessage]) -> None:
        for message in messages:
            for event in self.feed.update(message.detection):
                self.sender.send(event)

    def close(self) -> None:
        self.sender.close()
