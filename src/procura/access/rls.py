"""Row-level security on PostgreSQL: jurisdiction enforced a second time.

The application connects as a non-owner role. Every service call sets the
principal's office for its transaction (``procura.office_id``); the policies
created by the migrations let a row through only when its office lies in that
office's jurisdiction (``office_closure``). Unattended jobs use
``procura.db.system_scope``.
On SQLite these functions do nothing: the service layer's checks stand alone.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from procura.access.principal import Principal
from procura.db import set_scope

# Append-only tables: the app role may not change or delete their rows.
APPEND_ONLY = ("audit_log", "lead_events")
# Tables whose rows belong to an office's jurisdiction; each has a forced policy.
SCOPED_TABLES = (
    "leads",
    "lead_revisions",
    "lead_work",
    "lead_events",
    "measures",
    "lead_links",
    "shadow_leads",
)

# System scope needs both the setting and the system role (a member of the tables' owner):
# the app role may set ``procura.system`` but that opens nothing (ADR 0570).
SYSTEM = "(SELECT procura_is_system())"
_IN_SCOPE = (
    "(" + SYSTEM + " OR {office} IN "
    "(SELECT c.descendant_id FROM office_closure c "
    "WHERE c.ancestor_id = current_setting('procura.office_id', true)))"
)
_LEAD_VISIBLE = "EXISTS (SELECT 1 FROM leads l WHERE l.id = {lead})"
# The handling office, kept on the lead by triggers (migration 0011, ADR 0567).
_LEAD_OFFICE = "leads.handling_office"

# The row predicate (USING) of each scoped table.
READ_PREDICATES = {
    # A lead is also read by the offices that escalated it (``lead_readers``, revision 0007).
    "leads": f"({_IN_SCOPE.format(office=_LEAD_OFFICE)} OR EXISTS (SELECT 1 FROM lead_readers r "
    f"WHERE r.lead_id = leads.id AND {_IN_SCOPE.format(office='r.office_id')}))",
    "lead_revisions": _LEAD_VISIBLE.format(lead="lead_revisions.lead_id"),
    # Routing rows (office, department, handler id) are readable so that the
    # leads predicate can see where each lead is; changing them is scoped.
    "lead_work": "true",
    "lead_events": f"({_IN_SCOPE.format(office='lead_events.office_id')} OR "
    f"{_LEAD_VISIBLE.format(lead='lead_events.lead_id')})",
    "measures": f"({_IN_SCOPE.format(office='measures.office_id')} OR "
    f"{_LEAD_VISIBLE.format(lead='measures.lead_id')})",
    "lead_links": f"({_LEAD_VISIBLE.format(lead='lead_links.from_lead_id')} OR "
    f"{_LEAD_VISIBLE.format(lead='lead_links.to_lead_id')})",
    # Leads of a candidate model version, kept as JSON records with their office.
    "shadow_leads": _IN_SCOPE.format(office="(shadow_leads.record ->> 'office')"),
}
WRITE_PREDICATES = dict(READ_PREDICATES, lead_work=_IN_SCOPE.format(office="lead_work.office_id"))


def policy_statements(table: str) -> list[str]:
    """The SQL that enables, forces and defines the policies of one scoped table.

    Reads, updates and deletes need the row in scope; a row may leave the scope
    by an update (a transfer or escalation hands it to another office), and
    inserts are checked by the service layer.
    """
    read, write = READ_PREDICATES[table], WRITE_PREDICATES[table]
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY {table}_select ON {table} FOR SELECT USING ({read})",
        f"CREATE POLICY {table}_insert ON {table} FOR INSERT WITH CHECK (true)",
        f"CREATE POLICY {table}_update ON {table} FOR UPDATE USING ({write}) WITH CHECK (true)",
        f"CREATE POLICY {table}_delete ON {table} FOR DELETE USING ({write})",
    ]


def drop_statements(table: str) -> list[str]:
    """The SQL that removes what ``policy_statements`` created."""
    return [
        f"DROP POLICY IF EXISTS {table}_{op} ON {table}" for op in ("select", "insert", "update", "delete")
    ] + [
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def apply_scope(session: Session, principal: Principal) -> None:
    """Set the principal's office for the current transaction (PostgreSQL only)."""
    set_scope(session, principal.office_id, system=principal.role == "system")


