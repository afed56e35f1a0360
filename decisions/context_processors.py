from decisions.models import Notification
from teams.models import Role
from teams.scoping import has_role


def inbox(request):
    """The unread count in the navigation, for the office (the only role that gets digests);
    other users cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not has_role(user, Role.Kind.OFFICE):
        return {}
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).exclude(
        status=Notification.Status.CANCELLED
    )
    return {"inbox_unread": unread.count()}
