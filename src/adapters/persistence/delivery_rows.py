"""A delivery as a `deliveries` row and back. The columns are what queries filter and sort
on; the rest of the notification (program, subject, facts, flags) is one JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.delivery.model import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    SlackMessageRef,
    Subject,
)

# What a claimable delivery looks like: waiting and due, or sending with an ended lease (a
# claimed row's `next_attempt_at` is its lease's end).
DUE = (
    DeliveryStatus.PENDING,
    DeliveryStatus.HELD,
    DeliveryStatus.RETRYING,
    DeliveryStatus.SENDING,
)


def delivery_row(delivery: Delivery) -> dict[str, Any]:
    """The row that stores `delivery`."""
    n = delivery.notification
    slack = delivery.slack
    return {
        "id": delivery.id,
        "organization_id": n.organization_id,
        "outbox_id": n.outbox_id,
        "recipient_user_id": n.recipient_user_id,
        "kind": n.kind.value,
        "subject_key": n.subject.key,
        "notification": {
            "program_id": n.program_id,
            "subject": {"kind": n.subject.kind, "id": n.subject.id},
            "facts": n.facts,
            "urgent": n.urgent,
            "refresh": n.refresh,
        },
        "subject_version": n.subject_version,
        "status": delivery.status.value,
        "channel": None if delivery.channel is None else delivery.channel.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "lease_until": delivery.lease_until,
        "last_error": delivery.last_error,
        "slack_installation_id": None if slack is None else slack.installation_id,
        "slack_channel_id": None if slack is None else slack.channel_id,
        "slack_ts": None if slack is None else slack.ts,
        "created_at": n.created_at,
        "sent_at": delivery.sent_at,
    }


def delivery_from_row(row: Mapping[Any, Any]) -> Delivery:
    """The delivery a row stores; its notification's `subject_version` is the version its
    message shows now (`DeliveryStore.record_update`)."""
    doc = row["notification"]
    notification = Notification(
        kind=NotificationKind(row["kind"]),
        organization_id=row["organization_id"],
        program_id=doc["program_id"],
        recipient_user_id=row["recipient_user_id"],
        subject=Subject(kind=doc["subject"]["kind"], id=doc["subject"]["id"]),
        facts=doc["facts"],
        outbox_id=row["outbox_id"],
        created_at=row["created_at"],
        urgent=doc["urgent"],
        refresh=doc["refresh"],
        subject_version=row["subject_version"],
    )
    slack = None
    if row["slack_ts"] is not None:
        slack = SlackMessageRef(
            installation_id=row["slack_installation_id"],
            channel_id=row["slack_channel_id"],
            ts=row["slack_ts"],
        )
    return Delivery(
        id=row["id"],
        notification=notification,
        status=DeliveryStatus(row["status"]),
        channel=None if row["channel"] is None else Channel(row["channel"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        lease_until=row["lease_until"],
        last_error=row["last_error"],
        slack=slack,
        sent_at=row["sent_at"],
    )