# Columns of ``users`` the app role reads: every one but ``password_hash``, which only the
# definer functions ``procura_password_params`` / ``procura_password_matches`` look at.
USER_READABLE = (
    "id",
    "username",
    "display_name",
    "office_id",
    "department",
    "role",
    "active",
    "failed_logins",
    "locked_until",
    "created_at",
)


# Columns the app role may write (ADR 0590): never ``password_hash`` (``procura_set_password``
# writes it) and, of a session, only its use and end (``procura_open_session`` creates it).
USER_INSERTABLE = USER_READABLE
USER_UPDATABLE = (
    "display_name",
    "office_id",
    "department",
    "role",
    "active",
    "failed_logins",
    "locked_until",
)
SESSION_UPDATABLE = ("last_seen_at", "ended_at", "end_reason")


def grant_app_role(conn: Connection, role: str) -> None:
    """Give a non-owner login role the rights the application needs on every table.

    Not: UPDATE/DELETE/TRUNCATE on the append-only tables, INSERT/DELETE/TRUNCATE
    on the audit chain head (a trigger lets it move only forward), SELECT on
    ``users.password_hash`` (ADR 0570), INSERT or UPDATE of it, INSERT of sessions or
    UPDATE of their token and user (ADR 0590).
    """
    if not role.replace("_", "").isalnum():
        raise ValueError(f"bad role name {role!r}")
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    for table in APPEND_ONLY:
        conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}"))
    conn.execute(text(f"REVOKE INSERT, DELETE, TRUNCATE ON audit_head FROM {role}"))
    conn.execute(text(f"REVOKE SELECT, INSERT, UPDATE ON users FROM {role}"))
    conn.execute(text(f"GRANT SELECT ({', '.join(USER_READABLE)}) ON users TO {role}"))
    conn.execute(text(f"GRANT INSERT ({', '.join(USER_INSERTABLE)}) ON users TO {role}"))
    conn.execute(text(f"GRANT UPDATE ({', '.join(USER_UPDATABLE)}) ON users TO {role}"))
    conn.execute(text(f"REVOKE INSERT, UPDATE ON auth_sessions FROM {role}"))
    conn.execute(text(f"GRANT UPDATE ({', '.join(SESSION_UPDATABLE)}) ON auth_sessions TO {role}"))


def is_system(session: Session) -> bool:
    """Whether the session's transaction has system scope (always on SQLite, which has no policies)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT procura_is_system()")).scalar_one())


def scope_to_user(session: Session, *, username: str | None = None, token_hash: str | None = None) -> None:
    """Before any principal is known (sign-in, session check): scope the transaction to the user's office.

    The office is found by a narrow definer function (the app role cannot read
    ``users`` outside a scope); an unknown name or token leaves the scope empty.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    # One round trip: find the office and set the scope (as ``set_scope`` does, system off).
    finder, value = (
        ("procura_login_office(:v)", username)
        if username is not None
        else ("procura_session_office(:v)", token_hash)
    )
    session.execute(
        text(
            f"SELECT set_config('procura.office_id', coalesce({finder}, ''), true), "
            "set_config('procura.system', 'off', true)"
        ),
        {"v": value},
    )


def username_taken(session: Session, username: str) -> bool | None:
    """Whether any user, in any office, has the name (PostgreSQL); None on SQLite (ask the table)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.execute(text("SELECT procura_login_office(:u)"), {"u": username}).scalar() is not None


def user_count(session: Session) -> int | None:
    """How many users exist in every office (PostgreSQL); None on SQLite (count the table)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return int(session.execute(text("SELECT procura_user_count()")).scalar_one())
