"""Personal data: masked everywhere by default; unmasking one record's field is a permission
of head-office risk managers and auditors only, needs a reason, stays within scope, and is
audited (who, which record, which field, the reason: never the value) in the same
transaction."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from data import audit
from data.auth import user_session
from data.errors import NotFound
from data.ingest.runner import Importer
from data.models import AuditEvent, Customer, Staff
from data.rules.idcodes import mask_id, mask_phone
from data.unmask import UNMASK_ACTION, UnmaskRefused, masked, may_unmask, unmask
from tests.data.test_scope_everywhere import (  # noqa: F401  (keys: a fixture)
    SHIJIAZHUANG,
    TANGSHAN,
    Keys,
    _reads,
    keys,
)

SHIJIAZHUANG_CUSTOMER = "C0001000"  # 031101, under 0311


@pytest.fixture
def bank(db: Any, examples_dir: Path) -> Any:
    assert Importer(db).run([str(examples_dir)]).exit_code == 0
    return db


@pytest.fixture
def users(bank: Any) -> dict[str, Any]:
    with bank.read_session() as s:
        out = {no: user_session(s, s.get(Staff, no)) for no in ("H0001", "H0002", "A0311", "A0315")}
    out["ADMIN"] = dataclasses.replace(out["H0001"], employee_no="H0001", role="ADMIN")
    return out


def _customer(db: Any, no: str = SHIJIAZHUANG_CUSTOMER) -> Customer:
    with db.read_session() as s:
        customer = s.get(Customer, no)
        assert customer is not None
        return customer


def _events(db: Any) -> list[AuditEvent]:
    with db.read_session() as s:
        return list(s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())


def test_head_office_and_auditors_unmask_one_field_audited_without_the_value(
    bank: Any, users: dict[str, Any]
) -> None:
    customer = _customer(bank)
    assert customer.phone
    assert customer.legal_rep_id
    before = len(_events(bank))
    with bank.write_session() as s:
        phone = unmask(
            s, users["H0001"], "customer", customer.customer_no, "phone", "  核实还款意愿，需电话联系  "
        )
    with bank.write_session() as s:
        id_no = unmask(s, users["H0002"], "customer", customer.customer_no, "legal_rep_id", "审计抽查")
    assert (phone, id_no) == (customer.phone, customer.legal_rep_id)
    events = _events(bank)[before:]
    assert [(e.actor, e.action, e.entity_type, e.entity_id) for e in events] == [
        ("H0001", UNMASK_ACTION, "customer", customer.customer_no),
        ("H0002", UNMASK_ACTION, "customer", customer.customer_no),
    ]
    assert json.loads(events[0].details) == {
        "field": "phone",
        "reason": "核实还款意愿，需电话联系",
        "branch_code": customer.branch_code,
    }
    assert json.loads(events[1].details)["field"] == "legal_rep_id"
    for event in events:  # never the value, not even a part of it beyond the mask's
        assert customer.phone not in event.details
        assert customer.legal_rep_id not in event.details
        assert customer.legal_rep_id[6:14] not in event.details  # the birth date
    with bank.read_session() as s:
        assert audit.verify(s).ok


def test_a_staff_phone_is_personal_data_too(bank: Any, users: dict[str, Any]) -> None:
    with bank.read_session() as s:
        phone = s.get(Staff, "E00105").phone
        assert masked(s, None, "staff", "E00105", "phone") == mask_phone(phone)
    with bank.write_session() as s:
        assert unmask(s, users["H0002"], "staff", "E00105", "phone", "核对联系方式") == phone


@pytest.mark.parametrize("who", ["A0311", "A0315", "ADMIN"])
def test_other_roles_are_refused_and_nothing_is_written(bank: Any, users: dict[str, Any], who: str) -> None:
    assert not may_unmask(users[who])
    before = len(_events(bank))
    with pytest.raises(UnmaskRefused) as refused, bank.write_session() as s:
        unmask(s, users[who], "customer", SHIJIAZHUANG_CUSTOMER, "phone", "需要")
    assert refused.value.code == "UNMASK_ROLE"
    assert refused.value.params == {"role": users[who].role}
    assert len(_events(bank)) == before


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", "UNMASK_REASON_REQUIRED"),
        (" \t\u3000\n", "UNMASK_REASON_REQUIRED"),
        (None, "UNMASK_REASON_REQUIRED"),
        ("长" * 501, "UNMASK_REASON_TOO_LONG"),
    ],
)
def test_a_reason_is_required(bank: Any, users: dict[str, Any], reason: Any, code: str) -> None:
    before = len(_events(bank))
    with pytest.raises(UnmaskRefused) as refused, bank.write_session() as s:
        unmask(s, users["H0001"], "customer", SHIJIAZHUANG_CUSTOMER, "phone", reason)
    assert refused.value.code == code
    assert len(_events(bank)) == before


def test_only_one_known_personal_field_of_a_record_in_scope(bank: Any, users: dict[str, Any]) -> None:
    narrowed = dataclasses.replace(users["H0001"], scope=frozenset({TANGSHAN, "031501"}))
    before = len(_events(bank))
    # out of scope: the same answer as a record that does not exist
    for user, key in ((narrowed, SHIJIAZHUANG_CUSTOMER), (users["H0001"], "C9999999")):
        with pytest.raises(NotFound), bank.write_session() as s:
            unmask(s, user, "customer", key, "phone", "核实")
    with pytest.raises(NotFound), bank.write_session() as s:
        unmask(s, users["H0001"], "staff", "nobody", "phone", "核实")
    for entity, field in (
        ("customer", "uscc"),
        ("customer", "name"),
        ("loan", "phone"),
        ("staff", "password_hash"),
    ):
        with pytest.raises(UnmaskRefused) as refused, bank.write_session() as s:
            unmask(s, users["H0001"], entity, SHIJIAZHUANG_CUSTOMER, field, "核实")
        assert refused.value.code == "UNMASK_UNKNOWN_FIELD"
    assert len(_events(bank)) == before
    with bank.write_session() as s:  # in scope: allowed
        assert (
            unmask(s, narrowed, "customer", "C0001004", "phone", "核实") == _customer(bank, "C0001004").phone
        )
    with bank.read_session() as s:
        with pytest.raises(NotFound):
            masked(s, narrowed.scope, "customer", SHIJIAZHUANG_CUSTOMER, "phone")
        assert masked(s, None, "customer", SHIJIAZHUANG_CUSTOMER, "legal_rep_id") == mask_id(
            _customer(bank).legal_rep_id
        )


def test_the_value_and_its_audit_event_share_one_transaction(bank: Any, users: dict[str, Any]) -> None:
    """A caller whose transaction fails after unmasking leaves no event, and one that
    commits leaves exactly one: no value is read without its event."""
    with bank.read_session() as s:
        before = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()

    def fails_after_unmasking() -> None:
        with bank.write_session() as s:
            unmask(s, users["H0001"], "customer", SHIJIAZHUANG_CUSTOMER, "phone", "核实")
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError):
        fails_after_unmasking()
    with bank.read_session() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before


def test_personal_data_is_masked_in_every_read(keys: Keys, tmp_path: Path) -> None:  # noqa: F811
    """Every scoped read, for head office (the whole bank): no full ID number or phone of
    any customer or employee appears in any list, profile, detail, chart, map, report's
    data or audit CSV."""
    db = keys.bank.db
    with db.read_session() as s:
        secrets = {c.phone for c in s.execute(select(Customer)).scalars()}
        secrets |= {c.legal_rep_id for c in s.execute(select(Customer)).scalars()}
        secrets |= {st.phone for st in s.execute(select(Staff)).scalars()}
    secrets.discard("")
    assert len(secrets) > 10
    for user in ("H0001", "H0002"):
        answers = _reads(db, keys.bank.user(user), keys, tmp_path, other=SHIJIAZHUANG, own=TANGSHAN)
        shown = {name: [v for v in secrets if v in repr(value)] for name, value in answers.items()}
        assert {name: found for name, found in shown.items() if found} == {}
    # and they are there, masked, where a screen shows them
    profile = answers["customers.customer_profile@own"]
    assert profile.phone == mask_phone(_customer(db, "C0001004").phone)
    detail = answers["queries.inspection_detail@own"]
    assert detail.phone_masked == mask_phone(_customer(db, "C0001004").phone)
    assert detail.legal_rep_id_masked == mask_id(_customer(db, "C0001004").legal_rep_id)
