"""ORM tables of access control: offices, users, login sessions, audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from procura.db import Base


class Office(Base):
    """A procuratorate: one GB/T 2260 region at one level (``330110-county``)."""

    __tablename__ = "offices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("offices.id"))


class OfficeClosure(Base):
    """Every (ancestor, descendant) pair of the office tree, self included.

    Jurisdiction queries and PostgreSQL row-level policies read this table.
    """

    __tablename__ = "office_closure"

    ancestor_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    descendant_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    depth: Mapped[int] = mapped_column(Integer)

    # Superiors of an office (the ``users`` row policy lets a user see those above them).
    __table_args__ = (Index("ix_office_closure_descendant", "descendant_id", "ancestor_id"),)


class User(Base):
    """A person who signs in: one office, one department, one role."""

    __tablename__ = "users"
    # Never fetch the server default of ``password_hash`` back (the app role may not read it).
    __mapper_args__ = {"eager_defaults": False}  # noqa: RUF012

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    # Deferred: never loaded with the row. On PostgreSQL the app role may not read it at all
    # (ADR 0570); passwords are checked by ``auth.password_matches``.
    # A new row starts unusable (``!``) until ``auth.set_password`` writes it (ADR 0590).
    password_hash: Mapped[str] = mapped_column(String(200), deferred=True, server_default="!")
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    department: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthSession(Base):
    """A login: the token is stored only as its SHA-256 hash."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ip: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))


class LoginFailure(Base):
    """Failed sign-ins in a row for one (username, source address) pair, and its lock (ADR 0570).

    Locking the pair, not the account, means nobody can lock a user out from
    elsewhere; unknown names get rows too, so a lock tells nothing about them.
    """

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One append-only audit record, chained to the previous one by hash."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The audit key that signed the entry (ADR 0562); None only before keyed entries existed.
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditHead(Base):
    """The chain's last sequence number and hash (one row), so a cut tail is detected."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
