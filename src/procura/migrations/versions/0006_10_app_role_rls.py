"""Row-level security that holds against the app role; lockout by user and source (ADR 0570).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 04:30:00

On PostgreSQL:

- System scope needs the system role: ``procura_is_system()`` is true only when
  ``procura.system`` is on **and** the current user is a member of the tables'
  owner (the role that runs the migrations; superusers too). The app role can
  still set the setting, but it no longer opens anything. Every jurisdiction
  policy is recreated with it.
- ``users`` and ``audit_log`` get forced policies: users are visible in the
  scope's jurisdiction and up its chain of offices; audit entries are
  insert-only (no UPDATE or DELETE policy at all), readable so that the chain
  can be verified.
- Password hashes are not selectable by the app role (column privileges, see
  ``procura.access.rls.grant_app_role``); sign-in checks a password through
  ``procura_password_params`` / ``procura_password_matches``, SECURITY DEFINER
  functions owned by the owner. Finding a user's office before any scope
  (sign-in, session check, "is the store empty", "is the name taken") goes
  through narrow definer functions too.
- ``audit_head`` moves only forward to an entry that exists with that hash
  (trigger), and is never deleted.

On both dialects: ``login_failures`` (username, source) pairs for the lockout.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from procura.access.rls as it is at this revision (a migration never imports live policy).
SCOPED_TABLES = (
    "leads",
    "lead_revisions",
    "lead_work",
    "lead_events",
    "measures",
    "lead_links",
    "shadow_leads",
)


def _predicates(system: str) -> tuple[dict[str, str], dict[str, str]]:
    in_scope = (
        "(" + system + " OR {office} IN "
        "(SELECT c.descendant_id FROM office_closure c "
        "WHERE c.ancestor_id = current_setting('procura.office_id', true)))"
    )
    visible = "EXISTS (SELECT 1 FROM leads l WHERE l.id = {lead})"
    lead_office = "COALESCE((SELECT w.office_id FROM lead_work w WHERE w.lead_id = leads.id), leads.office)"
    read = {
        "leads": in_scope.format(office=lead_office),
        "lead_revisions": visible.format(lead="lead_revisions.lead_id"),
        "lead_work": "true",
        "lead_events": f"({in_scope.format(office='lead_events.office_id')} OR "
        f"{visible.format(lead='lead_events.lead_id')})",
        "measures": f"({in_scope.format(office='measures.office_id')} OR "
        f"{visible.format(lead='measures.lead_id')})",
        "lead_links": f"({visible.format(lead='lead_links.from_lead_id')} OR "
        f"{visible.format(lead='lead_links.to_lead_id')})",
        "shadow_leads": in_scope.format(office="(shadow_leads.record ->> 'office')"),
    }
    write = dict(read, lead_work=in_scope.format(office="lead_work.office_id"))
    return read, write


OLD_SYSTEM = "current_setting('procura.system', true) = 'on'"
NEW_SYSTEM = "(SELECT procura_is_system())"


def _policies(table: str, system: str) -> list[str]:
    read, write = (p[table] for p in _predicates(system))
    return [
        f"DROP POLICY IF EXISTS {table}_{op_} ON {table}" for op_ in ("select", "insert", "update", "delete")
    ] + [
        f"CREATE POLICY {table}_select ON {table} FOR SELECT USING ({read})",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK (true)",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({write}) WITH CHECK (true)",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({write})",
    ]


_BELOW = (
    "users.office_id IN (SELECT c.descendant_id FROM office_closure c "
    "WHERE c.ancestor_id = current_setting('procura.office_id', true))"
)
_ABOVE = (
    "users.office_id IN (SELECT c.ancestor_id FROM office_closure c "
    "WHERE c.descendant_id = current_setting('procura.office_id', true))"
)

# Functions that run as the owner (SECURITY DEFINER), each with system scope for its own body only.
_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp SET procura.system = 'on'"

FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION procura_is_system() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('procura.system', true), '') = 'on'
     AND pg_has_role(current_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = 'leads'::regclass),
                     'MEMBER')
$$""",
    f"""CREATE OR REPLACE FUNCTION procura_password_params(p_user integer)
RETURNS TABLE(prefix text, digest_chars integer) LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT regexp_replace(u.password_hash, '\\$[^$]*$', ''),
         length(substring(u.password_hash from '\\$([^$]*)$'))
  FROM users u WHERE u.id = p_user AND u.password_hash LIKE '$argon2%'
$$""",
    f"""CREATE OR REPLACE FUNCTION procura_password_matches(p_user integer, p_candidate text)
RETURNS boolean LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT coalesce((SELECT u.password_hash = p_candidate FROM users u WHERE u.id = p_user), false)
$$""",
    f"""CREATE OR REPLACE FUNCTION procura_login_office(p_username text)
RETURNS text LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT u.office_id FROM users u WHERE u.username = p_username
$$""",
    f"""CREATE OR REPLACE FUNCTION procura_session_office(p_token_hash text)
RETURNS text LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT u.office_id FROM auth_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.token_hash = p_token_hash
$$""",
    f"""CREATE OR REPLACE FUNCTION procura_user_count()
RETURNS bigint LANGUAGE sql STABLE {_DEFINER} AS $$
  SELECT count(*) FROM users
$$""",
    """CREATE OR REPLACE FUNCTION procura_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'the audit chain head is never deleted';
  END IF;
  IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq OR NOT EXISTS (
      SELECT 1 FROM audit_log a WHERE a.seq = NEW.seq AND a.hash = NEW.hash) THEN
    RAISE EXCEPTION 'the audit chain head moves only forward, to an entry that exists (seq %)', NEW.seq;
  END IF;
  RETURN NEW;
END;
$$""",
]
FUNCTION_NAMES = (
    "procura_password_params(integer)",
    "procura_password_matches(integer, text)",
    "procura_login_office(text)",
    "procura_session_office(text)",
    "procura_user_count()",
)

