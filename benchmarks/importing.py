"""Child process of B4/B7: `write FILE ROWS` makes an import file as a province sends it; `import FILE` runs
the whole import pipeline (create the batch, validate, commit) inside a transaction that is rolled back, so
the bench database stays as generated; `parse FILE` only reads the file (the floor). Each prints one JSON
line with its time and the process's peak memory (VmHWM), before and after the work.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def _mb() -> float:
    """The process's peak resident memory so far (MB). VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    exec() from the forked parent (the bench child, 400 MB), VmHWM starts with the new program."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    import django

    django.setup()


HEADER = ["STT", "Tên cơ sở", "Loại hình", "Mã số thuế", "Địa chỉ", "Xã/phường", "Tỉnh/thành phố", "Điện thoại",
          "Năm thành lập", "Năm số liệu", "Tổng số lao động", "Lao động nữ", "Doanh thu", "Sản phẩm chính"]  # fmt: skip


def write(path: Path, rows: int, province: str = "") -> None:
    """New establishments (tax codes not in the database) in every commune of the country, or of one province
    (`province`: a current province code) as a Sở's own list would be."""
    from openpyxl import Workbook

    from khuyencong.core.vietnamese import fold_vi
    from khuyencong.geo.models import Unit, UnitLevel
    from khuyencong.registry.models import Establishment, LegalForm
    from khuyencong.synthetic.establishments import TaxCodes, person_name
    from khuyencong.synthetic.vocab import CRAFTS

    rng = random.Random(f"import:{rows}:{province}")
    provinces = list(Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True).order_by("code"))
    communes = list(
        Unit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=True).select_related("province").order_by("code")
    )
    if province:
        communes = [unit for unit in communes if unit.province.code == province]
    names = Counter((unit.province_id, fold_vi(unit.name)) for unit in communes)
    communes = [unit for unit in communes if names[(unit.province_id, fold_vi(unit.name))] == 1]  # unambiguous
    taken = set(Establishment.objects.exclude(tax_code=None).values_list("tax_code", flat=True))
    codes = TaxCodes(taken)
    labels = {LegalForm.HOUSEHOLD: "Hộ kinh doanh", LegalForm.ENTERPRISE: "Doanh nghiệp", LegalForm.COOPERATIVE: "HTX"}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sach")
    sheet.append(["DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN (tệp đo hiệu năng)"])
    sheet.append(HEADER)
    crafts = list(CRAFTS.values())
    for number in range(1, rows + 1):
        commune = communes[rng.randrange(len(communes))] if communes else None
        craft = crafts[rng.randrange(len(crafts))]
        form = rng.choice(list(labels))
        person = person_name(rng)
        name = {
            LegalForm.HOUSEHOLD: f"Hộ kinh doanh {craft.short} {person} {number}",
            LegalForm.ENTERPRISE: f"Công ty TNHH {craft.label} Nhập {number}",
            LegalForm.COOPERATIVE: f"Hợp tác xã {craft.label} {commune.name} {number}",
        }[form]
        total = rng.randint(1, 40)
        sheet.append([
            number, name, labels[form], codes.issue("99"), f"Thôn {rng.randint(1, 12)}", commune.name,
            commune.province.name if commune else provinces[0].name, f"09{rng.randint(10_000_000, 99_999_999)}",
            rng.randint(1990, 2024), 2024, total, rng.randint(0, total), rng.randint(200, 9000) * 1_000_000,
            craft.products[0],
        ])  # fmt: skip
    workbook.save(path)


def run_import(path: Path) -> dict:
    from django.conf import settings
    from django.core.files import File
    from django.db import transaction

    from khuyencong.imports.services import import_batch_create, import_batch_run_now
    from khuyencong.synthetic.scales import REFERENCE_DATE

    settings.PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="khuyencong-bench-import-"))
    baseline = _mb()
    began = time.perf_counter()
    with transaction.atomic():
        with open(path, "rb") as handle:
            batch = import_batch_create(
                actor=None, kind="establishments", upload=File(handle, name=path.name), province=None,
                as_of=REFERENCE_DATE,
            )  # fmt: skip
        batch = import_batch_run_now(actor=None, batch=batch, mode="all")
        seconds = time.perf_counter() - began
        result = {"rows": batch.total_rows, "created": batch.created_count, "status": batch.status,
                  "message": batch.message}  # fmt: skip
        transaction.set_rollback(True)
    return {**result, "seconds": seconds, "baseline_mb": baseline, "peak_mb": _mb()}


def parse(path: Path) -> dict:
    from khuyencong.imports.readers import detect_format, open_table

    baseline = _mb()
    began = time.perf_counter()
    rows = 0
    with open_table(path, detect_format(path, path.name)) as reader:
        for _row in reader.rows():
            rows += 1
    return {"rows": rows - 2, "seconds": time.perf_counter() - began, "baseline_mb": baseline, "peak_mb": _mb()}


def build_report(definition: str, period: str, basis: str) -> dict:
    """The reports app's `build_report` command (snapshot, Excel, PDF written to a temporary folder, nothing
    stored), as a scheduled national report runs."""
    import io

    from django.core.management import call_command

    from khuyencong.synthetic.scales import REFERENCE_DATE

    output = Path(tempfile.mkdtemp(prefix="khuyencong-bench-report-"))
    baseline = _mb()
    began = time.perf_counter()
    out = io.StringIO()
    call_command(
        "build_report", definition=definition, period=period, national=True, basis=basis, output=str(output),
        today=REFERENCE_DATE.isoformat(), stdout=out,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    files = {path.suffix: path.stat().st_size for path in output.iterdir()}
    return {"seconds": seconds, "baseline_mb": baseline, "peak_mb": _mb(), "files": files}


def main(argv: list[str]) -> None:
    action, path = argv[0], Path(argv[1]) if len(argv) > 1 else None
    _setup()
    if action == "write":
        write(path, int(argv[2]), argv[3] if len(argv) > 3 else "")
        print(json.dumps({"written": str(path)}))
    elif action == "import":
        print(json.dumps(run_import(path), ensure_ascii=False))
    elif action == "parse":
        print(json.dumps(parse(path)))
    elif action == "report":
        print(json.dumps(build_report(argv[1], argv[2], argv[3])))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main(sys.argv[1:])
