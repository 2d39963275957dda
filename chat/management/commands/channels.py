"""Work-chat channels from the command line, for set-up scripts:

    manage.py channels add --department CODE|--city --kind email|wecom|dingtalk --url URL [--secret S]
    manage.py channels list
    manage.py channels test ID
    manage.py channels sweep

`add` prints the new channel's id; `list` shows addresses and secrets masked; `test` sends a test message now,
in this process, and exits non-zero with the service's answer when it fails; `sweep` sends what is due (the
beat does it every minute; a machine without a worker can run it from cron).
"""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat import services
from chat.forms import clean_address
from chat.models import Channel
from org.models import Department


class Command(BaseCommand):
    help = "Add, list and test the work-chat channels (企业微信 / 钉钉 group robots, group mailboxes)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="add a channel and print its id")
        where = add.add_mutually_exclusive_group(required=True)
        where.add_argument("--department", metavar="CODE", help="the department's code")
        where.add_argument("--city", action="store_true", help="the city-wide planners' channel")
        add.add_argument("--kind", required=True, choices=Channel.Kind.values)
        add.add_argument("--url", required=True, help="the robot's webhook address, or an e-mail address")
        add.add_argument("--secret", default="", help="DingTalk's signing secret (加签)")
        commands.add_parser("list", help="list the channels, addresses masked")
        test = commands.add_parser("test", help="send a test message now")
        test.add_argument("id", type=int)
        commands.add_parser("sweep", help="send every message that is due now")

    def handle(self, *args, command: str, **options) -> None:
        getattr(self, f"_{command}")(**options)

    def _add(self, *, department: str | None, city: bool, kind: str, url: str, secret: str, **options) -> None:
        owner = None
        if not city:
            owner = Department.objects.filter(code=department).first()
            if owner is None:
                raise CommandError(f"no department with code {department!r}")
        if secret and kind != Channel.Kind.DINGTALK:
            raise CommandError("only a DingTalk robot has a signing secret")
        try:
            url = clean_address(kind, url)
        except ValidationError as error:
            raise CommandError(f"--url: {' '.join(error.messages)}") from None
        channel = services.channel_create(by=None, department=owner, kind=kind, url=url, secret=secret)
        self.stdout.write(str(channel.pk))

    def _list(self, **options) -> None:
        for channel in Channel.objects.select_related("department").order_by("pk"):
            where = channel.department.code if channel.department_id else "city"
            sent = channel.last_sent_at.isoformat(timespec="seconds") if channel.last_sent_at else "-"
            self.stdout.write("\t".join([
                str(channel.pk), where, channel.kind, "active" if channel.is_active else "inactive",
                channel.url_masked, f"secret {channel.secret_masked}" if channel.secret_encrypted else "-",
                f"last sent {sent}", f"last error {channel.last_error or '-'}",
            ]))

    def _test(self, *, id: int, **options) -> None:
        channel = Channel.objects.filter(pk=id).first()
        if channel is None:
            raise CommandError(f"no channel {id}")
        outcome = services.channel_test_now(channel=channel)
        if not outcome.sent:
            raise CommandError(f"channel {id}: not sent: {outcome.detail}")
        self.stdout.write(f"channel {id}: sent ({outcome.detail})")

    def _sweep(self, **options) -> None:
        self.stdout.write(f"{services.messages_sweep()} sent")