# Columns of ``users`` the app role may read: all but password_hash.
USER_COLUMNS = (
    "id, username, display_name, office_id, department, role, active, failed_logins, locked_until, created_at"
)


def _app_roles() -> list[str]:
    """Roles other than the owner that were granted reads on ``users`` (``procura db grant``)."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT DISTINCT grantee FROM information_schema.role_table_grants "
            "WHERE table_name = 'users' AND privilege_type = 'SELECT' "
            "AND grantee NOT IN (current_user, 'PUBLIC') "
            "AND grantee <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'users'::regclass)"
        )
    )
    return [r[0] for r in rows]


def upgrade() -> None:
    """Add the lockout table; on PostgreSQL close the app role's doors."""
    op.create_table(
        "login_failures",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", "source"),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in FUNCTIONS:
        op.execute(statement)
    for table in SCOPED_TABLES:
        for statement in _policies(table, NEW_SYSTEM):
            op.execute(statement)
    op.execute("ALTER TABLE users ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE users FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY users_select ON users FOR SELECT USING ({NEW_SYSTEM} OR {_BELOW} OR {_ABOVE})")
    op.execute(f"CREATE POLICY users_insert ON users FOR INSERT WITH CHECK ({NEW_SYSTEM} OR {_BELOW})")
    op.execute(
        f"CREATE POLICY users_update ON users FOR UPDATE USING ({NEW_SYSTEM} OR {_BELOW}) "
        f"WITH CHECK ({NEW_SYSTEM} OR {_BELOW})"
    )
    op.execute(f"CREATE POLICY users_delete ON users FOR DELETE USING ({NEW_SYSTEM} OR {_BELOW})")
    # The audit log: readable (the chain is verified whole), insert-only. No UPDATE or DELETE
    # policy exists, so even a role that had the privilege and no trigger would change no row.
    op.execute("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audit_log FORCE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY audit_log_select ON audit_log FOR SELECT USING (true)")
    op.execute("CREATE POLICY audit_log_insert ON audit_log FOR INSERT WITH CHECK (true)")
    op.execute(
        "CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head "
        "FOR EACH ROW EXECUTE FUNCTION procura_audit_head_guard()"
    )
    for role in _app_roles():
        op.execute(f'REVOKE SELECT ON users FROM "{role}"')
        op.execute(f'GRANT SELECT ({USER_COLUMNS}) ON users TO "{role}"')
        op.execute(f'REVOKE INSERT, DELETE, TRUNCATE ON audit_head FROM "{role}"')
        op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO "{role}"')


def downgrade() -> None:
    """Back to revision 0005's policies and grants."""
    if op.get_bind().dialect.name == "postgresql":
        for role in _app_roles():
            op.execute(f'GRANT SELECT ON users TO "{role}"')
        op.execute("DROP TRIGGER IF EXISTS audit_head_guard ON audit_head")
        for name in ("select", "insert"):
            op.execute(f"DROP POLICY IF EXISTS audit_log_{name} ON audit_log")
        op.execute("ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE audit_log DISABLE ROW LEVEL SECURITY")
        for name in ("select", "insert", "update", "delete"):
            op.execute(f"DROP POLICY IF EXISTS users_{name} ON users")
        op.execute("ALTER TABLE users NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE users DISABLE ROW LEVEL SECURITY")
        for table in SCOPED_TABLES:
            for statement in _policies(table, OLD_SYSTEM):
                op.execute(statement)
        for name in FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
        op.execute("DROP FUNCTION IF EXISTS procura_audit_head_guard()")
        op.execute("DROP FUNCTION IF EXISTS procura_is_system()")
    op.drop_table("login_failures")
