"""docs/benchmarks.md from the measured results: the machine, the dataset, one table per database, the notes
on every goal missed (kept in NOTES below, written by the people who investigated), how to reproduce."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path

import django

from benchmarks.databases import ROOT

NOTES_FILE = ROOT / "benchmarks" / "NOTES.md"


def _number(value, unit: str = "ms") -> str:
    if value is None:
        return "—"
    if unit in ("dòng/giây", "yêu cầu/giây"):
        return f"{value:,.0f}".replace(",", ".")
    if value >= 100:
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


def _count(sizes: dict, key: str) -> str:
    return f"{sizes.get(key, 0):,}".replace(",", ".")


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        debian = Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = "?"
    try:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip()
    except OSError:
        wrk = "wrk không có"
    return [
        f"- Máy: {os.cpu_count()} nhân ({cpu}), {memory} RAM, Debian {debian}, Linux {platform.release()}",
        f"- Phần mềm: Python {platform.python_version()}, Django {django.get_version()}, gunicorn 4 worker đồng bộ, "
        f"{wrk}",
    ]


def write_report(path: Path, results: dict, *, args, started: float, load) -> None:
    lines = [
        "# Đo hiệu năng (benchmarks)",
        "",
        "Tạo bởi `make bench` (`python -m benchmarks.run`); đừng sửa tay các bảng — chạy lại lệnh. Phần ghi chú "
        "về các mục chưa đạt nằm trong `benchmarks/NOTES.md` và được chép vào đây.",
        "",
        f"- Ngày đo: {time.strftime('%d/%m/%Y %H:%M', time.localtime(started))} "
        f"(mất {(time.time() - started) / 60:.0f} phút); quy mô `{args.scale}`, seed {args.seed}, "
        f"{args.repeat} lần đo mỗi trang (sau 3 lần khởi động), tải hỗn hợp {args.load_seconds} giây",
        *machine(),
        f"- Tải trung bình của máy (1, 5, 15 phút) trước khi đo: {', '.join(f'{x:.1f}' for x in load[0])}; "
        f"sau: {', '.join(f'{x:.1f}' for x in load[1])} (trên 2 nhân; > 2 nghĩa là có việc khác chạy cùng, "
        "số đo bị nhiễu)",
        "",
    ]
    for db, result in results.items():
        dataset = result.get("dataset", {})
        sizes = result.get("sizes", {})
        generated = (
            f"dùng lại dữ liệu sinh lúc {dataset.get('generated_at')}"
            if dataset.get("reused")
            else f"sinh mới trong {dataset.get('generate_seconds', 0) / 60:.1f} phút".replace(".", ",")
        )
        lines += [
            f"## {'SQLite' if db == 'sqlite' else 'PostgreSQL'} {result.get('server_version', '')}",
            "",
            f"Dữ liệu: {_count(sizes, 'establishments')} cơ sở, {_count(sizes, 'yearly_figures')} số liệu năm, "
            f"{_count(sizes, 'projects')} đề án, {_count(sizes, 'beneficiaries')} lượt cơ sở thụ hưởng, "
            f"{_count(sizes, 'movements')} giao dịch giải ngân, {_count(sizes, 'indicator_values')} giá trị chỉ tiêu "
            f"({generated}).",
            "",
            "| Kịch bản | Đo | p50 | p95 | Nền p50 | Nền p95 | p95 / nền | Mục tiêu | Đạt? |",
            "|---|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for entry in result["scenarios"]:
            head = f"{entry['code']} {entry['title']}"
            if entry.get("unavailable"):
                lines.append(f"| {head} | {entry['unavailable']} | | | | | | {entry['goal']} | chưa đo |")
                continue
            if entry.get("error"):
                lines.append(f"| {head} | lỗi khi đo: {entry['error']} | | | | | | {entry['goal']} | chưa đo |")
                continue
            for number, row in enumerate(entry["rows"]):
                unit = row["unit"]
                suffix = "" if unit == "ms" else f" {unit}"
                ratio = f"{row['ratio']:.1f}×".replace(".", ",") if row.get("ratio") else ""
                met = {True: "đạt", False: "**chưa đạt**", None: ""}[row["met"]]
                label = row["label"] + (f" (`{row['note']}`)" if row["note"].startswith("/") else "")
                note = "" if row["note"].startswith("/") or not row["note"] else f" — {row['note']}"
                lines.append(
                    f"| {head if number == 0 else ''} | {label}{note} | {_number(row['p50'], unit)}{suffix} | "
                    f"{_number(row['p95'], unit)}{suffix if row['p95'] is not None else ''} | "
                    f"{_number(row['floor_p50'], unit)} | {_number(row['floor_p95'], unit)} | {ratio} | "
                    f"{row['goal']} | {met} |"
                )
        lines.append("")
    lines += [
        "Cột “nền” (floor): với trang HTTP là chính các câu SQL dữ liệu của trang đó (ghi lại khi dựng trang trong "
        "tiến trình) chạy trực tiếp trên cùng CSDL, cùng lượt đo; với B4 là chỉ đọc tệp (không kiểm tra, không "
        "ghi); với B7 là bộ nhớ của tiến trình ngay sau khi khởi động Django. Thời gian tính bằng ms.",
        "",
    ]
    if NOTES_FILE.exists():
        lines += [NOTES_FILE.read_text(encoding="utf-8").strip(), ""]
    lines += [
        "## Cách chạy lại",
        "",
        "```sh",
        "make bench                                   # quy mô national, seed 1, SQLite và PostgreSQL",
        "make bench BENCH_ARGS='--db sqlite --repeat 50'",
        ".venv/bin/python -m benchmarks.run --scale medium --seed 2 --db postgres --only B2,B3",
        ".venv/bin/python -m benchmarks.run --smoke --output /tmp/smoke.md   # mỗi kịch bản một lần, quy mô tiny",
        "```",
        "",
        "Dữ liệu sinh nằm trong `var/bench/` (không đưa vào git): tệp SQLite `sqlite-<quy mô>-<seed>.sqlite3`, cụm "
        "PostgreSQL `pg-data/` (bench tự khởi động trên một cổng trống của 127.0.0.1 và tắt sau khi đo) và tệp "
        "đánh dấu `<db>-<quy mô>-<seed>.json` (quy mô, seed, danh sách migration): còn khớp thì dùng lại, không "
        "khớp thì xóa và sinh lại. Xem `docs/data-generator.md`.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
