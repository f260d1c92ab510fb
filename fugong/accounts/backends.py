from django.contrib.auth.backends import ModelBackend


class LockoutBackend(ModelBackend):
    """Username and password, refusing locked accounts (the lockout itself is kept by services)."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_locked
