"""The account fields only a superuser sets: they grant rights beyond a department's (the admin, Django's
model permissions) or record what the system did. The user admin shows them read-only to everyone without
`manage-rights`.

Who may manage which account is decided in `core.access` like every other permission: superusers manage
every account; a planner manages the department accounts (editors, viewers and API clients that are neither
superusers nor planners) — `may(actor, "manage-users", account)` — and gives them department roles only
(`access.assignable_roles`). So nothing a planner can set gives anyone more than a department account's
rights, and a planner cannot take over another planner's or a superuser's account (a password, a token) or
make one. docs/security.md, "Managing accounts".
"""
SUPERUSER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined")
