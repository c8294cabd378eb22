"""The demo bank's master data: branches, staff, customers and loans with their history.

Rules the data keeps, so that it imports cleanly and reads as believable:

* Head office ``000`` (河北银行总行) sits in 石家庄; each city branch has the city's area
  code; each sub-branch sits at the real seat of a county of its city.
* Every client manager belongs to one sub-branch; each customer is served by a manager of
  the sub-branch it is near (within a few kilometres).
* A USCC carries the city's administrative code, an organisation code with its own
  GB 11714 check character, and the GB 32100 check character. A legal representative's
  resident ID carries a Hebei county code, a birth date that makes them 28 to 64 years old,
  a sequence whose parity matches their sex, and the GB 11643 check digit.
* Customer positions are stored mostly in GCJ-02 (as the mobile map gave them), some in
  WGS-84 and a few in BD-09, rounded to six decimals. ``wgs_lat``/``wgs_lon`` are what the
  importer will compute from the stored values, so distances measured in tests agree.
* A loan's classification matches its overdue days (any overdue → at least 关注, over 90
  days → 次级, over 270 → 可疑, over 360 → 损失), and its history runs back two to four
  month ends, never before disbursement, getting no worse going back in time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from data.demo import catalog
from data.demo.common import (
    add_months,
    cumulative,
    jitter_point,
    money,
    months_between,
    offset_point,
    previous_month_ends,
    weighted_index,
)
from data.demo.places import CITY_PLANS, AdminCentre, load_admin_centres, short_county_name
from data.demo.scales import ScaleConfig
from data.rules.coords import Crs, from_wgs84, to_wgs84
from data.rules.idcodes import USCC_ALPHABET, resident_id_check_char, uscc_check_char

HEAD_OFFICE_CODE = "000"
HEAD_OFFICE_NAME = "河北银行总行"
#: How many month-end snapshots of each loan exist at most (the current one included).
MAX_SNAPSHOTS = 4

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CLASS_WEIGHTS = (88.0, 7.0, 3.0, 1.3, 0.7)


@dataclass(frozen=True)
class Branch:
    """A head office, city branch or sub-branch, positioned in WGS-84."""

    code: str
    name: str
    level: str
    parent_code: str
    city: str
    lat: float
    lon: float
    county: str


@dataclass(frozen=True)
class StaffMember:
    """An employee. Client managers carry the mobile device they submit bundles from."""

    employee_no: str
    name: str
    branch_code: str
    role: str
    phone: str
    device_id: str = ""
    device_make: str = ""
    device_model: str = ""


@dataclass(frozen=True)
class LoanSnapshot:
    as_of: dt.date
    balance: Decimal
    classification: str
    overdue_days: int


@dataclass(frozen=True)
class Loan:
    """A loan and its month-end snapshots, oldest first; the last one is current."""

    loan_no: str
    customer_no: str
    product: str
    amount: Decimal
    rate: str
    disbursed_on: dt.date
    maturity_on: dt.date
    guarantee: str
    payment: str
    purpose: str
    snapshots: tuple[LoanSnapshot, ...]

    @property
    def current(self) -> LoanSnapshot:
        return self.snapshots[-1]


@dataclass(frozen=True)
class Customer:
    """A borrowing company. The fields after ``manager_no`` summarise its loans for the
    inspection generator and are not part of master data."""

    customer_no: str
    name: str
    uscc: str
    legal_rep: str
    legal_rep_id: str
    phone: str
    industry: str
    address: str
    lat: float
    lon: float
    crs: str
    branch_code: str
    manager_no: str
    wgs_lat: float
    wgs_lon: float
    classification: str
    has_collateral: bool
    has_guarantor: bool
    entrusted_payment: bool
    total_amount: Decimal
    first_disbursed: dt.date


@dataclass(frozen=True)
class World:
    """All master data of one demo bank."""

    config: ScaleConfig
    today: dt.date
    as_of: dt.date
    branches: tuple[Branch, ...]
    staff: tuple[StaffMember, ...]
    customers: tuple[Customer, ...]
    loans: tuple[Loan, ...]

    def managers_by_sub(self) -> dict[str, list[StaffMember]]:
        out: dict[str, list[StaffMember]] = {}
        for member in self.staff:
            if member.role == "CLIENT_MANAGER":
                out.setdefault(member.branch_code, []).append(member)
        return out

    def staff_by_no(self) -> dict[str, StaffMember]:
        return {member.employee_no: member for member in self.staff}

    def branch_by_code(self) -> dict[str, Branch]:
        return {branch.code: branch for branch in self.branches}


def classify(overdue_days: int, when_current: str) -> str:
    """The five-category class for a number of overdue days; ``when_current`` is the class
    of a loan with nothing overdue (正常, or 关注 for other concerns)."""
    if overdue_days > 360:
        return "LOSS"
    if overdue_days > 270:
        return "DOUBTFUL"
    if overdue_days > 90:
        return "SUBSTANDARD"
    if overdue_days > 0:
        return "SPECIAL_MENTION"
    return when_current


class _Names:
    """Believable Chinese personal names, unique within one generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surname_cum = cumulative([1.0 / (i + 6) for i in range(len(catalog.SURNAMES))])
        self._used: set[str] = set()

    def person(self, female: bool, unique: bool = False) -> str:
        pool = catalog.FEMALE_GIVEN if female else catalog.MALE_GIVEN
        for _ in range(50):
            surname = catalog.SURNAMES[weighted_index(self._rng, self._surname_cum)]
            if self._rng.random() < 0.3:
                given = self._rng.choice(pool)
            else:
                first, second = self._rng.sample(pool, 2)
                given = first + second
            name = surname + given
            if not unique or name not in self._used:
                self._used.add(name)
                return name
        return name


