"""Issue 10: the app role can neither write password hashes nor mint sessions (ADR 0590).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-07 07:30:00

On PostgreSQL, before this revision the application's login role could
``UPDATE users SET password_hash = …`` (take over any account in its scope
with a password it knows) and ``INSERT INTO auth_sessions`` (a session for any
user with a token it knows). Now:

- ``users.password_hash`` is outside the app role's INSERT and UPDATE column
  privileges (a new user's row starts with the unusable hash ``!``);
  ``procura_set_password`` (SECURITY DEFINER) writes it, and only for the
  operator (a member of the owner: ``procura users add --system``, set-up),
  for the user themself with the right old password, or for an active user
  whose live session token is given, whose jurisdiction holds the user and
  who may grant the user's role (admins: not heads or chiefs; chiefs: heads
  and chiefs).
  (The first admin of a PostgreSQL store is the operator's to create: the app
  role has no system scope, ADR 0570.)
- ``auth_sessions`` rows are created only by ``procura_open_session``, which
  checks the password the same way sign-in does; the app role may update only
  ``last_seen_at``, ``ended_at`` and ``end_reason``.

On SQLite nothing changes (there is no role: whoever can write the file is the
owner).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp SET procura.system = 'on'"
# The operator: the session's login role is a member of the tables' owner (or a superuser).
_OPERATOR = (
    "pg_has_role(session_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = 'users'::regclass), 'MEMBER')"
)

# Copied from procura.access.users.GRANTS as it is at this revision: admins grant (and set the
# passwords of) every role but these, chiefs only these.
_UNMASKING = "('department_head', 'chief')"

FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION procura_set_password(
    p_user integer, p_hash text, p_actor_token text, p_old_candidate text)
RETURNS void LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  target users%ROWTYPE;
  actor users%ROWTYPE;
BEGIN
  IF p_hash IS NULL OR p_hash NOT LIKE '$argon2%' THEN
    RAISE EXCEPTION 'procura_set_password: not an argon2 hash' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO target FROM users WHERE id = p_user;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'procura_set_password: no such user' USING ERRCODE = '42501';
  END IF;
  IF {_OPERATOR} THEN
    NULL;  -- the operator's own tools (procura users add --system, migrations, set-up)
  ELSE
    SELECT u.* INTO actor FROM auth_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = encode(sha256(convert_to(coalesce(p_actor_token, ''), 'UTF8')), 'hex')
       AND s.ended_at IS NULL AND u.active;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'procura_set_password: no live session' USING ERRCODE = '42501';
    END IF;
    IF actor.id = p_user THEN
      IF p_old_candidate IS NULL OR p_old_candidate <> target.password_hash THEN
        RAISE EXCEPTION 'procura_set_password: the old password does not match' USING ERRCODE = '42501';
      END IF;
    ELSIF NOT ((actor.role = 'admin' AND target.role NOT IN {_UNMASKING})
               OR (actor.role = 'chief' AND target.role IN {_UNMASKING}))
          OR NOT EXISTS (
        SELECT 1 FROM office_closure c
         WHERE c.ancestor_id = actor.office_id AND c.descendant_id = target.office_id) THEN
      RAISE EXCEPTION 'procura_set_password: not this user''s admin' USING ERRCODE = '42501';
    END IF;
  END IF;
  UPDATE users SET password_hash = p_hash WHERE id = p_user;
END;
$$""",
    f"""CREATE OR REPLACE FUNCTION procura_open_session(
    p_user integer, p_candidate text, p_token_hash text, p_ip text, p_now timestamptz)
RETURNS boolean LANGUAGE sql VOLATILE {_DEFINER} AS $$
  WITH opened AS (
    INSERT INTO auth_sessions (token_hash, user_id, created_at, last_seen_at, ip)
    SELECT p_token_hash, u.id, least(p_now, now()), least(p_now, now()), coalesce(p_ip, '')
      FROM users u
     WHERE u.id = p_user AND u.active AND u.password_hash LIKE '$argon2%'
       AND u.password_hash = p_candidate
    RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM opened)
$$""",
]
FUNCTION_NAMES = (
    "procura_set_password(integer, text, text, text)",
    "procura_open_session(integer, text, text, text, timestamptz)",
)

# Copied from procura.access.rls as it is at this revision (a migration never imports live policy).
USER_INSERTABLE = (
    "id, username, display_name, office_id, department, role, active, failed_logins, locked_until, created_at"
)
USER_UPDATABLE = "display_name, office_id, department, role, active, failed_logins, locked_until"
SESSION_UPDATABLE = "last_seen_at, ended_at, end_reason"


def _app_roles() -> list[str]:
    """Roles other than the owner that were granted reads on ``users`` (``procura db grant``)."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT grantee FROM information_schema.column_privileges "
            "WHERE table_name = 'users' AND privilege_type = 'SELECT' "
            "AND grantee NOT IN (current_user, 'PUBLIC') "
            "AND grantee <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'users'::regclass)"
        )
    )
    return [r[0] for r in rows]


def upgrade() -> None:
    """Give ``password_hash`` an unusable default; on PostgreSQL route credentials through definers."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), server_default="!")
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in FUNCTIONS:
        op.execute(statement)
    for role in _app_roles():
        op.execute(f'REVOKE INSERT, UPDATE ON users FROM "{role}"')
        op.execute(f'GRANT INSERT ({USER_INSERTABLE}) ON users TO "{role}"')
        op.execute(f'GRANT UPDATE ({USER_UPDATABLE}) ON users TO "{role}"')
        op.execute(f'REVOKE INSERT, UPDATE ON auth_sessions FROM "{role}"')
        op.execute(f'GRANT UPDATE ({SESSION_UPDATABLE}) ON auth_sessions TO "{role}"')


def downgrade() -> None:
    """Back to revision 0008's grants."""
    if op.get_bind().dialect.name == "postgresql":
        for role in _app_roles():
            op.execute(f'GRANT INSERT, UPDATE ON users TO "{role}"')
            op.execute(f'GRANT INSERT, UPDATE ON auth_sessions TO "{role}"')
        for name in FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), server_default=None)
