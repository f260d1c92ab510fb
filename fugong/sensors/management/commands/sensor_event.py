"""Post one device event to the API over HTTP, as a real door sensor would (demos, manual checks)."""

import json
import urllib.error
import urllib.request
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fugong.sensors.models import EventKind


class Command(BaseCommand):
    help = "以设备身份向 /api/v1/sensors/events 上报一个事件（与真实门磁设备相同的 HTTP 请求）"

    def add_arguments(self, parser):
        parser.add_argument("device_id", help="设备编号，例如 DEMO-MC-0001")
        parser.add_argument("--secret", required=True, help="设备密钥（登记或更换密钥时显示的那一串）")
        parser.add_argument("--kind", default=EventKind.DOOR_OPEN, choices=EventKind.values, help="事件类型")
        parser.add_argument("--event-id", default="", help="事件编号；不填则随机生成。重复同一编号即为重发")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="平台地址（默认 http://127.0.0.1:8000）"
        )

    def handle(self, *args, device_id: str, secret: str, kind: str, event_id: str, url: str, **options):
        if not url.startswith(("http://", "https://")):
            raise CommandError("--url 应以 http:// 或 https:// 开头")
        body = {
            "event_id": event_id or uuid.uuid4().hex,
            "kind": kind,
            "occurred_at": timezone.now().isoformat(),
        }
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url.rstrip("/") + "/api/v1/sensors/events",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Device-Id": device_id, "X-Device-Secret": secret},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, exc.read()
        except urllib.error.URLError as exc:
            raise CommandError(f"无法连接 {url}：{exc.reason}（平台是否已启动？）") from None
        text = answer.decode("utf-8", errors="replace")
        self.stdout.write(f"HTTP {status} {text}")
        if status >= 400:
            raise CommandError(f"事件被拒绝（HTTP {status}）")
        self.stdout.write(
            self.style.SUCCESS("已记录" if status == 201 else "重发：平台已有该事件，未重复记录")
        )
