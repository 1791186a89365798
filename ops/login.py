"""The admin login, limited per client address and per user name.

Failed attempts are counted in the shared cache (so every app server counts
together) and logged. After LOGIN_FAILURE_LIMIT failures within
LOGIN_FAILURE_PERIOD seconds from one address, or for one user name, the login
form refuses further attempts (also correct ones) until the period has passed.
"""

import logging

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from . import clients

logger = logging.getLogger("ops.security")

TOO_MANY = "Te veel mislukte inlogpogingen. Wacht %(minutes)d minuten en probeer het dan opnieuw."


class RateLimitedAdminLoginForm(AdminAuthenticationForm):
    def clean(self):
        address = clients.client_address(self.request) if self.request else ""
        username = (self.data.get("username") or "").strip().lower()
        period = settings.LOGIN_FAILURE_PERIOD
        limit = settings.LOGIN_FAILURE_LIMIT
        if (
            clients.count_of("login-address", address, period) >= limit
            or clients.count_of("login-user", username, period) >= limit
        ):
            logger.warning(
                "Admin login refused: too many failures for user %r from %s.", username, address
            )
            raise ValidationError(
                TOO_MANY, code="rate_limited", params={"minutes": max(1, round(period / 60))}
            )
        try:
            return super().clean()
        except ValidationError:
            clients.allow_count("login-address", address, limit, period)
            clients.allow_count("login-user", username, limit, period)
            logger.warning("Admin login failed for user %r from %s.", username, address)
            raise
