"""Reader accounts: signing up, in and out, passwords, two-factor codes and roles, as the site, the API and
the CLI use them.

What a stranger can learn is kept to nothing: every answer about an email address (sign-up, reset) is the same
whether it has an account or not, and the real outcome goes to the address by mail. Without a mail server,
readers cannot sign themselves up (that could not stay silent about existing accounts); the operator creates
accounts or prints invitation and reset links with ``herald users``. Sign-in is throttled per address and per
account, and an unknown address costs as much time as a wrong password.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from herald.community import (
    MailSettings,
    SignedTokens,
    accept_totp,
    clean_display_name,
    dummy_hash,
    hash_password,
    needs_rehash,
    new_secret_key,
    new_totp_secret,
    normalise_email,
    password_problem,
    qr_svg,
    send_mail,
    totp_uri,
    verify_password,
)
from herald.config import Settings
from herald.errors import AccountError, CodeRequired, SignInThrottled
from herald.models import ROLES, User
from herald.pipeline.site import saved_site_name
from herald.store import Store
from herald.store.users import SessionInfo
from herald.translation import N_

log = logging.getLogger(__name__)

THROTTLE_WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5  # wrong passwords or codes for one email address in the window
FAILURES_PER_ADDRESS = 20  # for one client address, whatever the accounts tried
MAILS_PER_ADDRESS = 3  # sign-up and reset mails to one email address in MAIL_WINDOW
MAIL_REQUESTS_PER_CLIENT = 10  # sign-up and reset requests from one client address in MAIL_WINDOW
MAIL_WINDOW = timedelta(hours=1)
SIGN_UP_LINK_HOURS = 24
RESET_LINK_HOURS = 1
INVITATION_DAYS = 7

WRONG_SIGN_IN = N_("The email address or the password is not right.")
THROTTLED = N_("Too many attempts. Wait 15 minutes, then try again, or reset your password.")
MAIL_THROTTLED = N_("Too many requests for mail. Wait an hour, then try again.")
SUSPENDED = N_("This account is suspended.")
BAD_LINK = N_("This link has expired or has been used. Ask for a new one.")
BAD_EMAIL = N_("Enter a valid email address.")
BAD_NAME = N_("Choose a name of 2 to 40 letters, digits or signs.")
WRONG_CODE = N_("That code is not right. Enter the 6 digits your authenticator app shows now.")
WRONG_PASSWORD = N_("Your current password is not right.")
SIGN_UP_CLOSED = N_("Sign-up is by invitation on this site: ask its editors for an account.")
CHECK_INBOX = N_("Check your inbox: if that address can be used, a link is on its way.")
CODE_NEEDED = N_("Enter the 6-digit code from your authenticator app.")
APP_SESSION_DAYS = 90  # an app stays signed in longer than a browser: signing in again is a chore there
MAX_APP_NAME_CHARS = 100
BAD_APP_NAME = N_("Name the app in 1 to 100 characters, so you can tell it apart on your account page.")


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session_token: str  # the raw token for the cookie (or an app's bearer token); only its digest is stored
    expires_at: datetime  # when the session ends at the latest (the store's own time is a moment later)


@dataclass(frozen=True, slots=True)
class TwoFactorSetup:
    secret: str
    uri: str
    qr_svg: str


def resolve_secret_key(settings: Settings) -> str:
    """The configured key, or one made once and kept in the data folder (readable by its owner only)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret.key"
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if len(existing) >= 32:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_secret_key()
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    return key


def clean_app_name(name: str) -> str | None:
    """The name a reader gave an app, on one line with its spaces collapsed; None when nothing is left or it
    is too long. Shown back on the account page, escaped like everything else there."""
    text = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    return text if 0 < len(text) <= MAX_APP_NAME_CHARS else None


