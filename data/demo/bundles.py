"""Inspection bundles as the mobile app submits them: ``manifest.json`` and photos.

Rules each bundle keeps (the interchange contract, version 1):

* ``started_at`` ≤ ``finished_at`` ≤ ``submitted_at``, all ISO 8601 with +08:00.
* The track (GCJ-02 mostly, some WGS-84) approaches the site from 1.5 to 5 km away,
  then has exactly one ``CHECKIN`` at ``started_at``, points on site, and one
  ``CHECKOUT`` at ``finished_at``; ``acc`` is metres.
* The checklist holds every item the template requires for the bundle's kind, answered
  with the healthy answer unless found abnormal (troubled customers more often), ``NA``
  where the item does not apply, and decimal-string values for ``NUMBER`` items; items
  that ask for a photo link to the photos of that category.
* Each photo is taken during the visit near the site; its ``sha256`` is of the exact file
  bytes; its watermark is ``date time employee name address``.
* A revision 2 keeps the bundle id, visit and photos, adds to some remarks and the
  summary, and is submitted one to seven days later.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import json
import math
import random
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from data.demo import catalog
from data.demo.checklist import TemplateItem
from data.demo.common import CST, iso, jitter_point, money, offset_point
from data.demo.photos import PhotoRenderer, build_exif
from data.demo.plan import ExifMode, Problem, Visit, applicable
from data.demo.world import Customer
from data.rules.coords import Crs, from_wgs84

# How likely a yes/no item is found abnormal, by the customer's loan classification.
_TROUBLE = {"NORMAL": 0.012, "SPECIAL_MENTION": 0.15, "SUBSTANDARD": 0.3, "DOUBTFUL": 0.35, "LOSS": 0.35}
# One class worse: what a manager who found real trouble suggests.
_WORSE = {
    "NORMAL": "SPECIAL_MENTION",
    "SPECIAL_MENTION": "SUBSTANDARD",
    "SUBSTANDARD": "DOUBTFUL",
    "DOUBTFUL": "LOSS",
    "LOSS": "LOSS",
}
_ZipTime = tuple[int, int, int, int, int, int]


@dataclass(frozen=True)
class DemoBundle:
    """One bundle ready for the importer: its file name (``<bundle_id>.zip``, or
    ``<bundle_id>-r2.zip`` for a resubmission) and the files it holds by path."""

    name: str
    files: dict[str, bytes]
    zip_time: _ZipTime = (2026, 1, 1, 0, 0, 0)

    def manifest(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.files["manifest.json"])
        return parsed

    def zip_bytes(self) -> bytes:
        """The bundle as a zip: the manifest deflated, the JPEGs stored (they do not
        compress), every entry stamped with the submission time, so equal bundles give
        equal bytes."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for path, data in self.files.items():
                info = zipfile.ZipInfo(path, date_time=self.zip_time)
                info.external_attr = 0o644 << 16
                if path.endswith(".json"):
                    info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return out.getvalue()