def _phone(rng: random.Random, used: set[str], prefixes: tuple[str, ...]) -> str:
    while True:
        phone = rng.choice(prefixes) + f"{rng.randrange(100_000_000):08d}"
        if phone not in used:
            used.add(phone)
            return phone


_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    *(f"15{d}" for d in (0, 1, 2, 5, 7, 8, 9)),
    "176",
    *(f"18{d}" for d in (0, 2, 5, 6, 7, 8, 9)),
    "199",
)


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and a mod-11 check."""
    if rng.random() < 0.7:  # codes issued since 2015 start with MA
        body = "MA" + "".join(rng.choice(USCC_ALPHABET[:10] + "ABCDEFGH") for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(rng: random.Random, region: str) -> str:
    """A unified social credit code of an enterprise (registration 9, type 1) in ``region``."""
    first17 = "91" + region + _org_code(rng)
    return first17 + uscc_check_char(first17)


def make_resident_id(rng: random.Random, region: str, birth: dt.date, female: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.randrange(0, 5) * 2 + (0 if female else 1)
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def _device_id(rng: random.Random, used: set[str]) -> str:
    while True:
        device = f"{rng.getrandbits(32):08X}"
        if device not in used:
            used.add(device)
            return device


def build_world(config: ScaleConfig, seed: int, today: dt.date) -> World:
    """Build the master data of one demo bank; the same inputs give the same bank."""
    rng = random.Random(f"{seed}/world")
    names = _Names(rng)
    centres = load_admin_centres()
    as_of = previous_month_ends(today, 1)[0]

    branches, subs = _build_branches(config, centres, rng)
    staff = _build_staff(config, branches, subs, names, rng)
    managers: dict[str, list[StaffMember]] = {}
    for member in staff:
        if member.role == "CLIENT_MANAGER":
            managers.setdefault(member.branch_code, []).append(member)
    customers, loans = _build_customers_and_loans(config, subs, managers, centres, names, rng, today)
    return World(
        config=config,
        today=today,
        as_of=as_of,
        branches=tuple(branches),
        staff=tuple(staff),
        customers=tuple(customers),
        loans=tuple(loans),
    )


def _build_branches(
    config: ScaleConfig, centres: dict[str, AdminCentre], rng: random.Random
) -> tuple[list[Branch], list[Branch]]:
    plans = {plan.branch_code: plan for plan in CITY_PLANS}
    capital = centres["130100"]
    branches = [
        Branch(HEAD_OFFICE_CODE, HEAD_OFFICE_NAME, "HEAD", "", capital.name, capital.lat, capital.lon, "")
    ]
    subs: list[Branch] = []
    used_names: set[str] = set()
    for branch_code, n_subs in config.cities:
        plan = plans[branch_code]
        city = centres[plan.city_adcode]
        lat, lon = offset_point(city.lat, city.lon, rng.uniform(250, 600), rng.uniform(0, 6.283))
        branches.append(
            Branch(
                branch_code,
                f"{plan.short_name}分行",
                "BRANCH",
                HEAD_OFFICE_CODE,
                city.name,
                round(lat, 6),
                round(lon, 6),
                "",
            )
        )
        for number, adcode in enumerate(plan.counties[:n_subs], start=1):
            county = centres[adcode]
            name = short_county_name(county.name) + "支行"
            if name in used_names:  # 桥西区 exists in two cities
                name = plan.short_name + name
            used_names.add(name)
            sub = Branch(
                f"{branch_code}{number:02d}",
                name,
                "SUB",
                branch_code,
                city.name,
                county.lat,
                county.lon,
                adcode,
            )
            branches.append(sub)
            subs.append(sub)
    return branches, subs


def _build_staff(
    config: ScaleConfig,
    branches: list[Branch],
    subs: list[Branch],
    names: _Names,
    rng: random.Random,
) -> list[StaffMember]:
    phones: set[str] = set()
    devices: set[str] = set()
    staff: list[StaffMember] = []
    head_roles = ("HEAD_RISK", "HEAD_RISK", "AUDITOR", "ADMIN")
    for number, role in enumerate(head_roles, start=1):
        staff.append(
            StaffMember(
                f"H{number:04d}",
                names.person(rng.random() < 0.4, unique=True),
                HEAD_OFFICE_CODE,
                role,
                _phone(rng, phones, ("139",)),
            )
        )
    manager_no = 101
    for branch in branches:
        if branch.level != "BRANCH":
            continue
        staff.append(
            StaffMember(
                f"A{branch.code}",
                names.person(rng.random() < 0.4, unique=True),
                branch.code,
                "BRANCH_APPROVER",
                _phone(rng, phones, ("138",)),
            )
        )
        for sub in subs:
            if sub.parent_code != branch.code:
                continue
            for _ in range(config.managers_per_sub):
                make, model = rng.choice(catalog.DEVICE_MODELS)
                staff.append(
                    StaffMember(
                        employee_no=f"E{manager_no:05d}",
                        name=names.person(rng.random() < 0.45, unique=True),
                        branch_code=sub.code,
                        role="CLIENT_MANAGER",
                        phone=_phone(rng, phones, ("137", "135", "136")),
                        device_id=_device_id(rng, devices),
                        device_make=make,
                        device_model=model,
                    )
                )
                manager_no += 1
    return staff


def _build_customers_and_loans(
    config: ScaleConfig,
    subs: list[Branch],
    managers: dict[str, list[StaffMember]],
    centres: dict[str, AdminCentre],
    names: _Names,
    rng: random.Random,
    today: dt.date,
) -> tuple[list[Customer], list[Loan]]:
    loans_per_customer = [1] * config.customers
    for _ in range(config.loans - config.customers):
        index = rng.randrange(config.customers)
        while loans_per_customer[index] >= 3:
            index = rng.randrange(config.customers)
        loans_per_customer[index] += 1

    industry_cum = cumulative([weight for _, weight, _ in catalog.INDUSTRIES])
    product_cum = cumulative([product.weight for product in catalog.PRODUCTS])
    class_cum = cumulative(_CLASS_WEIGHTS)
    county_codes = sorted(code for code, c in centres.items() if c.level == "county")
    city_of_branch = {plan.branch_code: plan for plan in CITY_PLANS}
    phones: set[str] = set()
    company_names: set[str] = set()
    usccs: set[str] = set()
    month_ends = previous_month_ends(today, MAX_SNAPSHOTS)

    customers: list[Customer] = []
    loans: list[Loan] = []
    loan_seq = 0
    per_sub = [config.customers // len(subs)] * len(subs)
    for index in range(config.customers - sum(per_sub)):
        per_sub[index] += 1
    slots = [(sub, i) for sub, count in zip(subs, per_sub, strict=True) for i in range(count)]
    for number, (sub, i_in_sub) in enumerate(slots):
        plan = city_of_branch[sub.parent_code]
        sub_managers = managers[sub.code]
        manager = sub_managers[i_in_sub % len(sub_managers)]
        section, _, trades = catalog.INDUSTRIES[weighted_index(rng, industry_cum)]
        while True:
            trade = rng.choice(catalog.TRADE_FIRST) + rng.choice(catalog.TRADE_SECOND)
            name = f"{plan.short_name}{trade}{rng.choice(trades)}有限公司"
            if name not in company_names and trade[0] != trade[1]:
                company_names.add(name)
                break
        while True:
            uscc = make_uscc(rng, plan.city_adcode)
            if uscc not in usccs:
                usccs.add(uscc)
                break
        female = rng.random() < 0.3
        legal_rep = names.person(female)
        birth = today - dt.timedelta(days=rng.randint(28 * 365 + 10, 64 * 365))
        region = sub.county if rng.random() < 0.7 else rng.choice(county_codes)
        county_name = centres[sub.county].name
        if section in ("C", "A", "G") and rng.random() < 0.45:
            street = rng.choice(catalog.PARKS) + rng.choice(catalog.PARK_ROADS)
        else:
            street = rng.choice(catalog.STREETS)
        address = f"{sub.city}{county_name}{street}{rng.randint(1, 999)}号"
        wgs = jitter_point(rng, sub.lat, sub.lon, 4500.0)
        wgs = offset_point(wgs[0], wgs[1], 300.0, rng.uniform(0, 6.283))
        roll = rng.random()
        crs = Crs.GCJ02 if roll < 0.8 else Crs.WGS84 if roll < 0.94 else Crs.BD09
        stored = from_wgs84(wgs[0], wgs[1], crs)
        lat, lon = round(stored[0], 6), round(stored[1], 6)
        wgs_lat, wgs_lon = to_wgs84(lat, lon, crs)

        customer_no = f"C{1_000 + number:07d}"
        klass = catalog.CLASSIFICATIONS[weighted_index(rng, class_cum)]
        own_loans: list[Loan] = []
        for k in range(loans_per_customer[number]):
            product = catalog.PRODUCTS[weighted_index(rng, product_cum)]
            while (product.name == catalog.AGRI_PRODUCT) != (section == "A" and k == 0):
                product = catalog.PRODUCTS[weighted_index(rng, product_cum)]
            # Extra loans of a troubled customer are often still performing.
            loan_class = klass if k == 0 or rng.random() < 0.5 else "NORMAL"
            own_loans.append(_make_loan(rng, loan_seq, customer_no, product, loan_class, today, month_ends))
            loan_seq += 1
        loans.extend(own_loans)
        worst = max(
            (loan.current.classification for loan in own_loans),
            key=catalog.CLASSIFICATIONS.index,
        )
        customers.append(
            Customer(
                customer_no=customer_no,
                name=name,
                uscc=uscc,
                legal_rep=legal_rep,
                legal_rep_id=make_resident_id(rng, region, birth, female),
                phone=_phone(rng, phones, _MOBILE_PREFIXES),
                industry=section,
                address=address,
                lat=lat,
                lon=lon,
                crs=str(crs),
                branch_code=sub.code,
                manager_no=manager.employee_no,
                wgs_lat=wgs_lat,
                wgs_lon=wgs_lon,
                classification=worst,
                has_collateral=any(ln.guarantee in ("MORTGAGE", "PLEDGE") for ln in own_loans),
                has_guarantor=any(ln.guarantee == "GUARANTEE" for ln in own_loans),
                entrusted_payment=any(ln.payment == "ENTRUSTED" for ln in own_loans),
                total_amount=sum((ln.amount for ln in own_loans), Decimal(0)),
                first_disbursed=min(ln.disbursed_on for ln in own_loans),
            )
        )
    return customers, loans


def _make_loan(
    rng: random.Random,
    seq: int,
    customer_no: str,
    product: catalog.Product,
    klass: str,
    today: dt.date,
    month_ends: list[dt.date],
) -> Loan:
    as_of = month_ends[0]
    term = rng.choice(product.terms)
    amount = Decimal(rng.randint(product.min_wan, product.max_wan) * 10_000)
    if amount >= 1_000_000:
        amount = (amount / 100_000).to_integral_value() * 100_000
    rate_bp = product.base_rate_bp + rng.choice((-50, -25, 0, 0, 25, 45, 60))
    rate = Decimal(rate_bp).scaleb(-4)

    if klass == "NORMAL":
        overdue = 0
    elif klass == "SPECIAL_MENTION":
        overdue = 0 if rng.random() < 0.5 else rng.randint(1, 90)
    elif klass == "SUBSTANDARD":
        overdue = rng.randint(91, 270)
    elif klass == "DOUBTFUL":
        overdue = rng.randint(271, 360)
    else:
        overdue = rng.randint(361, 540)

    # Disbursed in the last two years, at least two months before the snapshot, and early
    # enough that a first instalment fell due before the loan went overdue.
    # The last instalment paid must fall before maturity, so a performing loan has not
    # matured yet and an overdue one went overdue while it still had a balance.
    latest = as_of - dt.timedelta(days=max(62, overdue + 31))
    paid_up_to = as_of - dt.timedelta(days=overdue) if overdue else today
    earliest = max(as_of - dt.timedelta(days=720), add_months(paid_up_to, -term) + dt.timedelta(days=20))
    disbursed = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
    maturity = add_months(disbursed, term)

    guarantee = rng.choice(product.guarantees)
    payment = "ENTRUSTED" if amount >= 1_000_000 or rng.random() < 0.3 else "SELF"
    amortising = term > 12 or rng.random() < 0.5
    # A loan already on 关注 with nothing overdue was moved there at some month end.
    downgraded_back = rng.randint(1, MAX_SNAPSHOTS - 1)

    wanted = rng.randint(2, MAX_SNAPSHOTS)
    snapshots: list[LoanSnapshot] = []
    for back, when in enumerate(month_ends[:wanted]):
        if when < disbursed:
            break
        lag = (as_of - when).days
        od = max(0, overdue - lag)
        when_current = klass if klass in ("NORMAL", "SPECIAL_MENTION") else "NORMAL"
        if klass == "SPECIAL_MENTION" and overdue == 0 and back >= downgraded_back:
            when_current = "NORMAL"
        paid_until = when - dt.timedelta(days=od)
        balance = _balance(amount, rate, term, months_between(disbursed, paid_until), amortising)
        snapshots.append(LoanSnapshot(when, balance, classify(od, when_current), od))
    snapshots.reverse()
    return Loan(
        loan_no=f"L{disbursed.year}{seq:06d}",
        customer_no=customer_no,
        product=product.name,
        amount=amount,
        rate=f"{rate:.4f}",
        disbursed_on=disbursed,
        maturity_on=maturity,
        guarantee=guarantee,
        payment=payment,
        purpose=rng.choice(product.purposes),
        snapshots=tuple(snapshots),
    )


def _balance(amount: Decimal, rate: Decimal, term: int, paid: int, amortising: bool) -> Decimal:
    """Outstanding principal after ``paid`` monthly instalments: equal instalments (等额本息)
    for amortising loans, else interest monthly and principal at maturity."""
    paid = min(paid, term)
    if not amortising:
        return amount if paid < term else Decimal("0.00")
    monthly = rate / 12
    growth_n = (1 + monthly) ** term
    growth_m = (1 + monthly) ** paid
    outstanding = amount * (growth_n - growth_m) / (growth_n - 1)
    return Decimal(money(outstanding))
