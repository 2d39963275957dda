from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from org.services import demo_users_ensure


class Command(BaseCommand):
    help = "Create the demo users (planner, agri_editor, agri_viewer, service_viewer, api_client). DEBUG only."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Refused: demo users are only created with DEBUG on.")
        for user in demo_users_ensure():
            department = user.department.name_zh if user.department else "全市 (city-wide)"
            self.stdout.write(f"  {user.username:<15} {user.get_role_display()} · {department} · "
                              f"password {settings.DEMO_PASSWORD}")