def _fingerprint(password_hash: str) -> str:
    """Changes whenever the password does, so a reset link works once."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class Accounts:
    def __init__(self, settings: Settings, store: Store, secret_key: str) -> None:
        self.settings = settings
        self.store = store
        self.secret_key = secret_key  # the site signs its form tokens with it too
        self.tokens = SignedTokens(secret_key)

    @property
    def site_name(self) -> str:
        """The name mail and authenticator apps show: the admins' choice, read when needed (rarely)."""
        return saved_site_name(self.settings, self.store)

    # Mail -----------------------------------------------------------------------------------------------

    @property
    def can_mail(self) -> bool:
        return bool(self.settings.smtp_host)

    def _mail(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        sender = s.smtp_from or f"{self.site_name} <no-reply@{s.smtp_host}>"
        settings = MailSettings(
            host=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            sender=sender,
            starttls=s.smtp_starttls,
        )
        send_mail(settings, to, subject, body)

    def _link(self, path: str) -> str:
        return f"{self.settings.public_base_url}{path}"

    # Signing up -----------------------------------------------------------------------------------------

    def _throttle_mail(self, address: str, client: str) -> None:
        """At most a few mails to one address, and requests from one client, per hour, whether the address has
        an account or not (the limit says nothing about it): nobody can flood an inbox through the site."""
        users = self.store.users
        since = datetime.now(UTC) - MAIL_WINDOW
        keys = [f"mailto:{address}"] + ([f"mailfrom:{client}"] if client else [])
        if users.count_events(keys[0], since) >= MAILS_PER_ADDRESS or (
            client and users.count_events(keys[1], since) >= MAIL_REQUESTS_PER_CLIENT
        ):
            raise SignInThrottled(MAIL_THROTTLED)
        users.record_events(keys)

    def request_sign_up(self, email: str, *, client: str = "") -> str:
        """Mail a sign-up link (or, for an address that has an account, a note saying so). The answer is the
        same either way."""
        if not self.settings.signup_by_email:
            raise AccountError(SIGN_UP_CLOSED)
        address = normalise_email(email)
        if address is None:
            raise AccountError(BAD_EMAIL)
        self._throttle_mail(address, client)
        name = self.site_name
        if self.store.users.by_email(address) is not None:
            body = (
                f"Someone asked to sign up to {name} with this address, which already has an account.\n"
                f"If it was you, sign in at {self._link('/account/sign-in')}, or reset your password at "
                f"{self._link('/account/reset')}.\nIf it was not, you can ignore this message."
            )
            self._mail(address, f"Your {name} account", body)
        else:
            link = self.welcome_link(address, "reader", hours=SIGN_UP_LINK_HOURS)
            body = (
                f"To finish signing up to {name}, open this link within {SIGN_UP_LINK_HOURS} hours:\n{link}\n"
                "If you did not ask for an account, you can ignore this message."
            )
            self._mail(address, f"Finish signing up to {name}", body)
        return CHECK_INBOX

    def welcome_link(self, email: str, role: str = "reader", *, hours: int = INVITATION_DAYS * 24) -> str:
        """A link that lets whoever holds it create the account for ``email`` with ``role`` (invitations are
        printed by the CLI; sign-up links are mailed)."""
        address = normalise_email(email)
        if address is None:
            raise AccountError(BAD_EMAIL)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = self.tokens.make("welcome", {"email": address, "role": role, "hours": hours})
        return self._link(f"/account/welcome/{token}")

    def welcome_email(self, token: str) -> str | None:
        """The address a welcome link is for, while it is valid and the address has no account."""
        data = self._welcome(token)
        return str(data["email"]) if data else None

    def _welcome(self, token: str) -> dict[str, object] | None:
        data = self.tokens.read("welcome", token, max_age_seconds=INVITATION_DAYS * 24 * 3600)
        if data is None or not isinstance(data.get("email"), str) or data.get("role") not in ROLES:
            return None
        hours = data.get("hours")
        if not isinstance(hours, int) or hours <= 0:
            return None
        # the token's own age limit: read again with it (a sign-up link lives a day, an invitation a week)
        if self.tokens.read("welcome", token, max_age_seconds=hours * 3600) is None:
            return None
        if self.store.users.by_email(str(data["email"])) is not None:
            return None
        return data

    def complete_sign_up(
        self, token: str, display_name: str, password: str, *, user_agent: str = ""
    ) -> SignedIn:
        data = self._welcome(token)
        if data is None:
            raise AccountError(BAD_LINK)
        email, role = str(data["email"]), str(data["role"])
        name = clean_display_name(display_name)
        if name is None:
            raise AccountError(BAD_NAME)
        problem = password_problem(password, email=email, display_name=name)
        if problem:
            raise AccountError(problem)
        try:
            user = self.store.users.create(email, name, hash_password(password), role)
        except AccountError as exc:  # the address got an account since the link was read
            raise AccountError(BAD_LINK) from exc
        return self._session(user, user_agent)

    def create_user(self, email: str, display_name: str, password: str, role: str = "reader") -> User:
        """For the operator (``herald users create``): errors name the problem plainly."""
        address = normalise_email(email)
        if address is None:
            raise AccountError(BAD_EMAIL)
        name = clean_display_name(display_name)
        if name is None:
            raise AccountError(BAD_NAME)
        problem = password_problem(password, email=address, display_name=name)
        if problem:
            raise AccountError(problem)
        if self.store.users.by_email(address) is not None:
            raise AccountError(f"{address} already has an account.")
        return self.store.users.create(address, name, hash_password(password), role)

    # Signing in and out ---------------------------------------------------------------------------------

    def sign_in(
        self, email: str, password: str, *, code: str = "", client: str = "", user_agent: str = ""
    ) -> SignedIn:
        """A new session for the right password (and code, with two-factor on). Raises SignInThrottled,
        CodeRequired (password right, code missing) or AccountError with one message for every wrong case."""
        user = self._check_sign_in(email, password, code=code, client=client)
        return self._session(user, user_agent)

    def sign_in_app(
        self,
        email: str,
        password: str,
        *,
        code: str = "",
        label: str,
        client: str = "",
        user_agent: str = "",
    ) -> SignedIn:
        """A bearer token for an app the reader names ``label``: the same checks and the same throttle as
        signing in on the site (a guess through the API counts against the same limits), and the same
        refusals. It works only as a bearer token, and lives APP_SESSION_DAYS."""
        name = clean_app_name(label)
        if name is None:
            raise AccountError(BAD_APP_NAME)
        user = self._check_sign_in(email, password, code=code, client=client)
        return self._session(user, user_agent, kind="app", label=name, days=APP_SESSION_DAYS)

    def _check_sign_in(self, email: str, password: str, *, code: str, client: str) -> User:
        users = self.store.users
        # An address that is not one cannot have an account; all of them share one throttle key, so no text a
        # stranger types is stored.
        address = normalise_email(email) or "(not an address)"
        keys = [f"email:{address}"] + ([f"addr:{client[:100]}"] if client else [])
        since = datetime.now(UTC) - THROTTLE_WINDOW
        if users.count_events(keys[0], since) >= FAILURES_PER_ACCOUNT or (
            client and users.count_events(keys[1], since) >= FAILURES_PER_ADDRESS
        ):
            raise SignInThrottled(THROTTLED)
        user = users.by_email(address) if "@" in address else None
        stored = users.password_hash(user.id) if user is not None else None
        # The same argon2 work for an unknown address as for a wrong password: timing says nothing.
        if not verify_password(stored or dummy_hash(), password) or user is None or stored is None:
            users.record_events(keys)
            raise AccountError(WRONG_SIGN_IN)
        if user.banned:
            raise AccountError(SUSPENDED)
        if user.totp_enabled:
            secret, last_step = users.totp(user.id)
            if not code.strip():
                raise CodeRequired(CODE_NEEDED)
            step = accept_totp(secret or "", code, last_step=last_step)
            if step is None or not users.use_totp_step(user.id, step):
                users.record_events(keys)
                raise AccountError(WRONG_CODE)
        users.clear_events(keys[0])
        if needs_rehash(stored):
            users.set_password_hash(user.id, hash_password(password))
        return user

    def _session(
        self, user: User, user_agent: str, *, kind: str = "web", label: str = "", days: int | None = None
    ) -> SignedIn:
        lifetime = timedelta(days=days if days is not None else self.settings.session_days)
        expires_at = datetime.now(UTC) + lifetime
        token = self.store.users.create_session(
            user.id, lifetime=lifetime, user_agent=user_agent[:200], kind=kind, label=label
        )
        return SignedIn(user=user, session_token=token, expires_at=expires_at)

    def user_for_session(self, token: str | None) -> User | None:
        """The reader a browser's session cookie signs in; never an app's token."""
        if not token:
            return None
        return self.store.users.session_user(token)

    def sign_out(self, token: str | None) -> None:
        if token:
            self.store.users.delete_session(token)

    # Apps: bearer tokens for the API --------------------------------------------------------------------

    def user_for_app_token(self, token: str | None) -> User | None:
        """The reader an app's bearer token signs in; never a browser's cookie."""
        if not token:
            return None
        return self.store.users.session_user(token, kind="app")

    def sign_out_app(self, token: str | None) -> bool:
        """End the app session this token opens; a browser's token is left alone."""
        if not token:
            return False
        return self.store.users.delete_session(token, kind="app")

    def apps(self, user: User, *, limit: int = 100, offset: int = 0) -> list[SessionInfo]:
        """The reader's signed-in apps, newest first."""
        return self.store.users.sessions(user.id, kind="app", limit=limit, offset=offset)

    def revoke_app(self, user: User, handle: str) -> bool:
        """Sign one of the reader's own apps out, by its handle; False when no app of theirs has it."""
        return self.store.users.delete_session_by_handle(user.id, handle, kind="app")

    # Passwords ------------------------------------------------------------------------------------------

    def change_password(self, user: User, current: str, new: str, *, keep_token: str | None) -> None:
        """After a change, every other session of the account ends."""
        stored = self.store.users.password_hash(user.id)
        if stored is None or not verify_password(stored, current):
            raise AccountError(WRONG_PASSWORD)
        problem = password_problem(new, email=user.email, display_name=user.display_name)
        if problem:
            raise AccountError(problem)
        self.store.users.set_password_hash(user.id, hash_password(new))
        self.store.users.delete_sessions(user.id, keep_token=keep_token)

    def reset_link(self, email: str) -> str | None:
        """A one-time link to choose a new password, or None when the address has no account (the CLI says
        so; the site never does)."""
        address = normalise_email(email)
        user = self.store.users.by_email(address) if address else None
        stored = self.store.users.password_hash(user.id) if user is not None else None
        if user is None or stored is None:
            return None
        token = self.tokens.make("reset", {"user": user.id, "fp": _fingerprint(stored)})
        return self._link(f"/account/reset/{token}")

    def request_reset(self, email: str, *, client: str = "") -> str:
        """Mail a reset link when the address has an account; the answer is the same either way."""
        address = normalise_email(email)
        if address is None:
            raise AccountError(BAD_EMAIL)
        self._throttle_mail(address, client)
        link = self.reset_link(address)
        if link is not None and self.can_mail:
            body = (
                f"To choose a new password for {self.site_name}, open this link within "
                f"{RESET_LINK_HOURS} hour:\n{link}\nIf you did not ask, you can ignore this message."
            )
            self._mail(address, f"Reset your {self.site_name} password", body)
        elif link is not None:
            log.warning(
                "a password reset was asked for, but no SMTP server is set: use `herald users reset-link`"
            )
        return CHECK_INBOX

    def reset_user(self, token: str) -> User | None:
        """The account a reset link is for, while the link is valid and unused."""
        data = self.tokens.read("reset", token, max_age_seconds=RESET_LINK_HOURS * 3600)
        if data is None or not isinstance(data.get("user"), int):
            return None
        user_id = int(str(data["user"]))
        stored = self.store.users.password_hash(user_id)
        if stored is None or data.get("fp") != _fingerprint(stored):
            return None
        return self.store.users.get(user_id)

    def reset_password(self, token: str, new: str) -> User:
        """Set the new password and end every session of the account (whoever had it, has it no more)."""
        user = self.reset_user(token)
        if user is None:
            raise AccountError(BAD_LINK)
        problem = password_problem(new, email=user.email, display_name=user.display_name)
        if problem:
            raise AccountError(problem)
        self.store.users.set_password_hash(user.id, hash_password(new))
        self.store.users.delete_sessions(user.id)
        self.store.users.clear_events(f"email:{user.email}")
        return user

    # Two-factor -----------------------------------------------------------------------------------------

    def begin_two_factor(self, user: User) -> TwoFactorSetup:
        """A new secret to show as a QR code; nothing is stored until a code from it is confirmed."""
        secret = new_totp_secret()
        uri = totp_uri(secret, user.email, self.site_name)
        return TwoFactorSetup(secret=secret, uri=uri, qr_svg=qr_svg(uri))

    def enable_two_factor(self, user: User, secret: str, code: str) -> None:
        """Store the secret once a code from it is right; that code is spent (it cannot sign in as well)."""
        step = accept_totp(secret, code, last_step=0)
        if step is None:
            raise AccountError(WRONG_CODE)
        self.store.users.set_totp(user.id, secret)
        self.store.users.use_totp_step(user.id, step)

    def disable_two_factor(self, user: User, password: str) -> None:
        stored = self.store.users.password_hash(user.id)
        if stored is None or not verify_password(stored, password):
            raise AccountError(WRONG_PASSWORD)
        self.store.users.set_totp(user.id, None)

    # Roles (the operator) -------------------------------------------------------------------------------

    def set_role(self, email: str, role: str) -> User:
        user = self._existing(email)
        if user.is_admin and role != "admin" and self.store.users.count_admins() <= 1:
            raise AccountError(N_("That is the last admin: make another admin first."))
        self.store.users.set_role(user.id, role)
        return self.store.users.get(user.id) or user

    def set_banned(self, email: str, banned: bool) -> User:
        user = self._existing(email)
        self.store.users.set_banned(user.id, banned)
        return self.store.users.get(user.id) or user

    def _existing(self, email: str) -> User:
        address = normalise_email(email)
        user = self.store.users.by_email(address) if address else None
        if user is None:
            raise AccountError(f"No account has the address {email!r}.")
        return user