class BundleBuilder:
    """Builds the bundles of planned visits, in plan order. Visits that a planted problem
    copies from must be built before the visits copying them (plan order ensures it)."""

    def __init__(
        self,
        visits: list[Visit],
        template: tuple[TemplateItem, ...],
        seed: int,
        renderer: PhotoRenderer,
        pretty: bool,
    ) -> None:
        self._seed = seed
        self._renderer = renderer
        self._pretty = pretty
        self._template = {item.code: item for item in template}
        self._copy_sources = {
            v.source for v in visits if v.problem is Problem.COPIED_REPORT and v.source is not None
        }
        self._reuse_sources = {
            v.source for v in visits if v.problem is Problem.REUSED_PHOTO and v.source is not None
        }
        self._reports: dict[int, tuple[list[dict[str, Any]], dict[str, str]]] = {}
        self._storefronts: dict[int, bytes] = {}

    def build(self, visit: Visit) -> list[DemoBundle]:
        """The bundle of one visit, followed by its revision 2 if it was resubmitted."""
        rng = random.Random(f"{self._seed}/visit/{visit.index}")
        customer = visit.customer
        site = (customer.wgs_lat, customer.wgs_lon)
        if visit.problem is Problem.FAR_CHECKIN:
            site = offset_point(site[0], site[1], visit.far_m, rng.uniform(0.0, 2 * math.pi))
        crs = Crs.GCJ02 if rng.random() < 0.85 else Crs.WGS84

        def point(lat: float, lon: float) -> tuple[float, float]:
            out = from_wgs84(lat, lon, crs)
            return round(out[0], 6), round(out[1], 6)

        track = self._track(rng, visit, site, point)
        photos, photo_files = self._photos(rng, visit, site, crs, point)
        checklist, conclusion = self._report(rng, visit, photos)

        manifest: dict[str, Any] = {
            "format": "postloan-inspection-bundle",
            "version": 1,
            "bundle_id": visit.bundle_id,
            "revision": 1,
            "task_no": visit.task_no,
            "customer_no": customer.customer_no,
            "inspector": visit.inspector.employee_no,
        }
        if visit.companion is not None:
            manifest["companion"] = visit.companion.employee_no
        device = visit.device or visit.inspector
        manifest.update(
            device_id=device.device_id,
            kind=visit.kind,
            started_at=iso(visit.start),
            finished_at=iso(visit.finish),
            submitted_at=iso(visit.submitted),
            track={"crs": str(crs), "points": track},
            checklist=checklist,
            photos=photos,
            conclusion=conclusion,
        )
        if rng.random() < 0.2:
            notes = sorted(rng.randint(0, visit.duration_s) for _ in range(rng.randint(1, 2)))
            manifest["voice_notes"] = [
                {
                    "at": iso(visit.start + dt.timedelta(seconds=offset)),
                    "text": rng.choice(catalog.VOICE_NOTES),
                }
                for offset in notes
            ]
        bundles = [self._bundle(f"{visit.bundle_id}.zip", manifest, photo_files, visit.submitted)]
        if visit.resubmitted:
            bundles.append(self._revision_two(rng, visit, manifest, photo_files))
        return bundles

    # --- parts ---------------------------------------------------------------------------

    def _track(
        self,
        rng: random.Random,
        visit: Visit,
        site: tuple[float, float],
        point: Any,
    ) -> list[dict[str, Any]]:
        points: list[dict[str, Any]] = []

        def add(moment: dt.datetime, lat: float, lon: float, acc: float, event: str) -> None:
            out_lat, out_lon = point(lat, lon)
            points.append({"t": iso(moment), "lat": out_lat, "lon": out_lon, "acc": acc, "event": event})

        approach_s = rng.randint(10 * 60, 30 * 60)
        origin = offset_point(site[0], site[1], rng.uniform(1_500, 5_000), rng.uniform(0, 6.283))
        steps = max(2, approach_s // rng.randint(180, 360))
        for k in range(steps):
            fraction = k / steps
            lat = origin[0] + (site[0] - origin[0]) * fraction
            lon = origin[1] + (site[1] - origin[1]) * fraction
            lat, lon = jitter_point(rng, lat, lon, 60.0)
            moment = visit.start - dt.timedelta(seconds=approach_s * (1 - fraction))
            add(moment.replace(microsecond=0), lat, lon, round(rng.uniform(5, 30), 1), "TRACK")
        add(visit.start, *jitter_point(rng, *site, 30.0), round(rng.uniform(4, 15), 1), "CHECKIN")
        on_site = visit.duration_s // rng.randint(480, 900)
        for k in range(1, on_site + 1):
            moment = visit.start + dt.timedelta(seconds=visit.duration_s * k // (on_site + 1))
            add(moment, *jitter_point(rng, *site, 40.0), round(rng.uniform(5, 30), 1), "TRACK")
        add(visit.finish, *jitter_point(rng, *site, 30.0), round(rng.uniform(4, 15), 1), "CHECKOUT")
        return points

    def _photos(
        self,
        rng: random.Random,
        visit: Visit,
        site: tuple[float, float],
        crs: Crs,
        point: Any,
    ) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
        count = len(visit.categories)
        margin = min(20, visit.duration_s // 10)
        span = visit.duration_s - 2 * margin
        offsets = sorted(rng.sample(range(span), count))
        device = visit.device or visit.inspector
        entries: list[dict[str, Any]] = []
        files: dict[str, bytes] = {}
        for k, (category, mode) in enumerate(zip(visit.categories, visit.exif_modes, strict=True)):
            taken = visit.start + dt.timedelta(seconds=margin + offsets[k])
            app_lat, app_lon = jitter_point(rng, *site, 20.0)
            lines = (
                f"{taken:%Y-%m-%d %H:%M}",
                f"{visit.inspector.employee_no} {visit.inspector.name}",
                visit.customer.address,
            )
            reused = (
                visit.problem is Problem.REUSED_PHOTO
                and category == "STOREFRONT"
                and visit.source in self._storefronts
            )
            if reused and visit.source is not None:
                data = self._storefronts.pop(visit.source)
            else:
                exif = self._exif(
                    rng, mode, taken, (app_lat, app_lon), device.device_make, device.device_model
                )
                data = self._renderer.render(rng, category, lines, exif)
                if category == "STOREFRONT" and visit.index in self._reuse_sources:
                    self._storefronts.setdefault(visit.index, data)
            photo_id = f"p{k + 1}"
            out_lat, out_lon = point(app_lat, app_lon)
            entries.append(
                {
                    "id": photo_id,
                    "file": f"photos/{photo_id}.jpg",
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "category": category,
                    "taken_at": iso(taken),
                    "lat": out_lat,
                    "lon": out_lon,
                    "crs": str(crs),
                    "watermark": " ".join(lines),
                }
            )
            files[f"photos/{photo_id}.jpg"] = data
        return entries, files

    def _exif(
        self,
        rng: random.Random,
        mode: ExifMode,
        taken: dt.datetime,
        where: tuple[float, float],
        make: str,
        model: str,
    ) -> bytes | None:
        if mode is ExifMode.NONE:
            return None
        local = taken.astimezone(CST).replace(tzinfo=None) - dt.timedelta(seconds=rng.randint(0, 2))
        gps: tuple[float, float] | None = jitter_point(rng, *where, 8.0)
        if mode is ExifMode.SHIFTED_TIME:
            local -= dt.timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 8))
        elif mode is ExifMode.SHIFTED_PLACE and gps is not None:
            gps = offset_point(*gps, rng.uniform(8_000, 40_000), rng.uniform(0, 6.283))
        return build_exif(
            taken=local,
            gps=gps,
            malformed_gps=mode is ExifMode.MALFORMED,
            make=make,
            model=model,
            unique_id=f"{rng.getrandbits(128):032x}",
        )

    def _report(
        self, rng: random.Random, visit: Visit, photos: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        by_category: dict[str, list[str]] = {}
        for photo in photos:
            by_category.setdefault(photo["category"], []).append(photo["id"])
        if visit.problem is Problem.COPIED_REPORT and visit.source in self._reports:
            base, conclusion = self._reports.pop(visit.source)
            entries = copy.deepcopy(base)
            conclusion = dict(conclusion)
        else:
            entries, conclusion = self._write_report(rng, visit.customer, visit.items)
            if visit.index in self._copy_sources:
                self._reports[visit.index] = (copy.deepcopy(entries), dict(conclusion))
        for entry in entries:
            item = self._template[entry["code"]]
            if item.photo and entry["answer"] != "NA" and item.photo in by_category:
                entry["photos"] = list(by_category[item.photo])
        return entries, conclusion

    def _write_report(
        self, rng: random.Random, customer: Customer, items: tuple[str, ...]
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        trouble = _TROUBLE[customer.classification]
        troubled = customer.classification != "NORMAL"
        entries: list[dict[str, Any]] = []
        abnormal_remarks: list[str] = []
        receipts: Decimal | None = None
        for code in items:
            item = self._template[code]
            texts = catalog.ITEM_TEXTS[code]
            entry: dict[str, Any] = {"code": code}
            if not applicable(code, customer):
                entry.update(answer="NA", abnormal=False, remark=rng.choice(texts.not_applicable))
            elif item.answer in ("YES", "NO"):
                abnormal = rng.random() < trouble
                answer = item.answer if not abnormal else ("NO" if item.answer == "YES" else "YES")
                remark = rng.choice(texts.abnormal if abnormal else texts.healthy + catalog.GENERIC_HEALTHY)
                entry.update(answer=answer, abnormal=abnormal, remark=remark)
                if abnormal:
                    abnormal_remarks.append(remark)
            else:
                abnormal = troubled and code != "MGT-02" and rng.random() < 0.5
                if code == "MGT-02":
                    value = str(rng.randint(5, 260))
                else:
                    factor = rng.uniform(0.1, 0.6) if abnormal else rng.uniform(0.4, 2.5)
                    amount = (customer.total_amount * Decimal(f"{factor:.4f}") / 1000).quantize(
                        Decimal(1)
                    ) * 1000
                    value = money(amount)
                    if code == "FIN-03":
                        receipts = amount
                remark = rng.choice(texts.abnormal if abnormal else texts.healthy)
                entry.update(answer="NUMBER", value=value, abnormal=abnormal, remark=remark)
                if abnormal:
                    abnormal_remarks.append(remark)
            entries.append(entry)

        klass = customer.classification
        bad = len(abnormal_remarks)
        if bad >= 3 or (bad and klass in ("SUBSTANDARD", "DOUBTFUL", "LOSS")):
            opinion = "RISK"
            suggested = _WORSE[klass] if rng.random() < 0.5 else klass
        elif bad or klass != "NORMAL":
            opinion = "ATTENTION"
            suggested = "SPECIAL_MENTION" if klass == "NORMAL" and rng.random() < 0.3 else klass
        else:
            opinion, suggested = "NORMAL", klass
        parts = [rng.choice(catalog.SUMMARY_OPENINGS[opinion])]
        if receipts is not None:
            parts.append(f"近三月回款约{(receipts / 10_000).quantize(Decimal(1))}万元")
        if abnormal_remarks:
            parts.extend(abnormal_remarks[:2])
        else:
            # what this visit saw, in the manager's own words (three of its remarks): two
            # visits of one customer are told apart by what was found, not only by the
            # numbers, and never read as one copied from the other
            seen = [
                e["remark"]
                for e in entries
                if e["answer"] != "NA" and e["remark"] not in catalog.GENERIC_HEALTHY
            ]
            parts.extend(rng.sample(seen, min(3, len(seen))))
        summary = ",".join(parts) + "," + rng.choice(catalog.SUMMARY_CLOSINGS[opinion])
        conclusion = {
            "opinion": opinion,
            "suggested_classification": suggested,
            "summary": summary,
            "follow_up": rng.choice(catalog.FOLLOW_UPS[opinion]),
        }
        return entries, conclusion

    def _revision_two(
        self,
        rng: random.Random,
        visit: Visit,
        manifest: dict[str, Any],
        photo_files: dict[str, bytes],
    ) -> DemoBundle:
        revised = copy.deepcopy(manifest)
        revised["revision"] = 2
        day = visit.day + dt.timedelta(days=rng.randint(1, 7))
        submitted = dt.datetime.combine(day, dt.time(9, 0), CST) + dt.timedelta(
            seconds=rng.randint(0, 8 * 3600)
        )
        revised["submitted_at"] = iso(submitted)
        entries = revised["checklist"]
        for entry in rng.sample(entries, min(len(entries), rng.randint(1, 3))):
            entry["remark"] += rng.choice(catalog.REVISION_NOTES)
        revised["conclusion"]["summary"] += catalog.REVISION_SUMMARY
        return self._bundle(f"{visit.bundle_id}-r2.zip", revised, photo_files, submitted)

    def _bundle(
        self,
        name: str,
        manifest: dict[str, Any],
        photo_files: dict[str, bytes],
        submitted: dt.datetime,
    ) -> DemoBundle:
        if self._pretty:
            text = json.dumps(manifest, ensure_ascii=False, indent=1)
        else:
            text = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
        files = {"manifest.json": text.encode("utf-8"), **photo_files}
        local = submitted.astimezone(CST)
        stamp = (local.year, local.month, local.day, local.hour, local.minute, local.second)
        return DemoBundle(name=name, files=files, zip_time=stamp)
